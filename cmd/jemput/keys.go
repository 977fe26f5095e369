package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"

	"github.com/jemput/jemput/internal/atomicfile"
)

// The device key is an ed25519 key made at init and kept in the kit home,
// readable by its owner only. It signs receipts now and sync requests later.

const pemType = "JEMPUT DEVICE KEY"

func newDeviceKey(path string) (ed25519.PublicKey, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	block := pem.EncodeToMemory(&pem.Block{Type: pemType, Bytes: priv.Seed()})
	// Never over an existing key: receipts already signed with it would no
	// longer verify.
	return pub, atomicfile.WriteFile(path, block, 0o600, false)
}

func parsePrivateKey(b []byte) (ed25519.PrivateKey, error) {
	block, _ := pem.Decode(b)
	if block == nil || block.Type != pemType || len(block.Bytes) != ed25519.SeedSize {
		return nil, errors.New("the device key file is damaged")
	}
	return ed25519.NewKeyFromSeed(block.Bytes), nil
}

func fingerprint(pub ed25519.PublicKey) string {
	return fmt.Sprintf("%x", pub[:8])
}
