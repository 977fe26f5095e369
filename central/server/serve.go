package server

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"
)

// Config says where and how to serve.
type Config struct {
	Addr    string // host:port; port 0 picks a free one
	TLSCert string // certificate file (PEM); with TLSKey, serve TLS
	TLSKey  string
	Log     *slog.Logger
	// Ready, if set, is called once the listener is open, with its
	// address (the real port when Addr asked for 0).
	Ready func(addr net.Addr)
	// ShutdownTimeout bounds how long requests in flight may finish after
	// ctx is done (default 10 s).
	ShutdownTimeout time.Duration
	// Limits are the connection limits and timeouts (zero: DefaultLimits);
	// the handler has its own copy for bodies.
	Limits *Limits
}

// TLSConfig is the office's TLS: version 1.2 at least, and on 1.2 only
// ECDHE key exchange with AEAD ciphers (no CBC, no SHA-1, no RSA key
// exchange); 1.3's suites are all AEAD and not configurable.
func TLSConfig(cert tls.Certificate) *tls.Config {
	return &tls.Config{
		MinVersion:   tls.VersionTLS12,
		Certificates: []tls.Certificate{cert},
		CipherSuites: []uint16{
			tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
			tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
			tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
			tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
			tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
			tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
		},
		// HTTP/1.1 only: the limits above count requests per connection.
		NextProtos: []string{"http/1.1"},
	}
}

// Serve serves h until ctx is done, then shuts down gracefully: it stops
// accepting connections and waits for requests in flight.
func Serve(ctx context.Context, h http.Handler, cfg Config) error {
	if (cfg.TLSCert == "") != (cfg.TLSKey == "") {
		return errors.New("TLS needs both a certificate and a key")
	}
	log := cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	l := DefaultLimits
	if cfg.Limits != nil {
		l = *cfg.Limits
	}
	srv := &http.Server{
		Handler: h,
		// No overall read timeout: a batch over a satellite link takes
		// minutes. Headers must come promptly, a body must keep coming
		// (the handler's per-read deadline and minimum rate), answers
		// must leave in WriteTimeout (set per request by the handler),
		// and idle connections are closed.
		ReadHeaderTimeout: l.HeaderTimeout,
		IdleTimeout:       l.IdleTimeout,
		MaxHeaderBytes:    l.HeaderBytes,
		// What net/http itself says of bad clients (a TLS handshake that
		// fails, a malformed request line) is the clients' doing: info.
		ErrorLog:    slog.NewLogLogger(log.Handler(), slog.LevelInfo),
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	if cfg.TLSCert != "" {
		cert, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey)
		if err != nil {
			return fmt.Errorf("TLS: %w", err)
		}
		srv.TLSConfig = TLSConfig(cert)
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	if l.MaxConns > 0 {
		ln = newLimitListener(ln, l.MaxConns)
	}
	if srv.TLSConfig != nil {
		ln = tls.NewListener(ln, srv.TLSConfig)
	}
	if cfg.Ready != nil {
		cfg.Ready(ln.Addr())
	}
	timeout := cfg.ShutdownTimeout
	if timeout == 0 {
		timeout = 10 * time.Second
	}
	done := make(chan error, 1)
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		log.Info("shutting down", "wait", timeout)
		done <- srv.Shutdown(sctx)
	}()
	err = srv.Serve(ln)
	if !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return <-done
}

// CertSHA256 is the hex SHA-256 of the first certificate (DER) in a PEM
// file: what kits pin.
func CertSHA256(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	for {
		var blk *pem.Block
		blk, b = pem.Decode(b)
		if blk == nil {
			return "", fmt.Errorf("%s: no CERTIFICATE in the file", path)
		}
		if blk.Type == "CERTIFICATE" {
			sum := sha256.Sum256(blk.Bytes)
			return hex.EncodeToString(sum[:]), nil
		}
	}
}
