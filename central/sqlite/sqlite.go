// Package sqlite is the office's central.Store in one SQLite file: its
// migrations, its transactions and the SQL of every central.Tx operation.
package sqlite

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/jemput/jemput/central"
	"github.com/jemput/jemput/sqlitedb"
	ksync "github.com/jemput/jemput/sync"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is the office's central.Store in one SQLite file.
type DB struct {
	db   *sql.DB
	path string
	// mu lets one writer of this process at a time reach SQLite; writers
	// of other processes (a command run while serve runs) wait on the
	// busy timeout instead.
	mu     sync.Mutex
	writer *sql.Conn // every write transaction's connection (writerConn)
}

var _ central.Store = (*DB)(nil)

// Open opens (creating if needed) the office database at path and brings
// its schema up to date.
func Open(ctx context.Context, path string) (*DB, error) {
	db, err := sqlitedb.Open(ctx, path, 15*time.Second, migrations, "migrations")
	if err != nil {
		return nil, err
	}
	return &DB{db: db, path: path}, nil
}

// KeyFilePath is where the office's key file goes unless told otherwise:
// beside the database, never inside it.
func (s *DB) KeyFilePath() string { return s.path + ".keys" }

var _ central.KeyFileNamer = (*DB)(nil)

// Close closes the database.
func (s *DB) Close() error {
	s.mu.Lock()
	if s.writer != nil {
		s.writer.Close()
		s.writer = nil
	}
	s.mu.Unlock()
	return s.db.Close()
}

// SQL exposes the handle for checks and tests.
func (s *DB) SQL() *sql.DB { return s.db }

// Update runs fn in a write transaction and commits it if fn returns nil.
func (s *DB) Update(ctx context.Context, fn func(central.Tx) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	w, err := s.writerConn(ctx)
	if err != nil {
		return wrap(err)
	}
	return sqlitedb.InTx(ctx, w, false, wrap, func(sqltx *sql.Tx) error {
		return fn(&sqliteTx{ctx: ctx, tx: sqltx})
	})
}

// writerCache is the page cache of the connection that writes, in KiB
// (SQLite's default is 2 MiB): a batch's lookups after an upload of a
// day's photos otherwise find none of the records' pages in it. Writes
// take turns (s.mu), so they all go through one connection, kept out of
// the pool: only it holds the larger cache. (Set on every connection that
// ever wrote, as the pool hands them out, it made the office's memory
// grow with its database, to 16 MiB a connection.)
const writerCache = 16 << 10

// writerConn is the writing connection, made at the first write; s.mu is
// held.
func (s *DB) writerConn(ctx context.Context) (*sql.Conn, error) {
	if s.writer != nil {
		return s.writer, nil
	}
	c, err := s.db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := c.ExecContext(ctx, fmt.Sprintf("PRAGMA cache_size = -%d", writerCache)); err != nil {
		c.Close()
		return nil, err
	}
	s.writer = c
	return c, nil
}

// View runs fn in a read transaction, always rolled back. Readers do not
// wait for writers (WAL).
func (s *DB) View(ctx context.Context, fn func(central.Tx) error) error {
	return s.run(ctx, true, fn)
}

func (s *DB) run(ctx context.Context, readOnly bool, fn func(central.Tx) error) error {
	return sqlitedb.InTx(ctx, s.db, readOnly, wrap, func(sqltx *sql.Tx) error {
		return fn(&sqliteTx{ctx: ctx, tx: sqltx})
	})
}

// wrap recognises SQLite errors a caller can act on: a database locked by
// another process longer than the busy timeout is central.ErrBusy.
func wrap(err error) error {
	if err != nil && sqlitedb.IsBusy(err) {
		return fmt.Errorf("%w (%v)", central.ErrBusy, err)
	}
	return err
}

// collect reads every row with scan: collect(scanKit)(t.query(...)).
func collect[T any](scan func(sqlitedb.Scanner) (T, error)) func(*sql.Rows, error) ([]T, error) {
	return sqlitedb.Collect(wrap, scan)
}

type sqliteTx struct {
	ctx context.Context
	tx  *sql.Tx
	// stmts holds the statements prepared in this transaction, by their
	// text: a batch runs the same few statements for each of its records,
	// and SQLite's parser would otherwise be most of its cost. They are
	// closed with the transaction.
	stmts map[string]*sql.Stmt
}

