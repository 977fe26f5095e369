// Package sqlitedb opens the SQLite files of both sides (the kit's and the
// office's) with the durability every capture and every received batch
// relies on, and brings their schema up to date from embedded migrations.
package sqlitedb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"sort"
	"time"

	_ "modernc.org/sqlite" // the pure-Go driver, registered as "sqlite"
)

// DSN returns the connection string for path. Pragmas go in the DSN so
// that every pooled connection gets them: WAL, synchronous=FULL (a commit
// survives a power cut), foreign keys, and a busy timeout. Write
// transactions take the lock at BEGIN, so that two writers wait for each
// other instead of failing halfway.
func DSN(path string, busy time.Duration) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busy.Milliseconds()))
	q.Add("_pragma", "journal_mode(wal)")
	q.Add("_pragma", "synchronous(full)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "temp_store(memory)")
	q.Set("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode()
}

// Open opens (creating if needed) the database at path, checks that the
// journal mode really is WAL, and runs the migrations in dir of fsys (files
// *.sql, in name order) that have not run yet, each in its own transaction,
// recorded in a migrations table.
func Open(ctx context.Context, path string, busy time.Duration, fsys fs.FS, dir string) (*sql.DB, error) {
	// Applicant data: readable by the kit's user only. SQLite gives the
	// -wal and -shm files the database file's permissions.
	if f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600); err == nil {
		f.Close()
	} else if !errors.Is(err, fs.ErrExist) {
		return nil, err
	}
	db, err := sql.Open("sqlite", DSN(path, busy))
	if err != nil {
		return nil, err
	}
	var mode string
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if mode != "wal" {
		db.Close()
		return nil, fmt.Errorf("open %s: journal mode is %q, not wal (is the folder on a network or read-only drive?)", path, mode)
	}
	if err := migrate(ctx, db, fsys, dir); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate %s: %w", path, err)
	}
	return db, nil
}

func migrate(ctx context.Context, db *sql.DB, fsys fs.FS, dir string) error {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return err
	}
	names, err := fs.Glob(fsys, path.Join(dir, "*.sql"))
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		if err := runMigration(ctx, db, fsys, name); err != nil {
			return fmt.Errorf("%s: %w", path.Base(name), err)
		}
	}
	return nil
}

func runMigration(ctx context.Context, db *sql.DB, fsys fs.FS, name string) error {
	base := path.Base(name)
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM migrations WHERE name = ?`, base).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	body, err := fs.ReadFile(fsys, name)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO migrations (name, applied_at) VALUES (?, ?)`, base, FormatTime(time.Now())); err != nil {
		return err
	}
	return tx.Commit()
}

// TimeFormat is how both sides store times: UTC with a fixed width, so that
// text order in SQL is time order (with RFC 3339's optional fraction,
// 09:30:00.5Z sorts before 09:30:00Z).
const TimeFormat = "2006-01-02T15:04:05.000000000Z"

// FormatTime stores t; the zero time is "".
func FormatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(TimeFormat)
}

// ParseTime reads a stored time, in UTC; "" or anything unreadable is the
// zero time.
func ParseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}
