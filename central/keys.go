package central

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	gosync "sync"
	"time"

	"filippo.io/age"
	"github.com/jemput/jemput/internal/atomicfile"
	ksync "github.com/jemput/jemput/sync"
)

// Secrets are the office's own secret keys: the ed25519 key that signs
// enrollment answers, answers and ack files, and the age identity export
// files are sealed to. They are kept by a KeyStore, never in the database,
// so that a copy of the database alone does not yield them.
type Secrets struct {
	Signing     ed25519.PrivateKey
	AgeIdentity string // AGE-SECRET-KEY-1...
	CreatedAt   time.Time
}

// KeyStore keeps the office's secrets.
type KeyStore interface {
	Load() (Secrets, error) // ErrNotFound when there are none yet
	Save(Secrets) error     // refuses to replace existing secrets
}

// NewSecrets makes a new signing key and age identity.
func NewSecrets(now time.Time) (Secrets, error) {
	_, signing, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return Secrets{}, err
	}
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return Secrets{}, err
	}
	return Secrets{Signing: signing, AgeIdentity: id.String(), CreatedAt: now.UTC()}, nil
}

// FingerprintOf names the office whose secrets these are.
func FingerprintOf(s Secrets) string {
	return ksync.Fingerprint(s.Signing.Public().(ed25519.PublicKey))
}

// MemoryKeys keeps secrets in memory: for tests, and for an office that
// lives only as long as its process. The zero value is empty.
type MemoryKeys struct {
	mu gosync.Mutex
	s  *Secrets
}

func (m *MemoryKeys) Load() (Secrets, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.s == nil {
		return Secrets{}, fmt.Errorf("office keys in memory: %w", ErrNotFound)
	}
	return *m.s, nil
}

func (m *MemoryKeys) Save(s Secrets) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.s != nil {
		return fmt.Errorf("office keys in memory: already made: %w", fs.ErrExist)
	}
	m.s = &s
	return nil
}

// KeyFile keeps the secrets in a file of their own, mode 0600, beside (not
// inside) the database. With a Passphrase the file is sealed with it (age,
// scrypt); without, it is plain JSON and only its permissions protect it.
type KeyFile struct {
	Path       string
	Passphrase string
}

type keyFileJSON struct {
	Comment     string    `json:"comment"`
	SigningKey  []byte    `json:"signing_key"` // ed25519 private key, 64 bytes
	AgeIdentity string    `json:"age_identity"`
	CreatedAt   time.Time `json:"created_at"`
}

const ageMagic = "age-encryption.org/"

func (k KeyFile) Load() (Secrets, error) {
	fi, err := os.Stat(k.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return Secrets{}, fmt.Errorf("office key file %s: %w", k.Path, ErrNotFound)
	}
	if err != nil {
		return Secrets{}, err
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		return Secrets{}, fmt.Errorf("office key file %s can be read by others (mode %o): make it private with chmod 600 %s", k.Path, fi.Mode().Perm(), k.Path)
	}
	b, err := os.ReadFile(k.Path)
	if err != nil {
		return Secrets{}, err
	}
	if bytes.HasPrefix(b, []byte(ageMagic)) {
		if k.Passphrase == "" {
			return Secrets{}, fmt.Errorf("office key file %s is sealed with a passphrase: give it (JEMPUT_CENTRAL_PASSPHRASE or --passphrase-file)", k.Path)
		}
		id, err := age.NewScryptIdentity(k.Passphrase)
		if err != nil {
			return Secrets{}, err
		}
		r, err := age.Decrypt(bytes.NewReader(b), id)
		if err != nil {
			return Secrets{}, fmt.Errorf("office key file %s: wrong passphrase, or the file is damaged: %v", k.Path, err)
		}
		if b, err = io.ReadAll(io.LimitReader(r, 1<<20)); err != nil {
			return Secrets{}, fmt.Errorf("office key file %s is damaged: %v", k.Path, err)
		}
	}
	var j keyFileJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return Secrets{}, fmt.Errorf("office key file %s is not a key file: %v", k.Path, err)
	}
	if len(j.SigningKey) != ed25519.PrivateKeySize {
		return Secrets{}, fmt.Errorf("office key file %s: signing key of %d bytes, want %d", k.Path, len(j.SigningKey), ed25519.PrivateKeySize)
	}
	if _, err := age.ParseX25519Identity(j.AgeIdentity); err != nil {
		return Secrets{}, fmt.Errorf("office key file %s: sealing identity: %v", k.Path, err)
	}
	return Secrets{Signing: ed25519.PrivateKey(j.SigningKey), AgeIdentity: j.AgeIdentity, CreatedAt: j.CreatedAt}, nil
}

func (k KeyFile) Save(s Secrets) error { return k.write(s, false) }

// Reseal writes s over the key file, sealed with k's passphrase (none:
// plain): how a passphrase is given, changed or taken away.
func (k KeyFile) Reseal(s Secrets) error { return k.write(s, true) }

func (k KeyFile) write(s Secrets, replace bool) error {
	js, err := json.MarshalIndent(keyFileJSON{
		Comment:    "jemput-central office keys: keep this file secret, and a copy of it apart from the database",
		SigningKey: s.Signing, AgeIdentity: s.AgeIdentity, CreatedAt: s.CreatedAt.UTC(),
	}, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(k.Path, 0o600, replace, func(w io.Writer) error {
		if k.Passphrase == "" {
			_, err := w.Write(append(js, '\n'))
			return err
		}
		rcpt, err := age.NewScryptRecipient(k.Passphrase)
		if err != nil {
			return err
		}
		aw, err := age.Encrypt(w, rcpt)
		if err != nil {
			return err
		}
		if _, err := aw.Write(js); err != nil {
			return err
		}
		return aw.Close()
	})
}