// stmt is q prepared in this transaction, once.
func (t *sqliteTx) stmt(q string) (*sql.Stmt, error) {
	if st, ok := t.stmts[q]; ok {
		return st, nil
	}
	st, err := t.tx.PrepareContext(t.ctx, q)
	if err != nil {
		return nil, wrap(err)
	}
	if t.stmts == nil {
		t.stmts = map[string]*sql.Stmt{}
	}
	t.stmts[q] = st
	return st, nil
}

func (t *sqliteTx) exec(q string, args ...any) (sql.Result, error) {
	st, err := t.stmt(q)
	if err != nil {
		return nil, err
	}
	r, err := st.ExecContext(t.ctx, args...)
	return r, wrap(err)
}

func (t *sqliteTx) row(q string, args ...any) *sql.Row {
	st, err := t.stmt(q)
	if err != nil {
		// A statement that does not prepare answers its error on Scan.
		return t.tx.QueryRowContext(t.ctx, q, args...)
	}
	return st.QueryRowContext(t.ctx, args...)
}

func (t *sqliteTx) query(q string, args ...any) (*sql.Rows, error) {
	st, err := t.stmt(q)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(t.ctx, args...)
}

func notFound(what, id string, err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s %q: %w", what, id, central.ErrNotFound)
	}
	return wrap(err)
}

func formatTime(t time.Time) string { return sqlitedb.FormatTime(t) }
func parseTime(s string) time.Time  { return sqlitedb.ParseTime(s) }

// The office.

func (t *sqliteTx) OfficeIdentity() (central.OfficeIdentity, error) {
	var o central.OfficeIdentity
	var key []byte
	var created string
	err := t.row(`SELECT name, key_fingerprint, signing_key, age_identity, created_at FROM office WHERE id = 1`).Scan(&o.Name, &o.Fingerprint, &key, &o.LegacyAgeIdentity, &created)
	if err != nil {
		return central.OfficeIdentity{}, notFound("office", "", err)
	}
	if len(key) == ed25519.PrivateKeySize {
		o.LegacySigning = ed25519.PrivateKey(key)
	}
	o.CreatedAt = parseTime(created)
	return o, nil
}

func (t *sqliteTx) InitOffice(o central.OfficeIdentity) error {
	_, err := t.exec(`INSERT INTO office (id, name, key_fingerprint, signing_key, age_identity, created_at) VALUES (1, ?, ?, x'', '', ?) ON CONFLICT (id) DO NOTHING`,
		o.Name, o.Fingerprint, formatTime(o.CreatedAt))
	return err
}

func (t *sqliteTx) SetOfficeName(name string) error {
	_, err := t.exec(`UPDATE office SET name = ? WHERE id = 1`, name)
	return err
}

func (t *sqliteTx) ForgetLegacyKeys(fingerprint string) error {
	// secure_delete overwrites the old content of the pages changed here
	// instead of leaving it in the file; Scrub does the rest.
	if _, err := t.exec(`PRAGMA secure_delete = ON`); err != nil {
		return err
	}
	_, err := t.exec(`UPDATE office SET signing_key = zeroblob(0), age_identity = '', key_fingerprint = ? WHERE id = 1`, fingerprint)
	return err
}

// Scrub rewrites the database file and empties its write-ahead log, so
// that nothing deleted before (the office's old keys) stays readable in
// free pages or old log frames.
func (s *DB) Scrub(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, q := range []string{`PRAGMA secure_delete = ON`, `VACUUM`, `PRAGMA wal_checkpoint(TRUNCATE)`} {
		if _, err := s.db.ExecContext(ctx, q); err != nil {
			return wrap(err)
		}
	}
	return nil
}

var _ central.Scrubber = (*DB)(nil)

// Kits and tokens.

const kitColumns = `k.code, k.public_key, k.added_at, k.enrolled_at, k.revoked_at, k.revoked_reason,
	(SELECT count(*) FROM applications a WHERE a.kit = k.code),
	(SELECT coalesce(max(received_at), '') FROM records r WHERE r.kit = k.code)`

