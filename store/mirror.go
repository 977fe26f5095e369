package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/jemput/jemput/intake"
	"github.com/jemput/jemput/sqlitedb"
)

// A mirror is a whole copy of kit.db, made by SQLite's VACUUM INTO after
// every committed change: a consistent snapshot of the database as it is
// at rest, so that every record in it is sealed exactly as in the kit home
// and its key slots (the officers' and the office's recovery slot) are the
// only way in. See docs/mirror.md for why this engine.

// SetAfterCommit makes fn run after every committed Update of this
// handle (the kit's mirror). fn must not fail the use case: it has been
// committed already.
func (d *DB) SetAfterCommit(fn func(context.Context)) {
	d.mu.Lock()
	d.afterCommit = fn
	d.mu.Unlock()
}

func (d *DB) committed(ctx context.Context) {
	d.mu.Lock()
	fn := d.afterCommit
	d.mu.Unlock()
	if fn != nil {
		fn(ctx)
	}
}

// AuditHead is the sequence number of the kit's newest audit entry and its
// time: every use case writes one, so two copies with the same head hold
// the same use cases.
func (d *DB) AuditHead(ctx context.Context) (int64, time.Time, error) {
	return auditHead(ctx, d.db)
}

func auditHead(ctx context.Context, db *sql.DB) (int64, time.Time, error) {
	var seq sql.NullInt64
	var at sql.NullString
	err := db.QueryRowContext(ctx, `SELECT seq, at FROM audit ORDER BY seq DESC LIMIT 1`).Scan(&seq, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, time.Time{}, nil
	}
	if err != nil {
		return 0, time.Time{}, err
	}
	return seq.Int64, parseTime(at.String), nil
}

// CopyInfo is what a copy of a kit's database says about itself.
type CopyInfo struct {
	KitCode string
	KitUID  string
	Head    int64     // newest audit entry
	HeadAt  time.Time // its time
}

// ReadCopy opens a copy of a kit database (a mirror's kit.db) read-only
// and says whose it is and how far it goes. It changes nothing.
func ReadCopy(ctx context.Context, path string) (CopyInfo, error) {
	var ci CopyInfo
	if _, err := os.Stat(path); err != nil {
		return ci, err
	}
	u := url.URL{Scheme: "file", OmitHost: true, Path: path, RawQuery: "mode=ro&immutable=1"}
	db, err := sql.Open("sqlite", u.String())
	if err != nil {
		return ci, err
	}
	defer db.Close()
	if err := db.QueryRowContext(ctx, `SELECT code, uid FROM kit WHERE id = 1`).Scan(&ci.KitCode, &ci.KitUID); err != nil {
		return ci, fmt.Errorf("%s: %w", path, err)
	}
	ci.Head, ci.HeadAt, err = auditHead(ctx, db)
	return ci, err
}

// Snapshot writes a consistent copy of the database to path, atomically:
// VACUUM INTO a new file beside it, flushed to the device, then renamed
// over the old copy and the folder flushed. A copy at path that is newer
// (another process's snapshot landed first) is kept. It returns the copy's
// audit head.
func (d *DB) Snapshot(ctx context.Context, path string) (int64, error) {
	var b [6]byte
	rand.Read(b[:])
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp-"+hex.EncodeToString(b[:]))
	defer os.Remove(tmp)
	removeStale(path)
	conn, err := d.db.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	// One read transaction: the head read and the copy see the same state.
	tx, err := conn.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return 0, err
	}
	var head int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM audit`).Scan(&head); err != nil {
		tx.Rollback()
		return 0, err
	}
	tx.Rollback()
	if _, err := conn.ExecContext(ctx, `VACUUM INTO ?`, tmp); err != nil {
		return 0, wrap(err)
	}
	// Readable by the kit's user only, as the kit home is.
	if err := os.Chmod(tmp, 0o600); err != nil {
		return 0, err
	}
	if err := syncFile(tmp); err != nil {
		return 0, err
	}
	if old, err := ReadCopy(ctx, path); err == nil && old.Head > head {
		return old.Head, nil
	}
	if err := os.Rename(tmp, path); err != nil {
		return 0, err
	}
	if err := syncFile(filepath.Dir(path)); err != nil {
		return 0, err
	}
	// The copy holds at least what the head said; read it back to say
	// exactly what it holds (a commit may have landed in between).
	if ci, err := ReadCopy(ctx, path); err == nil {
		head = ci.Head
	}
	return head, nil
}

// removeStale removes copies left half written beside path by a process
// killed while it wrote one (older than a minute: not another process's
// copy in progress).
func removeStale(path string) {
	old, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*"))
	for _, f := range old {
		if fi, err := os.Stat(f); err == nil && time.Since(fi.ModTime()) > time.Minute {
			os.Remove(f)
		}
	}
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// Mirrors lists the kit's mirror folders.
func (t *tx) Mirrors() ([]intake.Mirror, error) {
	return collect(func(r sqlitedb.Scanner) (intake.Mirror, error) {
		var m intake.Mirror
		var at string
		err := r.Scan(&m.Path, &at, &m.AddedBy)
		m.AddedAt = parseTime(at)
		return m, err
	})(t.query(`SELECT path, added_at, added_by FROM mirrors ORDER BY added_at, path`))
}

// AddMirror records a mirror folder.
func (t *tx) AddMirror(m intake.Mirror) error {
	return t.exec(`INSERT INTO mirrors (path, added_at, added_by) VALUES (?, ?, ?)`, m.Path, formatTime(m.AddedAt), m.AddedBy)
}

// RaiseSequence adds by to a named counter (creating it at by): the
// numbers after a restore start beyond any the lost laptop could have
// given. It returns the counter's value before and after.
func (t *tx) RaiseSequence(name string, by int) (int, int, error) {
	var before int
	err := t.queryRow(`SELECT value FROM sequences WHERE name = ?`, name).Scan(&before)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, 0, wrap(err)
	}
	if err := t.exec(`INSERT INTO sequences (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = value + ?`, name, by, by); err != nil {
		return 0, 0, err
	}
	return before, before + by, nil
}
