package main

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jemput/jemput/intake"
	"github.com/jemput/jemput/store"
)

// version is set by the Makefile from git describe.
var version = "dev"

// App is what every command shares: where the kit lives, how to talk to the
// person at the keyboard, and the service once it is opened.
type App struct {
	Home string
	Lang string // "id" or "en"
	JSON bool

	In  io.Reader
	Out io.Writer
	Err io.Writer

	Getenv func(string) string
	Now    func() time.Time

	db  *store.DB
	svc *intake.Service
}

// Kit home layout.
func (a *App) dbPath() string         { return filepath.Join(a.Home, "kit.db") }
func (a *App) keyPath() string        { return filepath.Join(a.Home, "device.key") }
func (a *App) receiptDir() string     { return filepath.Join(a.Home, "receipts") }
func (a *App) tablesPath() string     { return filepath.Join(a.Home, "tables") }
func (a *App) initialized() bool      { _, err := os.Stat(a.dbPath()); return err == nil }
func (a *App) t(id, en string) string { return pick(a.Lang, id, en) }

func pick(lang, id, en string) string {
	if lang == "en" {
		return en
	}
	return id
}

// defaultHome is $JEMPUT_HOME, else $XDG_DATA_HOME/jemput, else
// ~/.local/share/jemput.
func defaultHome(getenv func(string) string) string {
	if h := getenv("JEMPUT_HOME"); h != "" {
		return h
	}
	if x := getenv("XDG_DATA_HOME"); x != "" {
		return filepath.Join(x, "jemput")
	}
	if h := getenv("HOME"); h != "" {
		return filepath.Join(h, ".local", "share", "jemput")
	}
	return "jemput"
}

// defaultLang reads LANG and friends: Indonesian unless they say English.
func defaultLang(getenv func(string) string) string {
	for _, k := range []string{"JEMPUT_LANG", "LC_ALL", "LC_MESSAGES", "LANG"} {
		v := strings.ToLower(getenv(k))
		switch {
		case v == "":
			continue
		case strings.HasPrefix(v, "en"):
			return "en"
		case strings.HasPrefix(v, "id"), strings.HasPrefix(v, "in"):
			return "id"
		case v == "c" || v == "posix" || strings.HasPrefix(v, "c."):
			continue
		default:
			return "id"
		}
	}
	return "id"
}

// clock returns the kit's clock: the real one, or JEMPUT_NOW (RFC 3339) for
// tests and training sessions, so that dates on receipts can be fixed.
func clock(getenv func(string) string) (func() time.Time, error) {
	v := getenv("JEMPUT_NOW")
	if v == "" {
		return time.Now, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return nil, fmt.Errorf("JEMPUT_NOW=%q: want RFC 3339 time like 2026-11-27T09:00:00+08:00", v)
	}
	return func() time.Time { return t }, nil
}

// service opens the kit's database (once) and returns the service. For
// commands other than init, a missing kit is an error with a hint.
func (a *App) service(ctx context.Context) (*intake.Service, error) {
	if a.svc != nil {
		return a.svc, nil
	}
	if !a.initialized() {
		return nil, intake.Errorf(intake.CodeNotInit, "belum ada kit di %s", "there is no kit in %s", a.Home).
			WithHint("buat dengan: jemput init --kit-code KODE --office KANTOR --supervisor-nip NIP --supervisor-name NAMA (atau pakai --home)",
				"create one with: jemput init --kit-code CODE --office OFFICE --supervisor-nip NIP --supervisor-name NAME (or use --home)")
	}
	return a.openService(ctx)
}

func (a *App) openService(ctx context.Context) (*intake.Service, error) {
	if err := os.MkdirAll(a.Home, 0o700); err != nil {
		return nil, err
	}
	db, err := store.Open(ctx, a.dbPath())
	if err != nil {
		return nil, err
	}
	a.db = db
	a.svc = intake.NewService(db, intake.WithClock(a.Now))
	a.warnSync(ctx)
	return a.svc, nil
}

// Close releases the database.
func (a *App) Close() {
	if a.db != nil {
		a.db.Close()
	}
}

// deviceKey reads the kit's private key.
func (a *App) deviceKey() (ed25519.PrivateKey, error) {
	b, err := os.ReadFile(a.keyPath())
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, intake.Errorf(intake.CodeNotInit, "kunci perangkat tidak ada di %s", "the device key is missing from %s", a.keyPath())
		}
		return nil, err
	}
	return parsePrivateKey(b)
}

// warnSync says, at every command, when the kit is past its sync limits.
func (a *App) warnSync(ctx context.Context) {
	st, err := a.svc.SyncState(ctx)
	if err != nil || !st.Over {
		return
	}
	days := int(a.Now().Sub(st.Oldest).Hours() / 24)
	fmt.Fprintf(a.Err, a.t("peringatan: %d permohonan disetujui belum sampai di kantor (tertua %d hari); permohonan baru ditolak sampai jemput sync atau jemput sync export\n",
		"warning: %d approved applications have not reached the office (oldest %d days); new intake is refused until jemput sync or jemput sync export\n"), st.Waiting, days)
}