func scanKit(sc sqlitedb.Scanner) (central.Kit, error) {
	var k central.Kit
	var pub []byte
	var added, enrolled, revoked, last string
	if err := sc.Scan(&k.Code, &pub, &added, &enrolled, &revoked, &k.RevokedReason, &k.Apps, &last); err != nil {
		return central.Kit{}, err
	}
	k.RevokedAt = parseTime(revoked)
	if len(pub) == ed25519.PublicKeySize {
		k.PublicKey = ed25519.PublicKey(pub)
	}
	k.AddedAt, k.EnrolledAt, k.LastSeen = parseTime(added), parseTime(enrolled), parseTime(last)
	return k, nil
}

func (t *sqliteTx) Kit(code string) (central.Kit, error) {
	k, err := scanKit(t.row(`SELECT `+kitColumns+` FROM kits k WHERE k.code = ?`, code))
	if err != nil {
		return central.Kit{}, notFound("kit", code, err)
	}
	return k, nil
}

func (t *sqliteTx) Kits() ([]central.Kit, error) {
	return collect(scanKit)(t.query(`SELECT ` + kitColumns + ` FROM kits k ORDER BY k.code`))
}

func (t *sqliteTx) AddKit(code string, at time.Time) error {
	_, err := t.exec(`INSERT INTO kits (code, added_at) VALUES (?, ?) ON CONFLICT (code) DO NOTHING`, code, formatTime(at))
	return err
}

func (t *sqliteTx) SetKitKey(code string, pub ed25519.PublicKey, at time.Time) error {
	r, err := t.exec(`UPDATE kits SET public_key = ?, enrolled_at = ? WHERE code = ?`, []byte(pub), formatTime(at), code)
	if err != nil {
		return err
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return fmt.Errorf("kit %q: %w", code, central.ErrNotFound)
	}
	if _, err := t.exec(`UPDATE kit_keys SET state = 'replaced', since = ? WHERE kit = ? AND state = 'current' AND public_key != ?`, formatTime(at), code, []byte(pub)); err != nil {
		return err
	}
	_, err = t.exec(`INSERT INTO kit_keys (kit, public_key, enrolled_at) VALUES (?, ?, ?)
		ON CONFLICT (kit, public_key) DO UPDATE SET state = 'current', since = '', reason = '', enrolled_at = excluded.enrolled_at`, code, []byte(pub), formatTime(at))
	return err
}

func (t *sqliteTx) KitKeys(code string) ([]ksync.KitKey, error) {
	scan := func(sc sqlitedb.Scanner) (ksync.KitKey, error) {
		var k ksync.KitKey
		var pub []byte
		var since string
		if err := sc.Scan(&pub, &k.State, &since, &k.Reason); err != nil {
			return ksync.KitKey{}, err
		}
		k.Key, k.Since = ed25519.PublicKey(pub), parseTime(since)
		return k, nil
	}
	return collect(scan)(t.query(`SELECT public_key, state, since, reason FROM kit_keys WHERE kit = ?
		ORDER BY state != 'current', enrolled_at DESC`, code))
}

func (t *sqliteTx) RevokeKit(code, reason string, at time.Time) error {
	r, err := t.exec(`UPDATE kit_keys SET state = 'revoked', since = ?, reason = ? WHERE kit = ? AND state = 'current'`, formatTime(at), reason, code)
	if err != nil {
		return err
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return fmt.Errorf("kit %q has no current key: %w", code, central.ErrNotFound)
	}
	_, err = t.exec(`UPDATE kits SET public_key = NULL, revoked_at = ?, revoked_reason = ? WHERE code = ?`, formatTime(at), reason, code)
	return err
}

func (t *sqliteTx) AddToken(tok central.Token) error {
	_, err := t.exec(`INSERT INTO tokens (secret_hash, kit, created_at, expires_at) VALUES (?, ?, ?, ?)`,
		tok.SecretHash, tok.Kit, formatTime(tok.CreatedAt), formatTime(tok.ExpiresAt))
	return err
}

func (t *sqliteTx) Token(secretHash string) (central.Token, error) {
	tok := central.Token{SecretHash: secretHash}
	var created, expires, used string
	err := t.row(`SELECT kit, created_at, expires_at, used_at FROM tokens WHERE secret_hash = ?`, secretHash).Scan(&tok.Kit, &created, &expires, &used)
	if err != nil {
		return central.Token{}, notFound("token", "", err)
	}
	tok.CreatedAt, tok.ExpiresAt, tok.UsedAt = parseTime(created), parseTime(expires), parseTime(used)
	return tok, nil
}

