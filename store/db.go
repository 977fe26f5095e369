// Package store keeps the kit's data in SQLite: migrations, transactions,
// the hash-chained audit log. It implements intake.Store.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	gosync "sync"
	"time"

	"github.com/jemput/jemput/intake"
	"github.com/jemput/jemput/sqlitedb"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is the kit's database.
type DB struct {
	db   *sql.DB
	path string

	// Prepared statements, by their text: SQLite compiles each statement
	// again otherwise, a tenth of what a capture costs.
	mu    gosync.Mutex
	stmts map[string]*sql.Stmt
	sess  *session // the keys, after an unlock
	plain bool     // benchmarks' baseline only: nothing sealed

	afterCommit func(context.Context) // the mirror, after every committed Update
}

var _ intake.Store = (*DB)(nil)

// Open opens (creating if needed) the database at path and brings its
// schema up to date.
func Open(ctx context.Context, path string) (*DB, error) {
	sqldb, err := sqlitedb.Open(ctx, path, 10*time.Second, migrations, "migrations")
	if err != nil {
		return nil, err
	}
	return &DB{db: sqldb, path: path}, nil
}

// Close closes the database.
func (d *DB) Close() error {
	d.mu.Lock()
	d.sess = nil
	for _, s := range d.stmts {
		s.Close()
	}
	d.stmts = nil
	d.mu.Unlock()
	return d.db.Close()
}

// SQL exposes the handle for checks (doctor, tests, benchmarks).
func (d *DB) SQL() *sql.DB { return d.db }

// Update runs fn in a write transaction and commits it if fn returns nil.
func (d *DB) Update(ctx context.Context, fn func(intake.Tx) error) error {
	if err := d.run(ctx, false, fn); err != nil {
		return err
	}
	d.committed(ctx)
	return nil
}

// View runs fn in a transaction that is always rolled back.
func (d *DB) View(ctx context.Context, fn func(intake.Tx) error) error {
	return d.run(ctx, true, fn)
}

func (d *DB) run(ctx context.Context, readOnly bool, fn func(intake.Tx) error) error {
	return sqlitedb.InTx(ctx, d.db, readOnly, wrap, func(sqltx *sql.Tx) error {
		return fn(&tx{ctx: ctx, tx: sqltx, db: d})
	})
}

// tx implements intake.Tx over one SQL transaction.
type tx struct {
	ctx context.Context
	tx  *sql.Tx
	db  *DB
	// kit is the kit row as this transaction read it (a capture asks for
	// it three times); every write of the row forgets it.
	kit *intake.Kit
}

// maxStmts bounds the statement cache: the kit's queries are a few dozen,
// searches add one per number of words.
const maxStmts = 256

// stmt returns the statement for q in this transaction, prepared once per
// database and reused; nil when the cache is full.
func (t *tx) stmt(q string) (*sql.Stmt, error) {
	t.db.mu.Lock()
	s, ok := t.db.stmts[q]
	if !ok && len(t.db.stmts) >= maxStmts {
		t.db.mu.Unlock()
		return nil, nil // searches with many words: not worth keeping
	}
	if !ok {
		var err error
		if s, err = t.db.db.PrepareContext(t.ctx, q); err != nil {
			t.db.mu.Unlock()
			return nil, err
		}
		if t.db.stmts == nil {
			t.db.stmts = map[string]*sql.Stmt{}
		}
		t.db.stmts[q] = s
	}
	t.db.mu.Unlock()
	return t.tx.StmtContext(t.ctx, s), nil
}

func (t *tx) exec(q string, args ...any) error {
	_, err := t.execResult(q, args...)
	return wrap(err)
}

func (t *tx) execResult(q string, args ...any) (sql.Result, error) {
	s, err := t.stmt(q)
	if err != nil {
		return nil, err
	}
	if s == nil {
		return t.tx.ExecContext(t.ctx, q, args...)
	}
	return s.ExecContext(t.ctx, args...)
}

func (t *tx) query(q string, args ...any) (*sql.Rows, error) {
	s, err := t.stmt(q)
	if err != nil {
		return nil, err
	}
	if s == nil {
		return t.tx.QueryContext(t.ctx, q, args...)
	}
	return s.QueryContext(t.ctx, args...)
}

// queryRow is QueryRow through the statement cache; a failure to prepare
// comes back from Scan, as database/sql does.
func (t *tx) queryRow(q string, args ...any) *sql.Row {
	s, err := t.stmt(q)
	if err != nil || s == nil {
		return t.tx.QueryRowContext(t.ctx, q, args...)
	}
	return s.QueryRowContext(t.ctx, args...)
}

// wrap turns SQLite errors a caller can act on into intake errors, by code.
func wrap(err error) error {
	if err == nil {
		return nil
	}
	var ie *intake.Error
	switch {
	case errors.As(err, &ie):
		return err // already said
	case sqlitedb.IsUnique(err):
		return &intake.Error{Code: intake.CodeConflict, Message: textOf("data ini sudah ada", "this already exists"), Err: err}
	case sqlitedb.IsBusy(err):
		return &intake.Error{Code: intake.CodeBusy, Message: textOf("basis data sedang dipakai proses lain; tidak ada yang berubah", "the database is busy in another process; nothing was changed"), Err: err}
	case sqlitedb.IsFull(err):
		return &intake.Error{Code: intake.CodeDiskFull, Message: textOf("disk penuh: data tidak tersimpan", "the disk is full: nothing was saved"), Err: err}
	}
	return err
}

// notFound says that no "what" (in Indonesian and English) has this id.
func notFound(whatID, whatEN, id string) error {
	if id == "" {
		return &intake.Error{Code: intake.CodeNotFound, Message: textOf(whatID+" tidak ditemukan", whatEN+" not found")}
	}
	return &intake.Error{Code: intake.CodeNotFound, Message: textOf(
		fmt.Sprintf("%s %q tidak ditemukan", whatID, id), fmt.Sprintf("%s %q not found", whatEN, id))}
}

func formatTime(t time.Time) string { return sqlitedb.FormatTime(t) }

// parseTime reads a stored time as the instant it is (UTC): the kit's
// zone, not the laptop's, is applied where a time is shown.
func parseTime(s string) time.Time { return sqlitedb.ParseTime(s) }

// collect reads every row with scan: collect(scanApp)(t.query(...)).
func collect[T any](scan func(sqlitedb.Scanner) (T, error)) func(*sql.Rows, error) ([]T, error) {
	return sqlitedb.Collect(wrap, scan)
}

// Health is what the database says about itself: what doctor reports.
type Health struct {
	Integrity   string // "ok", or SQLite's first complaint
	JournalMode string // "wal" for every kit
	Synchronous int    // 2 = FULL
}

// OK reports whether the database is whole and as durable as captures need.
func (h Health) OK() bool {
	return h.Integrity == "ok" && h.JournalMode == "wal" && h.Synchronous == 2
}

// Health runs SQLite's own checks. An error means they could not run,
// which is itself a finding.
func (d *DB) Health(ctx context.Context) (Health, error) {
	var h Health
	if err := d.db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&h.Integrity); err != nil {
		return h, fmt.Errorf("integrity_check: %w", err)
	}
	if err := d.db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&h.JournalMode); err != nil {
		return h, fmt.Errorf("journal_mode: %w", err)
	}
	if err := d.db.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&h.Synchronous); err != nil {
		return h, fmt.Errorf("synchronous: %w", err)
	}
	return h, nil
}
