package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
)

// The device key is an ed25519 key made at init and sealed in the kit
// under the data key (never on disk in clear). It signs receipts, sync
// requests and export files. Kits made before encryption kept it in a PEM
// file, which the first supervisor login seals into the kit.

const pemType = "JEMPUT DEVICE KEY"

func newDeviceKey() (ed25519.PrivateKey, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	return priv, err
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
