package sync

import (
	"crypto/ed25519"
	"encoding/base64"
	"errors"
)

// EnrollMessage is what a kit signs to prove it holds the key it enrolls:
// "jemput-enroll\n" + token + "\n" + base64(public key).
func EnrollMessage(token string, pub ed25519.PublicKey) []byte {
	return []byte("jemput-enroll\n" + token + "\n" + base64.StdEncoding.EncodeToString(pub))
}

// EnrolledMessage is what the office signs when it enrolls a kit:
// "jemput-enrolled\n" + kit + "\n" + base64(public key).
func EnrolledMessage(kit string, pub ed25519.PublicKey) []byte {
	return []byte("jemput-enrolled\n" + kit + "\n" + base64.StdEncoding.EncodeToString(pub))
}

// OfficeMessage is what the office signs in OfficeInfo.Signature:
// "jemput-office\n" + office + "\n" + sealing recipient + "\n" + TLS
// certificate hash. It binds the sealing key and the certificate to the
// signing key whose fingerprint the token carries.
func OfficeMessage(info OfficeInfo) []byte {
	return []byte("jemput-office\n" + info.Office + "\n" + info.SealingRecipient + "\n" + info.TLSCertSHA256)
}

// EnrollProof signs the enrollment of key's public half with token.
func EnrollProof(key ed25519.PrivateKey, token string) []byte {
	return ed25519.Sign(key, EnrollMessage(token, key.Public().(ed25519.PublicKey)))
}

// VerifyEnrollProof checks a proof made by EnrollProof.
func VerifyEnrollProof(pub ed25519.PublicKey, token string, proof []byte) bool {
	return verify(pub, EnrollMessage(token, pub), proof)
}

// SignEnrolled is the office's signature that kit is enrolled with pub.
func SignEnrolled(officeKey ed25519.PrivateKey, kit string, pub ed25519.PublicKey) []byte {
	return ed25519.Sign(officeKey, EnrolledMessage(kit, pub))
}

// VerifyEnrolled checks a signature made by SignEnrolled.
func VerifyEnrolled(officePub ed25519.PublicKey, kit string, pub ed25519.PublicKey, sig []byte) bool {
	return verify(officePub, EnrolledMessage(kit, pub), sig)
}

// SignOfficeInfo sets info.SigningKey to officeKey's public half and
// info.Signature to its signature of OfficeMessage. The office does this
// for every GET /v1/office answer.
func SignOfficeInfo(officeKey ed25519.PrivateKey, info *OfficeInfo) {
	info.SigningKey = officeKey.Public().(ed25519.PublicKey)
	info.Signature = ed25519.Sign(officeKey, OfficeMessage(*info))
}

// VerifyOfficeInfo checks info.Signature with info.SigningKey. The caller
// must still check that the key is the one it expects (by fingerprint).
func VerifyOfficeInfo(info OfficeInfo) error {
	if len(info.SigningKey) != ed25519.PublicKeySize {
		return errors.New("the office's answer has no valid signing key")
	}
	if !verify(info.SigningKey, OfficeMessage(info), info.Signature) {
		return errors.New("the office's answer is not signed by its signing key")
	}
	return nil
}

// verify is ed25519.Verify that refuses, instead of panicking on, a key of
// the wrong length.
func verify(pub ed25519.PublicKey, msg, sig []byte) bool {
	if len(pub) != ed25519.PublicKeySize || len(sig) != ed25519.SignatureSize {
		return false
	}
	return ed25519.Verify(pub, msg, sig)
}
