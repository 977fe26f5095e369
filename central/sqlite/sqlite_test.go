package sqlite_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/jemput/jemput/central"
	"github.com/jemput/jemput/central/sqlite"
	"github.com/jemput/jemput/central/storetest"
	"github.com/jemput/jemput/sqlitedb"
)

// TestStore holds the SQLite store to the contract every store keeps.
func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) central.Store {
		st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "central.db"))
		if err != nil {
			t.Fatal(err)
		}
		return st
	})
}

// TestBusy: a database another connection holds past the busy timeout is
// central.ErrBusy, still saying what SQLite said; other errors pass as they
// are.
func TestBusy(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "central.db")
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	held, err := st.SQL().BeginTx(ctx, nil) // BEGIN IMMEDIATE, from the DSN
	if err != nil {
		t.Fatal(err)
	}
	defer held.Rollback()
	other, err := sql.Open("sqlite", sqlitedb.DSN(path, 10*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	_, err = other.BeginTx(ctx, nil)
	if err == nil {
		t.Fatal("a second writer began while the first held the database")
	}
	got := sqlite.Wrap(err)
	if !errors.Is(got, central.ErrBusy) || !strings.Contains(got.Error(), err.Error()) {
		t.Fatalf("wrap(%v) = %v, want central.ErrBusy saying what SQLite said", err, got)
	}
	plain := errors.New("not SQLite")
	if got := sqlite.Wrap(plain); got != plain {
		t.Errorf("wrap(%v) = %v, want it as it is", plain, got)
	}
	if sqlite.Wrap(nil) != nil {
		t.Error("wrap(nil) is not nil")
	}
}

// TestLegacyKeysMoved: a database made before issue 8 kept the office's
// secret keys in its office row, and partial attachments shared by every
// kit. Opened now, the keys move to the key file (mode 0600) and leave no
// trace in the database's files; a partial upload becomes its kit's own.
func TestLegacyKeysMoved(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "central.db")
	old, err := sqlitedb.Open(ctx, path, time.Second, fstest.MapFS{"m/0001_central.sql": {Data: sqlite.Migration0001()}}, "m")
	if err != nil {
		t.Fatal(err)
	}
	secrets, err := central.NewSecrets(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO office (id, name, signing_key, age_identity, created_at) VALUES (1, 'Kantor Lama', ?, ?, '2026-01-01T00:00:00Z')`, []any{[]byte(secrets.Signing), secrets.AgeIdentity}},
		{`INSERT INTO kits (code, public_key, added_at, enrolled_at) VALUES ('KTB01', ?, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`, []any{bytes.Repeat([]byte{7}, 32)}},
		{`INSERT INTO attachments (sha256, total, held, complete, kit, updated_at) VALUES ('aa', 10, 4, 0, 'KTB01', '2026-01-01T00:00:00Z')`, nil},
		{`INSERT INTO attachment_chunks (sha256, offset, data) VALUES ('aa', 0, x'01020304')`, nil},
		{`INSERT INTO records (id, app_id, version, kit, number, hash, body, received_at, via) VALUES ('a/1', 'a', 1, 'KTB01', 'KTB01-261127-0001-X', 'h', CAST('{"app_id":"a","photo":"bb"}' AS BLOB), '2026-01-01T00:00:00Z', 'online')`, nil},
	} {
		if _, err := old.ExecContext(ctx, q.sql, q.args...); err != nil {
			t.Fatal(err)
		}
	}
	old.Close()

	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	o, err := central.NewOffice(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if o.Fingerprint() != central.FingerprintOf(secrets) || o.Name() != "Kantor Lama" {
		t.Fatalf("office %s %q: not the old one's keys and name", o.Fingerprint(), o.Name())
	}
	kf := central.KeyFile{Path: path + ".keys"}
	got, err := kf.Load()
	if err != nil || !got.Signing.Equal(secrets.Signing) || got.AgeIdentity != secrets.AgeIdentity {
		t.Fatalf("key file: %v", err)
	}
	for _, f := range []string{path, path + "-wal"} {
		b, err := os.ReadFile(f)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		if bytes.Contains(b, secrets.Signing.Seed()) || bytes.Contains(b, []byte(secrets.AgeIdentity)) {
			t.Errorf("%s still holds the office's secret keys", filepath.Base(f))
		}
	}
	err = st.View(ctx, func(tx central.Tx) error {
		p, err := tx.Partial("aa", "KTB01")
		if err != nil {
			return err
		}
		if p.Held != 4 || p.Total != 10 {
			t.Errorf("the partial upload after migration: %+v", p)
		}
		data, err := tx.Chunks("aa", "KTB01")
		if err != nil || !bytes.Equal(data, []byte{1, 2, 3, 4}) {
			t.Errorf("its chunks: %x %v", data, err)
		}
		if n, err := tx.RecordsWithPhoto("bb"); err != nil || n != 1 {
			t.Errorf("records with the photo their body names, after migration: %d %v", n, err)
		}
		keys, err := tx.KitKeys("KTB01")
		if err != nil || len(keys) != 1 || keys[0].State != "current" {
			t.Errorf("kit keys after migration: %+v %v", keys, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Opened again: the key file is what counts.
	if _, err := central.NewOffice(ctx, st); err != nil {
		t.Fatalf("opened again: %v", err)
	}
}
