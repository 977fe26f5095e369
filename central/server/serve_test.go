package server

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jemput/jemput/central"
	"github.com/jemput/jemput/central/centraltest"
	ksync "github.com/jemput/jemput/sync"
)

// selfSigned writes a certificate and key for 127.0.0.1 into dir.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string) {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "central test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, _ := x509.MarshalECPrivateKey(priv)
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600)
	return certFile, keyFile
}

// TestServeTLS enrolls a kit over TLS, which pins the certificate the
// office announces, then syncs with the pin, and shuts the server down.
func TestServeTLS(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f := centraltest.New(t)
	certFile, keyFile := selfSigned(t, t.TempDir())
	pin, err := CertSHA256(certFile)
	if err != nil {
		t.Fatal(err)
	}
	office, err := central.NewOffice(ctx, f.Store, central.WithTLSCertSHA256(pin), central.WithKeys(f.Keys))
	if err != nil {
		t.Fatal(err)
	}
	ready := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() {
		done <- Serve(ctx, New(office, nil), Config{Addr: "127.0.0.1:0", TLSCert: certFile, TLSKey: keyFile, Ready: func(a net.Addr) { ready <- a }})
	}()
	var url string
	select {
	case a := <-ready:
		url = "https://" + a.String()
	case err := <-done:
		t.Fatal(err)
	}

	token, _ := office.AddKit(ctx, "KTB01", time.Hour)
	tok, _ := ksync.ParseToken(token)
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	info, _, err := ksync.Enroll(ctx, url, tok, "KTB01", key)
	if err != nil {
		t.Fatal(err)
	}
	if info.TLSCertSHA256 != pin {
		t.Errorf("office announced certificate %q, want %q", info.TLSCertSHA256, pin)
	}
	c, err := ksync.NewClient(url, "KTB01", key, pin, nil)
	if err != nil {
		t.Fatal(err)
	}
	acks, err := c.SendBatch(ctx, ksync.Batch{Records: []ksync.Record{centraltest.Record("KTB01", "app-a", 1, centraltest.NIKKotabaru, "")}})
	if err != nil {
		t.Fatal(err)
	}
	centraltest.WantResults(t, acks, "stored")

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve after cancel: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("Serve did not stop")
	}
}
