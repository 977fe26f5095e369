package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/jemput/jemput/cmd/internal/cli"

	"github.com/jemput/jemput/forms"
	"github.com/jemput/jemput/intake"
	"github.com/jemput/jemput/store"
	"github.com/jemput/jemput/vault"
)

// version is set by the Makefile from git describe.
var version = "dev"

// App is what every command shares: where the kit lives, how to talk to the
// person at the keyboard, and the service once it is opened.
type App struct {
	Home string
	cli.IO
	JSON bool

	Getenv func(string) string
	Now    func() time.Time

	db      *store.DB
	svc     *intake.Service
	kitID   string         // the kit's random id, once opened
	session *vault.Session // what loadSession found
	ttl     time.Duration  // login --for
	zone    *time.Location // the kit's; nil until the kit is opened

	mirrorWarned map[string]bool // mirrors already warned about in this command
}

// Zone is the kit's time zone once the kit is open, else DefaultZone:
// never the laptop's.
func (a *App) Zone() *time.Location {
	if a.zone != nil {
		return a.zone
	}
	return intake.Kit{}.Location()
}

// when shows an instant in the kit's zone, as officers read it.
func (a *App) when(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(a.Zone()).Format("2006-01-02 15:04")
}

// inZone is t in the kit's zone, for --json: the same instant, with the
// offset an officer's clock shows.
func (a *App) inZone(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.In(a.Zone())
}

// whenZoned is when with the zone's name: 2026-12-02 07:05 WITA.
func (a *App) whenZoned(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	l := t.In(a.Zone())
	return l.Format("2006-01-02 15:04:05") + " " + intake.ZoneAbbrev(l)
}

// Kit home layout.
func (a *App) dbPath() string     { return filepath.Join(a.Home, "kit.db") }
func (a *App) tablesPath() string { return filepath.Join(a.Home, "tables.json") }
func (a *App) initialized() bool  { _, err := os.Stat(a.dbPath()); return err == nil }

// legacyKeyPath is where a kit made before encryption kept its device key
// in clear; the first supervisor login seals it into the kit.
func (a *App) legacyKeyPath() string { return filepath.Join(a.Home, "device.key") }

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

// service opens the kit's database (once) and returns the service. For
// commands other than init, a missing kit is an error with a hint.
func (a *App) service(ctx context.Context) (*intake.Service, error) {
	if a.svc != nil {
		return a.svc, nil
	}
	if !a.initialized() {
		return nil, intake.Errorf(intake.CodeNotInit, "belum ada kit di %s", "there is no kit in %s", a.Home)
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
	opts := []intake.Option{intake.WithClock(a.Now)}
	if a.ttl > 0 {
		opts = append(opts, intake.WithSessionTTL(a.ttl))
	}
	if t, err := a.officeTables(); err != nil {
		return nil, err
	} else if t != nil {
		opts = append(opts, intake.WithTables(t))
	}
	a.svc = intake.NewService(db, opts...)
	if k, err := a.svc.Kit(ctx); err == nil {
		a.zone = k.Location()
	}
	if err := a.loadSession(ctx); err != nil {
		return nil, err
	}
	a.checkMirrors(ctx)
	a.warnSync(ctx)
	return a.svc, nil
}

// Close releases the database.
func (a *App) Close() {
	if a.db != nil {
		a.db.Close()
	}
}

// warnSync says, at every command, when the kit is past its sync limits.
func (a *App) warnSync(ctx context.Context) {
	st, err := a.svc.SyncState(ctx)
	if err != nil || !st.Over {
		return
	}
	days := int(a.Now().Sub(st.Oldest).Hours() / 24)
	fmt.Fprintf(a.Err, a.T("peringatan: %d permohonan disetujui belum sampai di kantor (tertua %d hari); permohonan baru ditolak sampai jemput sync atau jemput sync export\n",
		"warning: %d approved applications have not reached the office (oldest %d days); new intake is refused until jemput sync or jemput sync export\n"), st.Waiting, days)
}

// officeTables reads the office's own tables (fees, region codes,
// countries, titles) from tables.json in the kit home, if there is one:
// any section it has replaces the embedded one. nil when there is none.
func (a *App) officeTables() (*forms.Tables, error) {
	f, err := os.Open(a.tablesPath())
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	t, err := forms.ReadTables(f)
	if err != nil {
		return nil, intake.Errorf(intake.CodeInvalid, "tabel kantor %s tidak sah: %v", "the office tables in %s are not valid: %v", a.tablesPath(), err).
			WithHint("perbaiki atau hapus berkas itu; tanpa berkas itu kit memakai tabel bawaan", "fix or remove that file; without it the kit uses the built-in tables")
	}
	return t, nil
}
