package sync

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
)

// HeaderAnswerSignature carries the office's signature of its answer to a
// signed request: the kit trusts an ack or a status only when it verifies
// with the office key it learned at enrollment, so that nobody on the link
// can answer "stored" for records the office never got.
const HeaderAnswerSignature = "Jemput-Answer-Signature"

// AnswerMessage is what the office signs: the request's nonce (so that an
// old answer cannot be replayed to a new request) and the answer's bytes.
func AnswerMessage(nonce string, body []byte) []byte {
	sum := sha256.Sum256(body)
	return []byte("jemput-answer\n" + nonce + "\n" + hex.EncodeToString(sum[:]))
}

// SignAnswer signs an answer to the request that carried nonce.
func SignAnswer(officeKey ed25519.PrivateKey, nonce string, body []byte) string {
	return base64.StdEncoding.EncodeToString(ed25519.Sign(officeKey, AnswerMessage(nonce, body)))
}

// VerifyAnswer checks an answer's signature.
func VerifyAnswer(officePub ed25519.PublicKey, nonce string, body []byte, sig string) bool {
	b, err := base64.StdEncoding.DecodeString(sig)
	return err == nil && verify(officePub, AnswerMessage(nonce, body), b)
}