func (t *sqliteTx) UseToken(secretHash string, at time.Time) error {
	_, err := t.exec(`UPDATE tokens SET used_at = ? WHERE secret_hash = ?`, formatTime(at), secretHash)
	return err
}

func (t *sqliteTx) SeenNonce(kit, nonce string, at, pruneBefore time.Time) (bool, error) {
	if _, err := t.exec(`DELETE FROM nonces WHERE at < ?`, formatTime(pruneBefore)); err != nil {
		return false, err
	}
	r, err := t.exec(`INSERT INTO nonces (kit, nonce, at) VALUES (?, ?, ?) ON CONFLICT (kit, nonce) DO NOTHING`, kit, nonce, formatTime(at))
	if err != nil {
		return false, err
	}
	n, err := r.RowsAffected()
	return n == 0, err
}

// Records and applications.

func (t *sqliteTx) RecordHash(id string) (string, error) {
	var h string
	if err := t.row(`SELECT hash FROM records WHERE id = ?`, id).Scan(&h); err != nil {
		return "", notFound("record", id, err)
	}
	return h, nil
}

func (t *sqliteTx) AddRecord(r central.StoredRecord) error {
	_, err := t.exec(`INSERT INTO records (id, app_id, version, kit, number, hash, body, received_at, via, photo) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.AppID, r.Version, r.Kit, r.Number, r.Hash, r.Body, formatTime(r.ReceivedAt), r.Via, r.Photo)
	return err
}

func (t *sqliteTx) Owners(appID, number string) (central.Owners, error) {
	// Every record of an application is its kit's (Office refuses any
	// other), so any one of them answers.
	var o central.Owners
	err := t.row(`SELECT coalesce((SELECT kit FROM records WHERE app_id = ?1 LIMIT 1), ''),
		coalesce((SELECT app_id FROM records WHERE number = ?2 LIMIT 1), ''),
		coalesce((SELECT kit FROM records WHERE number = ?2 LIMIT 1), '')`, appID, number).Scan(&o.AppKit, &o.NumberApp, &o.NumberKit)
	return o, wrap(err)
}

const appColumns = `app_id, kit, number, version, form, form_version, kit_status,
	event_id, event_type, event_name, event_place, event_date, province, regency, district,
	created_at, received_at, status, status_reason, pickup, updated_at, purpose`

func scanApp(sc sqlitedb.Scanner) (central.Application, error) {
	var a central.Application
	var created, received, updated string
	err := sc.Scan(&a.AppID, &a.Kit, &a.Number, &a.Version, &a.Form, &a.FormVersion, &a.KitStatus,
		&a.Event.ID, &a.Event.Type, &a.Event.Name, &a.Event.Place, &a.Event.Date, &a.Province, &a.Regency, &a.District,
		&created, &received, &a.Status, &a.Reason, &a.Pickup, &updated, &a.Purpose)
	if err != nil {
		return central.Application{}, err
	}
	a.CreatedAt, a.ReceivedAt, a.UpdatedAt = parseTime(created), parseTime(received), parseTime(updated)
	return a, nil
}

func (t *sqliteTx) Application(idOrNumber string) (central.Application, error) {
	a, err := scanApp(t.row(`SELECT `+appColumns+` FROM applications WHERE app_id = ? OR number = ? ORDER BY app_id = ? DESC LIMIT 1`,
		idOrNumber, idOrNumber, idOrNumber))
	if err != nil {
		return central.Application{}, notFound("application", idOrNumber, err)
	}
	return a, nil
}

func (t *sqliteTx) PutApplication(a central.Application) error {
	_, err := t.exec(`INSERT OR REPLACE INTO applications (`+appColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.AppID, a.Kit, a.Number, a.Version, a.Form, a.FormVersion, a.KitStatus,
		a.Event.ID, a.Event.Type, a.Event.Name, a.Event.Place, a.Event.Date, a.Province, a.Regency, a.District,
		formatTime(a.CreatedAt), formatTime(a.ReceivedAt), a.Status, a.Reason, a.Pickup, formatTime(a.UpdatedAt), a.Purpose)
	return err
}

func (t *sqliteTx) Applications(f central.AppFilter) ([]central.Application, error) {
	var where []string
	var args []any
	if f.Status != "" {
		where = append(where, "status = ?")
		args = append(args, f.Status)
	}
	if f.Kit != "" {
		where = append(where, "kit = ?")
		args = append(args, f.Kit)
	}
	q := `SELECT ` + appColumns + ` FROM applications`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY number, app_id"
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	return collect(scanApp)(t.query(q, args...))
}

func (t *sqliteTx) AddConflict(c central.Conflict) error {
	_, err := t.exec(`INSERT INTO conflicts (record_id, kit, held_hash, offered_hash, body, at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (record_id, offered_hash) DO NOTHING`,
		c.RecordID, c.Kit, c.HeldHash, c.OfferedHash, c.Body, formatTime(c.At))
	return err
}

func scanConflict(sc sqlitedb.Scanner) (central.Conflict, error) {
	var c central.Conflict
	var at string
	if err := sc.Scan(&c.RecordID, &c.Kit, &c.HeldHash, &c.OfferedHash, &c.Body, &at); err != nil {
		return central.Conflict{}, err
	}
	c.At = parseTime(at)
	return c, nil
}

func (t *sqliteTx) Conflicts(kit string) ([]central.Conflict, error) {
	return collect(scanConflict)(t.query(`SELECT record_id, kit, held_hash, offered_hash, body, at FROM conflicts WHERE ? = '' OR kit = ? ORDER BY id`, kit, kit))
}

func (t *sqliteTx) AddAudit(kit string, e ksync.AuditEntry, at time.Time) error {
	_, err := t.exec(`INSERT INTO audit (kit, seq, at, officer, action, entity, entity_id, reason, detail, prev_hash, hash, received_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (kit, seq) DO NOTHING`,
		kit, e.Seq, formatTime(e.At), e.Officer, e.Action, e.Entity, e.EntityID, e.Reason, e.Detail, e.PrevHash, e.Hash, formatTime(at))
	return err
}

func (t *sqliteTx) AuditHash(kit string, seq int64) (string, error) {
	var h string
	// Only what the kit's current enrollment sent: a replacement laptop
	// enrolled under the same code starts a chain of its own.
	err := t.row(`SELECT a.hash FROM audit a LEFT JOIN kits k ON k.code = a.kit WHERE a.kit = ? AND a.seq = ? AND a.received_at >= coalesce(k.enrolled_at, '')`, kit, seq).Scan(&h)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return h, err
}

// Attachments.

func (t *sqliteTx) Attachment(sha string) (central.Attachment, error) {
	a := central.Attachment{SHA256: sha}
	var updated string
	err := t.row(`SELECT total, kit, updated_at FROM attachments WHERE sha256 = ? AND complete = 1`, sha).Scan(&a.Total, &a.Kit, &updated)
	if err != nil {
		return central.Attachment{}, notFound("attachment", sha, err)
	}
	a.UpdatedAt = parseTime(updated)
	return a, nil
}

func (t *sqliteTx) CompleteAttachment(a central.Attachment, data []byte) error {
	if int64(len(data)) != a.Total {
		return fmt.Errorf("attachment %s: %d bytes, total %d", a.SHA256, len(data), a.Total)
	}
	if _, err := t.exec(`INSERT INTO attachments (sha256, total, held, complete, data, kit, updated_at) VALUES (?, ?, ?, 1, ?, ?, ?)
		ON CONFLICT (sha256) DO NOTHING`, a.SHA256, a.Total, a.Total, data, a.Kit, formatTime(a.UpdatedAt)); err != nil {
		return err
	}
	if _, err := t.exec(`DELETE FROM attachment_frames WHERE sha256 = ?`, a.SHA256); err != nil {
		return err
	}
	_, err := t.exec(`DELETE FROM attachment_parts WHERE sha256 = ?`, a.SHA256)
	return err
}

func (t *sqliteTx) Partial(sha, kit string) (central.Partial, error) {
	p := central.Partial{SHA256: sha, Kit: kit}
	var updated string
	err := t.row(`SELECT total, held, updated_at FROM attachment_parts WHERE sha256 = ? AND kit = ?`, sha, kit).Scan(&p.Total, &p.Held, &updated)
	if err != nil {
		return central.Partial{}, notFound("partial attachment", sha, err)
	}
	p.UpdatedAt = parseTime(updated)
	return p, nil
}

func (t *sqliteTx) PutPartial(p central.Partial) error {
	_, err := t.exec(`INSERT INTO attachment_parts (sha256, kit, total, held, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (sha256, kit) DO UPDATE SET total = excluded.total, held = excluded.held, updated_at = excluded.updated_at`,
		p.SHA256, p.Kit, p.Total, p.Held, formatTime(p.UpdatedAt))
	return err
}

func (t *sqliteTx) AddChunk(sha, kit string, offset int64, data []byte) error {
	_, err := t.exec(`INSERT INTO attachment_frames (sha256, kit, offset, data) VALUES (?, ?, ?, ?)`, sha, kit, offset, data)
	return err
}

// Chunks joins the chunks as it reads them, each of which must start where
// the bytes before it end.
func (t *sqliteTx) Chunks(sha, kit string) ([]byte, error) {
	var all []byte
	scan := func(sc sqlitedb.Scanner) (struct{}, error) {
		var off int64
		var b []byte
		if err := sc.Scan(&off, &b); err != nil {
			return struct{}{}, err
		}
		if off != int64(len(all)) {
			return struct{}{}, fmt.Errorf("attachment %s: chunk at %d after %d bytes", sha, off, len(all))
		}
		all = append(all, b...)
		return struct{}{}, nil
	}
	if _, err := collect(scan)(t.query(`SELECT offset, data FROM attachment_frames WHERE sha256 = ? AND kit = ? ORDER BY offset`, sha, kit)); err != nil {
		return nil, err
	}
	return all, nil
}

func (t *sqliteTx) DeletePartial(sha, kit string) error {
	if _, err := t.exec(`DELETE FROM attachment_frames WHERE sha256 = ? AND kit = ?`, sha, kit); err != nil {
		return err
	}
	_, err := t.exec(`DELETE FROM attachment_parts WHERE sha256 = ? AND kit = ?`, sha, kit)
	return err
}

func (t *sqliteTx) PartialBytes(kit string) (int64, error) {
	var n int64
	err := t.row(`SELECT coalesce(sum(held), 0) FROM attachment_parts WHERE kit = ?`, kit).Scan(&n)
	return n, wrap(err)
}

func (t *sqliteTx) PruneAttachments(before time.Time) (int, int, error) {
	b := formatTime(before)
	if _, err := t.exec(`DELETE FROM attachment_frames WHERE (sha256, kit) IN (SELECT sha256, kit FROM attachment_parts WHERE updated_at < ?)`, b); err != nil {
		return 0, 0, err
	}
	r, err := t.exec(`DELETE FROM attachment_parts WHERE updated_at < ?`, b)
	if err != nil {
		return 0, 0, err
	}
	partials, _ := r.RowsAffected()
	r, err = t.exec(`DELETE FROM attachments WHERE updated_at < ? AND NOT EXISTS (SELECT 1 FROM records WHERE records.photo = attachments.sha256)`, b)
	if err != nil {
		return 0, 0, err
	}
	whole, _ := r.RowsAffected()
	return int(partials), int(whole), nil
}

func (t *sqliteTx) RecordsWithPhoto(sha string) (int, error) {
	var n int
	err := t.row(`SELECT count(*) FROM records WHERE photo = ?`, sha).Scan(&n)
	return n, wrap(err)
}

// Statuses.

func (t *sqliteTx) AddStatus(kit string, s ksync.Status) (int64, error) {
	r, err := t.exec(`INSERT INTO statuses (app_id, kit, number, status, reason, pickup, at, visit_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		s.AppID, kit, s.Number, s.Status, s.Reason, s.Pickup, formatTime(s.At), s.VisitID)
	if err != nil {
		return 0, err
	}
	return r.LastInsertId()
}

func scanStatus(sc sqlitedb.Scanner) (ksync.Status, error) {
	var s ksync.Status
	var at string
	if err := sc.Scan(&s.Seq, &s.AppID, &s.Number, &s.Status, &s.Reason, &s.Pickup, &at, &s.VisitID); err != nil {
		return ksync.Status{}, err
	}
	s.At = parseTime(at)
	return s, nil
}

// Statuses answers an empty list, not nil, when there are none: the kit is
// sent "statuses": [].
func (t *sqliteTx) Statuses(kit string, after int64, limit int) ([]ksync.Status, error) {
	list, err := collect(scanStatus)(t.query(`SELECT seq, app_id, number, status, reason, pickup, at, visit_id FROM statuses WHERE kit = ? AND seq > ? ORDER BY seq LIMIT ?`, kit, after, limit))
	if err == nil && list == nil {
		list = []ksync.Status{}
	}
	return list, err
}

// Demand.

// Visits and the demand study.

func (t *sqliteTx) AddVisit(v central.Visit) error {
	_, err := t.exec(`INSERT INTO visits (id, place, date, type, capacity, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		v.ID, v.Place, v.Date, v.Type, v.Capacity, formatTime(v.CreatedAt))
	return err
}

func (t *sqliteTx) Visits(from string) ([]central.Visit, error) {
	return collect(func(sc sqlitedb.Scanner) (central.Visit, error) {
		var v central.Visit
		var created string
		err := sc.Scan(&v.ID, &v.Place, &v.Date, &v.Type, &v.Capacity, &created)
		v.CreatedAt = parseTime(created)
		return v, err
	})(t.query(`SELECT id, place, date, type, capacity, created_at FROM visits WHERE date >= ? ORDER BY date, id`, from))
}

func (t *sqliteTx) KitAudit(action string) ([]central.KitAudit, error) {
	return collect(func(sc sqlitedb.Scanner) (central.KitAudit, error) {
		var a central.KitAudit
		var at string
		err := sc.Scan(&a.Kit, &a.Entry.Seq, &at, &a.Entry.Officer, &a.Entry.Action, &a.Entry.Entity, &a.Entry.EntityID,
			&a.Entry.Reason, &a.Entry.Detail, &a.Entry.PrevHash, &a.Entry.Hash)
		a.Entry.At = parseTime(at)
		return a, err
	})(t.query(`SELECT kit, seq, at, officer, action, entity, entity_id, reason, detail, prev_hash, hash
		FROM audit WHERE action = ? ORDER BY kit, seq`, action))
}

func (t *sqliteTx) PutBackup(b central.Backup) error {
	_, err := t.exec(`INSERT OR REPLACE INTO backups (kit, received_at, created_at, records, photos, body) VALUES (?, ?, ?, ?, ?, ?)`,
		b.Kit, formatTime(b.ReceivedAt), formatTime(b.CreatedAt), b.Records, b.Photos, b.Body)
	return err
}

func (t *sqliteTx) Backup(kit string) (central.Backup, error) {
	var b central.Backup
	var received, created string
	err := t.row(`SELECT kit, received_at, created_at, records, photos, body FROM backups WHERE kit = ?`, kit).
		Scan(&b.Kit, &received, &created, &b.Records, &b.Photos, &b.Body)
	if err != nil {
		return central.Backup{}, notFound("backup", kit, err)
	}
	b.ReceivedAt, b.CreatedAt = parseTime(received), parseTime(created)
	return b, nil
}

// The set-based lookups and writes of a batch.

// jsonList is ids as one JSON array parameter, read by json_each: one
// statement, prepared once, whatever the number of ids.
func jsonList(ids []string) (string, error) {
	if ids == nil {
		ids = []string{}
	}
	b, err := json.Marshal(ids)
	return string(b), err
}

func (t *sqliteTx) Held(q central.HeldQuery) (central.Held, error) {
	h := central.Held{
		Hashes: map[string]string{}, AppKits: map[string]string{}, Numbers: map[string]central.NumberOwner{},
		Apps: map[string]central.Application{}, Photos: map[string]central.Attachment{},
	}
	lookup := func(ids []string, sqlText string, each func(sqlitedb.Scanner) error) error {
		if len(ids) == 0 {
			return nil
		}
		list, err := jsonList(ids)
		if err != nil {
			return err
		}
		rows, err := t.query(sqlText, list)
		if err != nil {
			return wrap(err)
		}
		defer rows.Close()
		for rows.Next() {
			if err := each(rows); err != nil {
				return wrap(err)
			}
		}
		return wrap(rows.Err())
	}
	err := lookup(q.IDs, `SELECT id, hash FROM records WHERE id IN (SELECT value FROM json_each(?))`, func(sc sqlitedb.Scanner) error {
		var id, hash string
		if err := sc.Scan(&id, &hash); err != nil {
			return err
		}
		h.Hashes[id] = hash
		return nil
	})
	if err == nil {
		err = lookup(q.AppIDs, `SELECT DISTINCT app_id, kit FROM records WHERE app_id IN (SELECT value FROM json_each(?))`, func(sc sqlitedb.Scanner) error {
			var app, kit string
			if err := sc.Scan(&app, &kit); err != nil {
				return err
			}
			if _, ok := h.AppKits[app]; !ok {
				h.AppKits[app] = kit
			}
			return nil
		})
	}
	if err == nil {
		err = lookup(q.Numbers, `SELECT DISTINCT number, app_id, kit FROM records WHERE number IN (SELECT value FROM json_each(?))`, func(sc sqlitedb.Scanner) error {
			var number string
			var o central.NumberOwner
			if err := sc.Scan(&number, &o.App, &o.Kit); err != nil {
				return err
			}
			if _, ok := h.Numbers[number]; !ok {
				h.Numbers[number] = o
			}
			return nil
		})
	}
	if err == nil {
		err = lookup(q.AppIDs, `SELECT `+appColumns+` FROM applications WHERE app_id IN (SELECT value FROM json_each(?))`, func(sc sqlitedb.Scanner) error {
			a, err := scanApp(sc)
			if err != nil {
				return err
			}
			h.Apps[a.AppID] = a
			return nil
		})
	}
	if err == nil {
		err = lookup(q.Photos, `SELECT sha256, total, kit, updated_at FROM attachments WHERE complete = 1 AND sha256 IN (SELECT value FROM json_each(?))`, func(sc sqlitedb.Scanner) error {
			var a central.Attachment
			var updated string
			if err := sc.Scan(&a.SHA256, &a.Total, &a.Kit, &updated); err != nil {
				return err
			}
			a.UpdatedAt = parseTime(updated)
			h.Photos[a.SHA256] = a
			return nil
		})
	}
	if err != nil {
		return central.Held{}, err
	}
	return h, nil
}

// rowsPerInsert bounds a multi-row INSERT (22 columns of an application:
// 2,200 parameters, far below SQLite's limit of 32,766).
const rowsPerInsert = 100

// valuesList is n rows of cols parameters: (?, ?), (?, ?).
func valuesList(n, cols int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	return strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
}

// insertRows runs prefix VALUES (...), (...) suffix over n rows of cols
// columns, rowsPerInsert at a time; args(i) are row i's values.
func (t *sqliteTx) insertRows(prefix, suffix string, n, cols int, args func(i int) []any) error {
	for start := 0; start < n; start += rowsPerInsert {
		end := min(start+rowsPerInsert, n)
		vals := make([]any, 0, (end-start)*cols)
		for i := start; i < end; i++ {
			vals = append(vals, args(i)...)
		}
		if _, err := t.exec(prefix+" VALUES "+valuesList(end-start, cols)+suffix, vals...); err != nil {
			return err
		}
	}
	return nil
}

func (t *sqliteTx) AddRecords(rs []central.StoredRecord) error {
	return t.insertRows(`INSERT INTO records (id, app_id, version, kit, number, hash, body, received_at, via, photo)`, "", len(rs), 10, func(i int) []any {
		r := rs[i]
		return []any{r.ID, r.AppID, r.Version, r.Kit, r.Number, r.Hash, r.Body, formatTime(r.ReceivedAt), r.Via, r.Photo}
	})
}

func (t *sqliteTx) PutApplications(as []central.Application) error {
	// The rows of one INSERT OR REPLACE are applied in order: a later put
	// of an application replaces an earlier one, as PutApplication would.
	return t.insertRows(`INSERT OR REPLACE INTO applications (`+appColumns+`)`, "", len(as), 22, func(i int) []any {
		a := as[i]
		return []any{a.AppID, a.Kit, a.Number, a.Version, a.Form, a.FormVersion, a.KitStatus,
			a.Event.ID, a.Event.Type, a.Event.Name, a.Event.Place, a.Event.Date, a.Province, a.Regency, a.District,
			formatTime(a.CreatedAt), formatTime(a.ReceivedAt), a.Status, a.Reason, a.Pickup, formatTime(a.UpdatedAt), a.Purpose}
	})
}
