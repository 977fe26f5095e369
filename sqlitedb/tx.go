package sqlitedb

import (
	"context"
	"database/sql"
	"errors"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// InTx runs fn in one transaction of db: a write transaction (BEGIN
// IMMEDIATE, from the DSN) committed when fn returns nil, or, with
// readOnly, a deferred read that is always rolled back, so that readers
// never wait for the write lock. Whatever fn returns is returned as it is;
// errors of BEGIN and COMMIT go through wrap, so that each side can turn a
// busy or full database into its own error.
func InTx(ctx context.Context, db Beginner, readOnly bool, wrap func(error) error, fn func(*sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: readOnly})
	if err != nil {
		return wrap(err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if readOnly {
		return nil
	}
	return wrap(tx.Commit())
}

// Beginner begins transactions: a pool (*sql.DB) or one of its
// connections (*sql.Conn).
type Beginner interface {
	BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error)
}

// Scanner is what a row offers: *sql.Row and *sql.Rows both.
type Scanner interface{ Scan(...any) error }

// Collect returns a reader of every row of a query, each read with scan,
// that closes the rows: Collect(wrap, scanThing)(tx.QueryContext(ctx, q)).
// A failure of the query, of a scan or of the iteration goes through wrap.
func Collect[T any](wrap func(error) error, scan func(Scanner) (T, error)) func(*sql.Rows, error) ([]T, error) {
	return func(rows *sql.Rows, err error) ([]T, error) {
		if err != nil {
			return nil, wrap(err)
		}
		defer rows.Close()
		var list []T
		for rows.Next() {
			v, err := scan(rows)
			if err != nil {
				return nil, wrap(err)
			}
			list = append(list, v)
		}
		return list, wrap(rows.Err())
	}
}

// code is the extended SQLite result code in err's chain, 0 for none.
func code(err error) int {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code()
	}
	return 0
}

// IsUnique reports whether err is a UNIQUE or PRIMARY KEY violation: the
// row is already there.
func IsUnique(err error) bool {
	c := code(err)
	return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}

// IsBusy reports whether err says another connection or process held the
// database longer than the busy timeout: trying again later may work.
func IsBusy(err error) bool {
	switch code(err) & 0xff { // the primary code, whatever the extension
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return true
	}
	return false
}

// IsFull reports whether err says the disk is full: nothing was written.
func IsFull(err error) bool { return code(err)&0xff == sqlite3.SQLITE_FULL }
