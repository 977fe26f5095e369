package main

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/jemput/jemput/intake"
	"github.com/jemput/jemput/internal/atomicfile"
	"github.com/jemput/jemput/vault"
)

// A login leaves the kit's unwrapped secret in a session file in the
// user's runtime folder ($XDG_RUNTIME_DIR, a tmpfs that only the user can
// read and that a reboot empties), never in the kit home: a copy of the
// home taken during a session opens nothing. Where there is no runtime
// folder, a 0700 folder per user under the temporary folder is used, and
// doctor says so.

// runtimeDir is where sessions and receipts for printing live, and whether
// it is the user's own runtime folder.
func (a *App) runtimeDir() (string, bool) {
	if x := a.Getenv("XDG_RUNTIME_DIR"); x != "" {
		return filepath.Join(x, "jemput"), true
	}
	return filepath.Join(os.TempDir(), "jemput-"+strconv.Itoa(os.Getuid())), false
}

// sessionPath names the session of one kit home: a copy of the home is
// another kit home, with no session of its own until a login there.
func (a *App) sessionPath(kitID string) string {
	dir, _ := a.runtimeDir()
	sum := sha256.Sum256([]byte(a.homeAbs()))
	return filepath.Join(dir, kitID+"-"+hex.EncodeToString(sum[:6])+".session")
}

// receiptDir is where receipts are written when --out is not given: beside
// the session, outside the kit home, since a receipt shows the applicant's
// data in clear. A reprint makes it again from the sealed record.
func (a *App) receiptDir() string {
	dir, _ := a.runtimeDir()
	sum := sha256.Sum256([]byte(a.homeAbs()))
	return filepath.Join(dir, "receipts-"+a.kitID+"-"+hex.EncodeToString(sum[:6]))
}

// ensureRuntimeDir makes the runtime folder 0700 and refuses one that
// another user could read.
func (a *App) ensureRuntimeDir() (string, error) {
	dir, _ := a.runtimeDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	st, err := os.Lstat(dir)
	if err != nil {
		return "", err
	}
	if !st.IsDir() || st.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(dir, 0o700); err != nil || !st.IsDir() {
			return "", intake.Errorf(intake.CodeInvalid, "folder sesi %s bisa dibaca orang lain", "the session folder %s can be read by others", dir)
		}
	}
	return dir, nil
}

func (a *App) homeAbs() string {
	h, err := filepath.Abs(a.Home)
	if err != nil {
		return a.Home
	}
	return h
}

// writeSession keeps what a login unlocked until the session ends.
func (a *App) writeSession(s intake.Session) error {
	if _, err := a.ensureRuntimeDir(); err != nil {
		return err
	}
	b, err := vault.MarshalSession(vault.Session{Kit: s.Kit.ID, Home: a.homeAbs(), Officer: s.Officer.ID, Since: s.Since, Until: s.Until, Secret: s.Secret})
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(a.sessionPath(s.Kit.ID), b, 0o600, true)
}

// removeSession ends the session of this kit in this user's runtime
// folder, with the receipts it wrote.
func (a *App) removeSession() {
	if a.kitID == "" {
		return
	}
	os.Remove(a.sessionPath(a.kitID))
	os.RemoveAll(a.receiptDir())
}

// loadSession unlocks the service with the session file of this kit, if
// there is one, it belongs to this kit home and it has not ended.
func (a *App) loadSession(ctx context.Context) error {
	kit, err := a.svc.Kit(ctx)
	if err != nil || kit.ID == "" {
		return nil // a kit not encrypted yet: a supervisor's login converts it
	}
	a.kitID = kit.ID
	b, err := os.ReadFile(a.sessionPath(kit.ID))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	s, err := vault.UnmarshalSession(b)
	if err != nil || s.Kit != kit.ID || s.Home != a.homeAbs() {
		// Not this kit's, not this copy of it, or changed: it opens nothing.
		a.Note("sesi di %s tidak berlaku untuk kit ini; masuk lagi", "the session in %s is not valid for this kit; log in again", a.sessionPath(kit.ID))
		return nil
	}
	if !a.Now().Before(s.Until) {
		a.removeSession()
		a.Note("sesi berakhir pukul %s; masuk lagi (jemput login)", "the session ended at %s; log in again (jemput login)", a.when(s.Until))
		return nil
	}
	if err := a.svc.Unlock(ctx, s.Secret, s.Officer, s.Since, s.Until); err != nil {
		if intake.IsCode(err, intake.CodeTampered) {
			a.removeSession()
		}
		return err
	}
	a.session = &s
	return nil
}

// deviceKey opens the kit's private key, sealed in the kit under the data
// key: it needs a session.
func (a *App) deviceKey() (ed25519.PrivateKey, error) {
	if a.svc == nil {
		return nil, intake.Errorf(intake.CodeNotInit, "kit belum dibuka", "the kit is not open")
	}
	seed, err := a.svc.DeviceKey(context.Background())
	if err != nil {
		return nil, err
	}
	if len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("the device key is damaged")
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

// adoptLegacyKey seals the device.key file of a kit made before
// encryption into the kit and removes the file.
func (a *App) adoptLegacyKey(ctx context.Context) error {
	b, err := os.ReadFile(a.legacyKeyPath())
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	key, err := parsePrivateKey(b)
	if err != nil {
		return err
	}
	if err := a.svc.AdoptDeviceKey(ctx, key.Seed()); err != nil {
		return err
	}
	return os.Remove(a.legacyKeyPath())
}

// removeLegacyReceipts removes the receipts a kit made before encryption
// kept in its home, in clear: they are made again from the sealed records.
func (a *App) removeLegacyReceipts() int {
	dir := filepath.Join(a.Home, "receipts")
	files, _ := filepath.Glob(filepath.Join(dir, "*.pdf"))
	for _, f := range files {
		os.Remove(f)
	}
	os.Remove(dir)
	return len(files)
}

// sessionTTL reads login --for, else the kit's default.
func parseTTL(s string) (time.Duration, error) {
	if s == "" {
		return intake.SessionTTL, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < time.Minute || d > 24*time.Hour {
		return 0, fmt.Errorf("--for must be a duration between 1m and 24h, for example 8h, not %q", s)
	}
	return d, nil
}

func (a *App) ttlOr() time.Duration {
	if a.ttl > 0 {
		return a.ttl
	}
	return intake.SessionTTL
}
