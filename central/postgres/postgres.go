// Package postgres is the office's central.Store in PostgreSQL, through
// pgx: its migrations, its transactions and the SQL of every central.Tx
// operation, shaped like central/sqlite so that the two are read side by
// side.
//
// Several office processes may share one database. Nothing exactly-once
// depends on is kept in a process: nonces, enrollment tokens, upload
// progress (attachment chunks) and status sequence numbers are rows.
// Every Update runs at SERIALIZABLE isolation; when PostgreSQL refuses a
// transaction because a concurrent one changed what it read (serialization
// failure, deadlock, or a unique key another transaction has just taken),
// the whole use case runs again on what is now committed. Two processes
// receiving the same batch at once thus end with one record: the second
// finds the first's rows and answers duplicate.
package postgres

import (
	"context"
	"crypto/ed25519"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"math/rand/v2"
	"net/url"
	"path"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/jemput/jemput/central"
	ksync "github.com/jemput/jemput/sync"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is the office's central.Store in a PostgreSQL database.
type DB struct {
	pool    *pgxpool.Pool
	retries atomic.Int64
}

var _ central.Store = (*DB)(nil)

// Retries of a transaction PostgreSQL refused for a concurrent one: many
// for serialization failures (they resolve as the other commits), few for
// a unique key taken (a use case that truly repeats a key fails the same
// way every time).
var (
	maxSerializationRetries = 40
	maxUniqueRetries        = 3
)

// IsURL reports whether s names a PostgreSQL database (postgres:// or
// postgresql://).
func IsURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// Redact returns the URL with its password replaced by xxxxx, for
// messages and logs; what cannot be parsed is reduced to its scheme.
func Redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		scheme, _, _ := strings.Cut(dsn, "://")
		return scheme + "://..."
	}
	if q := u.Query(); q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

// Open connects to the database at dsn (a postgres:// URL), checks that
// it answers, and brings its schema up to date. Errors never hold the
// URL's password.
func Open(ctx context.Context, dsn string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL %s: %s", Redact(dsn), scrub(err, dsn))
	}
	// Times travel as timestamptz; the session's zone only changes how
	// PostgreSQL would print them, but keep it fixed.
	if cfg.ConnConfig.RuntimeParams == nil {
		cfg.ConnConfig.RuntimeParams = map[string]string{}
	}
	cfg.ConnConfig.RuntimeParams["timezone"] = "UTC"
	if _, ok := cfg.ConnConfig.RuntimeParams["application_name"]; !ok {
		cfg.ConnConfig.RuntimeParams["application_name"] = "jemput-central"
	}
	// A process stopped in the middle of a transaction (frozen, its
	// network gone) must not hold rows the other processes wait for.
	if _, ok := cfg.ConnConfig.RuntimeParams["idle_in_transaction_session_timeout"]; !ok {
		cfg.ConnConfig.RuntimeParams["idle_in_transaction_session_timeout"] = "60s"
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL %s: %s", Redact(dsn), scrub(err, dsn))
	}
	pingCtx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := pool.Ping(pingCtx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("PostgreSQL %s: %s", Redact(dsn), scrub(err, dsn))
	}
	if err := migrate(ctx, pool, migrations, "migrations"); err != nil {
		pool.Close()
		return nil, fmt.Errorf("PostgreSQL %s: migrations: %w", Redact(dsn), err)
	}
	return &DB{pool: pool}, nil
}

// scrub says what err says without the URL's password, should a driver
// ever repeat it.
func scrub(err error, dsn string) string {
	msg := err.Error()
	if u, perr := url.Parse(dsn); perr == nil {
		if pw, ok := u.User.Password(); ok && pw != "" {
			msg = strings.ReplaceAll(msg, pw, "xxxxx")
		}
		if pw := u.Query().Get("password"); pw != "" {
			msg = strings.ReplaceAll(msg, pw, "xxxxx")
		}
	}
	return msg
}

// migrationLock is the advisory lock that lets one process at a time
// bring the schema up to date (two offices starting at once).
const migrationLock = 0x6a656d707574 // "jemput"

// migrate runs the migrations in dir of fsys (files *.sql, in name order)
// that have not run yet, all in one transaction under an advisory lock,
// recorded in schema_migrations.
func migrate(ctx context.Context, pool *pgxpool.Pool, fsys fs.FS, dir string) error {
	names, err := fs.Glob(fsys, path.Join(dir, "*.sql"))
	if err != nil {
		return err
	}
	sort.Strings(names)
	return pgx.BeginTxFunc(ctx, pool, pgx.TxOptions{}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(migrationLock)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			name       text PRIMARY KEY,
			applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
			return err
		}
		for _, name := range names {
			base := path.Base(name)
			var done bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE name = $1)`, base).Scan(&done); err != nil {
				return err
			}
			if done {
				continue
			}
			script, err := fs.ReadFile(fsys, name)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, string(script)); err != nil {
				return fmt.Errorf("%s: %w", base, err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (name) VALUES ($1)`, base); err != nil {
				return err
			}
		}
		return nil
	})
}

// Close closes every connection.
func (s *DB) Close() error {
	s.pool.Close()
	return nil
}

// Pool exposes the connections for checks and tests.
func (s *DB) Pool() *pgxpool.Pool { return s.pool }

// Retries counts the transactions run again since Open because
// PostgreSQL refused them for a concurrent one.
func (s *DB) Retries() int64 { return s.retries.Load() }

// Update runs fn in a SERIALIZABLE transaction and commits it if fn
// returns nil. A transaction PostgreSQL refuses because of a concurrent
// one is run again from the start, fn included, after a short random
// pause; when it keeps being refused the error wraps central.ErrBusy.
func (s *DB) Update(ctx context.Context, fn func(central.Tx) error) error {
	var serial, unique int
	for {
		err := s.run(ctx, pgx.TxOptions{IsoLevel: pgx.Serializable}, true, fn)
		switch retry(err) {
		case retrySerialization:
			serial++
			if serial > maxSerializationRetries {
				return fmt.Errorf("%d attempts: %w", serial, wrap(err))
			}
		case retryUnique:
			unique++
			if unique > maxUniqueRetries {
				return err
			}
		default:
			return err
		}
		s.retries.Add(1)
		if err := pause(ctx, serial+unique); err != nil {
			return err
		}
	}
}

// View runs fn in a read-only transaction on one snapshot, always rolled
// back. Readers do not wait for writers.
func (s *DB) View(ctx context.Context, fn func(central.Tx) error) error {
	return s.run(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, false, fn)
}

func (s *DB) run(ctx context.Context, opts pgx.TxOptions, commit bool, fn func(central.Tx) error) error {
	tx, err := s.pool.BeginTx(ctx, opts)
	if err != nil {
		return wrap(err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if err := fn(&pgTx{ctx: ctx, tx: tx}); err != nil {
		return err
	}
	if !commit {
		return nil
	}
	return wrap(tx.Commit(ctx))
}

type retryKind int

const (
	noRetry retryKind = iota
	retrySerialization
	retryUnique
)

// PostgreSQL's codes for a transaction refused because of another.
const (
	codeSerialization = "40001"
	codeDeadlock      = "40P01"
	codeUnique        = "23505"
)

func retry(err error) retryKind {
	var pe *pgconn.PgError
	if err == nil || !errors.As(err, &pe) {
		return noRetry
	}
	switch pe.Code {
	case codeSerialization, codeDeadlock:
		return retrySerialization
	case codeUnique:
		return retryUnique
	}
	return noRetry
}

// pause waits a random time that grows with the attempt, at most about
// 100 ms, so that transactions refused together do not meet again.
func pause(ctx context.Context, attempt int) error {
	ceiling := time.Millisecond << min(attempt, 7)
	t := time.NewTimer(ceiling/2 + rand.N(ceiling/2+1))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// wrap marks errors a caller can act on: a serialization failure or a
// deadlock that reaches the caller is central.ErrBusy (trying again may
// help).
func wrap(err error) error {
	if retry(err) == retrySerialization && !errors.Is(err, central.ErrBusy) {
		return fmt.Errorf("%w (%w)", central.ErrBusy, err)
	}
	return err
}

type pgTx struct {
	ctx context.Context
	tx  pgx.Tx
}

func (t *pgTx) exec(q string, args ...any) (pgconn.CommandTag, error) {
	tag, err := t.tx.Exec(t.ctx, q, args...)
	return tag, err
}

func (t *pgTx) row(q string, args ...any) pgx.Row {
	return t.tx.QueryRow(t.ctx, q, args...)
}

// collect reads every row of q with scan.
func collect[T any](t *pgTx, scan func(pgx.Row) (T, error), q string, args ...any) ([]T, error) {
	rows, err := t.tx.Query(t.ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return list, err
		}
		list = append(list, v)
	}
	return list, rows.Err()
}

func notFound(what, id string, err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%s %q: %w", what, id, central.ErrNotFound)
	}
	return err
}

// ts is a time as stored: NULL for the zero time, else in UTC.
func ts(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

// tm is a stored time read back: the zero time for NULL, else in UTC.
func tm(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

// The office.

func (t *pgTx) OfficeIdentity() (central.OfficeIdentity, error) {
	var o central.OfficeIdentity
	var key []byte
	var created *time.Time
	err := t.row(`SELECT name, key_fingerprint, signing_key, age_identity, created_at FROM office WHERE id = 1`).Scan(&o.Name, &o.Fingerprint, &key, &o.LegacyAgeIdentity, &created)
	if err != nil {
		return central.OfficeIdentity{}, notFound("office", "", err)
	}
	if len(key) == ed25519.PrivateKeySize {
		o.LegacySigning = ed25519.PrivateKey(key)
	}
	o.CreatedAt = tm(created)
	return o, nil
}

func (t *pgTx) InitOffice(o central.OfficeIdentity) error {
	_, err := t.exec(`INSERT INTO office (id, name, key_fingerprint, signing_key, age_identity, created_at) VALUES (1, $1, $2, ''::bytea, '', $3) ON CONFLICT (id) DO NOTHING`,
		o.Name, o.Fingerprint, ts(o.CreatedAt))
	return err
}

func (t *pgTx) SetOfficeName(name string) error {
	_, err := t.exec(`UPDATE office SET name = $1 WHERE id = 1`, name)
	return err
}

// ForgetLegacyKeys empties the old key columns. PostgreSQL keeps the old
// row version until VACUUM reclaims it: an operator moving a database
// from before issue 8 runs VACUUM FULL office (docs/protocol.md).
func (t *pgTx) ForgetLegacyKeys(fingerprint string) error {
	_, err := t.exec(`UPDATE office SET signing_key = ''::bytea, age_identity = '', key_fingerprint = $1 WHERE id = 1`, fingerprint)
	return err
}

// Kits and tokens.

const kitColumns = `k.code, k.public_key, k.added_at, k.enrolled_at, k.revoked_at, k.revoked_reason,
	(SELECT count(*) FROM applications a WHERE a.kit = k.code),
	(SELECT max(received_at) FROM records r WHERE r.kit = k.code)`

func scanKit(sc pgx.Row) (central.Kit, error) {
	var k central.Kit
	var pub []byte
	var added, enrolled, revoked, last *time.Time
	if err := sc.Scan(&k.Code, &pub, &added, &enrolled, &revoked, &k.RevokedReason, &k.Apps, &last); err != nil {
		return central.Kit{}, err
	}
	k.RevokedAt = tm(revoked)
	if len(pub) == ed25519.PublicKeySize {
		k.PublicKey = ed25519.PublicKey(pub)
	}
	k.AddedAt, k.EnrolledAt, k.LastSeen = tm(added), tm(enrolled), tm(last)
	return k, nil
}

func (t *pgTx) Kit(code string) (central.Kit, error) {
	k, err := scanKit(t.row(`SELECT `+kitColumns+` FROM kits k WHERE k.code = $1`, code))
	if err != nil {
		return central.Kit{}, notFound("kit", code, err)
	}
	return k, nil
}

func (t *pgTx) Kits() ([]central.Kit, error) {
	return collect(t, scanKit, `SELECT `+kitColumns+` FROM kits k ORDER BY k.code`)
}

func (t *pgTx) AddKit(code string, at time.Time) error {
	_, err := t.exec(`INSERT INTO kits (code, added_at) VALUES ($1, $2) ON CONFLICT (code) DO NOTHING`, code, ts(at))
	return err
}

func (t *pgTx) SetKitKey(code string, pub ed25519.PublicKey, at time.Time) error {
	tag, err := t.exec(`UPDATE kits SET public_key = $1, enrolled_at = $2 WHERE code = $3`, []byte(pub), ts(at), code)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("kit %q: %w", code, central.ErrNotFound)
	}
	if _, err := t.exec(`UPDATE kit_keys SET state = 'replaced', since = $1 WHERE kit = $2 AND state = 'current' AND public_key <> $3`, ts(at), code, []byte(pub)); err != nil {
		return err
	}
	_, err = t.exec(`INSERT INTO kit_keys (kit, public_key, enrolled_at) VALUES ($1, $2, $3)
		ON CONFLICT (kit, public_key) DO UPDATE SET state = 'current', since = NULL, reason = '', enrolled_at = excluded.enrolled_at`, code, []byte(pub), ts(at))
	return err
}

func (t *pgTx) KitKeys(code string) ([]ksync.KitKey, error) {
	return collect(t, func(sc pgx.Row) (ksync.KitKey, error) {
		var k ksync.KitKey
		var pub []byte
		var since *time.Time
		if err := sc.Scan(&pub, &k.State, &since, &k.Reason); err != nil {
			return ksync.KitKey{}, err
		}
		k.Key, k.Since = ed25519.PublicKey(pub), tm(since)
		return k, nil
	}, `SELECT public_key, state, since, reason FROM kit_keys WHERE kit = $1 ORDER BY state <> 'current', enrolled_at DESC`, code)
}

func (t *pgTx) RevokeKit(code, reason string, at time.Time) error {
	tag, err := t.exec(`UPDATE kit_keys SET state = 'revoked', since = $1, reason = $2 WHERE kit = $3 AND state = 'current'`, ts(at), reason, code)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("kit %q has no current key: %w", code, central.ErrNotFound)
	}
	_, err = t.exec(`UPDATE kits SET public_key = NULL, revoked_at = $1, revoked_reason = $2 WHERE code = $3`, ts(at), reason, code)
	return err
}

func (t *pgTx) AddToken(tok central.Token) error {
	_, err := t.exec(`INSERT INTO tokens (secret_hash, kit, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
		tok.SecretHash, tok.Kit, ts(tok.CreatedAt), ts(tok.ExpiresAt))
	return err
}

func (t *pgTx) Token(secretHash string) (central.Token, error) {
	tok := central.Token{SecretHash: secretHash}
	var created, expires, used *time.Time
	err := t.row(`SELECT kit, created_at, expires_at, used_at FROM tokens WHERE secret_hash = $1`, secretHash).Scan(&tok.Kit, &created, &expires, &used)
	if err != nil {
		return central.Token{}, notFound("token", "", err)
	}
	tok.CreatedAt, tok.ExpiresAt, tok.UsedAt = tm(created), tm(expires), tm(used)
	return tok, nil
}

func (t *pgTx) UseToken(secretHash string, at time.Time) error {
	_, err := t.exec(`UPDATE tokens SET used_at = $1 WHERE secret_hash = $2`, ts(at), secretHash)
	return err
}

// SeenNonce records the nonce unless it is held from after pruneBefore.
// A nonce held from before is forgotten: taken anew, as if pruned. The
// table itself is pruned by one call in about pruneEvery, chosen by the
// nonce: a range delete in every request would make concurrent requests
// conflict (SERIALIZABLE reads the range), for no gain.
func (t *pgTx) SeenNonce(kit, nonce string, at, pruneBefore time.Time) (bool, error) {
	h := fnv.New32a()
	h.Write([]byte(nonce))
	if h.Sum32()%pruneEvery == 0 {
		if _, err := t.exec(`DELETE FROM nonces WHERE at < $1`, ts(pruneBefore)); err != nil {
			return false, err
		}
	}
	tag, err := t.exec(`INSERT INTO nonces (kit, nonce, at) VALUES ($1, $2, $3)
		ON CONFLICT (kit, nonce) DO UPDATE SET at = excluded.at WHERE nonces.at < $4`, kit, nonce, ts(at), ts(pruneBefore))
	if err != nil {
		return false, err
	}
	return tag.RowsAffected() == 0, nil
}

const pruneEvery = 64

// Records and applications.

func (t *pgTx) RecordHash(id string) (string, error) {
	var h string
	if err := t.row(`SELECT hash FROM records WHERE id = $1`, id).Scan(&h); err != nil {
		return "", notFound("record", id, err)
	}
	return h, nil
}

func (t *pgTx) AddRecord(r central.StoredRecord) error {
	_, err := t.exec(`INSERT INTO records (id, app_id, version, kit, number, hash, body, received_at, via, photo) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		r.ID, r.AppID, r.Version, r.Kit, r.Number, r.Hash, r.Body, ts(r.ReceivedAt), r.Via, r.Photo)
	return err
}

func (t *pgTx) Owners(appID, number string) (central.Owners, error) {
	// Every record of an application is its kit's (Office refuses any
	// other), so any one of them answers.
	var o central.Owners
	err := t.row(`SELECT coalesce((SELECT kit FROM records WHERE app_id = $1 LIMIT 1), ''),
		coalesce((SELECT app_id FROM records WHERE number = $2 LIMIT 1), ''),
		coalesce((SELECT kit FROM records WHERE number = $2 LIMIT 1), '')`, appID, number).Scan(&o.AppKit, &o.NumberApp, &o.NumberKit)
	return o, err
}

const appColumns = `app_id, kit, number, version, form, form_version, kit_status,
	event_id, event_type, event_name, event_place, event_date, province, regency, district,
	created_at, received_at, status, status_reason, pickup, updated_at, purpose`

func scanApp(sc pgx.Row) (central.Application, error) {
	var a central.Application
	var created, received, updated *time.Time
	err := sc.Scan(&a.AppID, &a.Kit, &a.Number, &a.Version, &a.Form, &a.FormVersion, &a.KitStatus,
		&a.Event.ID, &a.Event.Type, &a.Event.Name, &a.Event.Place, &a.Event.Date, &a.Province, &a.Regency, &a.District,
		&created, &received, &a.Status, &a.Reason, &a.Pickup, &updated, &a.Purpose)
	if err != nil {
		return central.Application{}, err
	}
	a.CreatedAt, a.ReceivedAt, a.UpdatedAt = tm(created), tm(received), tm(updated)
	return a, nil
}

func (t *pgTx) Application(idOrNumber string) (central.Application, error) {
	a, err := scanApp(t.row(`SELECT `+appColumns+` FROM applications WHERE app_id = $1 OR number = $1 ORDER BY app_id = $1 DESC LIMIT 1`, idOrNumber))
	if err != nil {
		return central.Application{}, notFound("application", idOrNumber, err)
	}
	return a, nil
}

const putApplication = `INSERT INTO applications (` + appColumns + `)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)
		ON CONFLICT (app_id) DO UPDATE SET kit = excluded.kit, number = excluded.number, version = excluded.version,
			form = excluded.form, form_version = excluded.form_version, kit_status = excluded.kit_status,
			event_id = excluded.event_id, event_type = excluded.event_type, event_name = excluded.event_name,
			event_place = excluded.event_place, event_date = excluded.event_date,
			province = excluded.province, regency = excluded.regency, district = excluded.district,
			created_at = excluded.created_at, received_at = excluded.received_at, status = excluded.status,
			status_reason = excluded.status_reason, pickup = excluded.pickup, updated_at = excluded.updated_at,
			purpose = excluded.purpose`

func appArgs(a central.Application) []any {
	return []any{a.AppID, a.Kit, a.Number, a.Version, a.Form, a.FormVersion, a.KitStatus,
		a.Event.ID, a.Event.Type, a.Event.Name, a.Event.Place, a.Event.Date, a.Province, a.Regency, a.District,
		ts(a.CreatedAt), ts(a.ReceivedAt), a.Status, a.Reason, a.Pickup, ts(a.UpdatedAt), a.Purpose}
}

func (t *pgTx) PutApplication(a central.Application) error {
	_, err := t.exec(putApplication, appArgs(a)...)
	return err
}

func (t *pgTx) Applications(f central.AppFilter) ([]central.Application, error) {
	var where []string
	var args []any
	if f.Status != "" {
		args = append(args, f.Status)
		where = append(where, fmt.Sprintf("status = $%d", len(args)))
	}
	if f.Kit != "" {
		args = append(args, f.Kit)
		where = append(where, fmt.Sprintf("kit = $%d", len(args)))
	}
	q := `SELECT ` + appColumns + ` FROM applications`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY number, app_id"
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	return collect(t, scanApp, q, args...)
}

func (t *pgTx) AddConflict(c central.Conflict) error {
	_, err := t.exec(`INSERT INTO conflicts (record_id, kit, held_hash, offered_hash, body, at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (record_id, offered_hash) DO NOTHING`,
		c.RecordID, c.Kit, c.HeldHash, c.OfferedHash, c.Body, ts(c.At))
	return err
}

func scanConflict(sc pgx.Row) (central.Conflict, error) {
	var c central.Conflict
	var at *time.Time
	if err := sc.Scan(&c.RecordID, &c.Kit, &c.HeldHash, &c.OfferedHash, &c.Body, &at); err != nil {
		return central.Conflict{}, err
	}
	c.At = tm(at)
	return c, nil
}

func (t *pgTx) Conflicts(kit string) ([]central.Conflict, error) {
	return collect(t, scanConflict, `SELECT record_id, kit, held_hash, offered_hash, body, at FROM conflicts WHERE $1 = '' OR kit = $1 ORDER BY id`, kit)
}

func (t *pgTx) AddAudit(kit string, e ksync.AuditEntry, at time.Time) error {
	_, err := t.exec(`INSERT INTO audit (kit, seq, at, officer, action, entity, entity_id, reason, detail, prev_hash, hash, received_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (kit, seq) DO NOTHING`,
		kit, e.Seq, ts(e.At), e.Officer, e.Action, e.Entity, e.EntityID, e.Reason, e.Detail, e.PrevHash, e.Hash, ts(at))
	return err
}

func (t *pgTx) AuditHash(kit string, seq int64) (string, error) {
	var h string
	// Only what the kit's current enrollment sent: a replacement laptop
	// enrolled under the same code starts a chain of its own.
	err := t.row(`SELECT a.hash FROM audit a LEFT JOIN kits k ON k.code = a.kit WHERE a.kit = $1 AND a.seq = $2 AND (k.enrolled_at IS NULL OR a.received_at >= k.enrolled_at)`, kit, seq).Scan(&h)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	return h, err
}

// Attachments.

func (t *pgTx) Attachment(sha string) (central.Attachment, error) {
	a := central.Attachment{SHA256: sha}
	var updated *time.Time
	err := t.row(`SELECT total, kit, updated_at FROM attachments WHERE sha256 = $1 AND complete`, sha).Scan(&a.Total, &a.Kit, &updated)
	if err != nil {
		return central.Attachment{}, notFound("attachment", sha, err)
	}
	a.UpdatedAt = tm(updated)
	return a, nil
}

func (t *pgTx) CompleteAttachment(a central.Attachment, data []byte) error {
	if int64(len(data)) != a.Total {
		return fmt.Errorf("attachment %s: %d bytes, total %d", a.SHA256, len(data), a.Total)
	}
	if _, err := t.exec(`INSERT INTO attachments (sha256, total, held, complete, data, kit, updated_at) VALUES ($1, $2, $2, true, $3, $4, $5)
		ON CONFLICT (sha256) DO NOTHING`, a.SHA256, a.Total, data, a.Kit, ts(a.UpdatedAt)); err != nil {
		return err
	}
	if _, err := t.exec(`DELETE FROM attachment_frames WHERE sha256 = $1`, a.SHA256); err != nil {
		return err
	}
	_, err := t.exec(`DELETE FROM attachment_parts WHERE sha256 = $1`, a.SHA256)
	return err
}

func (t *pgTx) Partial(sha, kit string) (central.Partial, error) {
	p := central.Partial{SHA256: sha, Kit: kit}
	var updated *time.Time
	err := t.row(`SELECT total, held, updated_at FROM attachment_parts WHERE sha256 = $1 AND kit = $2`, sha, kit).Scan(&p.Total, &p.Held, &updated)
	if err != nil {
		return central.Partial{}, notFound("partial attachment", sha, err)
	}
	p.UpdatedAt = tm(updated)
	return p, nil
}

func (t *pgTx) PutPartial(p central.Partial) error {
	_, err := t.exec(`INSERT INTO attachment_parts (sha256, kit, total, held, updated_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (sha256, kit) DO UPDATE SET total = excluded.total, held = excluded.held, updated_at = excluded.updated_at`,
		p.SHA256, p.Kit, p.Total, p.Held, ts(p.UpdatedAt))
	return err
}

func (t *pgTx) AddChunk(sha, kit string, offset int64, data []byte) error {
	_, err := t.exec(`INSERT INTO attachment_frames (sha256, kit, byte_offset, data) VALUES ($1, $2, $3, $4)`, sha, kit, offset, data)
	return err
}

// Chunks joins the chunks as it reads them, each of which must start where
// the bytes before it end.
func (t *pgTx) Chunks(sha, kit string) ([]byte, error) {
	rows, err := t.tx.Query(t.ctx, `SELECT byte_offset, data FROM attachment_frames WHERE sha256 = $1 AND kit = $2 ORDER BY byte_offset`, sha, kit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var all []byte
	for rows.Next() {
		var off int64
		var b []byte
		if err := rows.Scan(&off, &b); err != nil {
			return nil, err
		}
		if off != int64(len(all)) {
			return nil, fmt.Errorf("attachment %s: chunk at %d after %d bytes", sha, off, len(all))
		}
		all = append(all, b...)
	}
	return all, rows.Err()
}

func (t *pgTx) DeletePartial(sha, kit string) error {
	if _, err := t.exec(`DELETE FROM attachment_frames WHERE sha256 = $1 AND kit = $2`, sha, kit); err != nil {
		return err
	}
	_, err := t.exec(`DELETE FROM attachment_parts WHERE sha256 = $1 AND kit = $2`, sha, kit)
	return err
}

func (t *pgTx) PartialBytes(kit string) (int64, error) {
	var n int64
	err := t.row(`SELECT coalesce(sum(held), 0)::bigint FROM attachment_parts WHERE kit = $1`, kit).Scan(&n)
	return n, err
}

func (t *pgTx) PruneAttachments(before time.Time) (int, int, error) {
	b := ts(before)
	if _, err := t.exec(`DELETE FROM attachment_frames f USING attachment_parts p
		WHERE f.sha256 = p.sha256 AND f.kit = p.kit AND p.updated_at < $1`, b); err != nil {
		return 0, 0, err
	}
	tag, err := t.exec(`DELETE FROM attachment_parts WHERE updated_at < $1`, b)
	if err != nil {
		return 0, 0, err
	}
	partials := tag.RowsAffected()
	tag, err = t.exec(`DELETE FROM attachments a WHERE a.updated_at < $1 AND NOT EXISTS (SELECT 1 FROM records r WHERE r.photo = a.sha256)`, b)
	if err != nil {
		return 0, 0, err
	}
	return int(partials), int(tag.RowsAffected()), nil
}

func (t *pgTx) RecordsWithPhoto(sha string) (int, error) {
	var n int
	err := t.row(`SELECT count(*) FROM records WHERE photo = $1`, sha).Scan(&n)
	return n, err
}

// Statuses.

// AddStatus numbers the status one past the highest held. Two processes
// adding statuses at once both read the same highest number; the second
// to commit is refused (serialization failure or the primary key) and
// runs again, so that numbers follow the order of commits: a kit that
// has read up to seq n never misses a status numbered n or less that
// commits later, as a sequence's numbers would allow.
func (t *pgTx) AddStatus(kit string, s ksync.Status) (int64, error) {
	var seq int64
	err := t.row(`INSERT INTO statuses (seq, app_id, kit, number, status, reason, pickup, at, visit_id)
		SELECT coalesce(max(seq), 0) + 1, $1, $2, $3, $4, $5, $6, $7, $8 FROM statuses
		RETURNING seq`,
		s.AppID, kit, s.Number, s.Status, s.Reason, s.Pickup, ts(s.At), s.VisitID).Scan(&seq)
	return seq, err
}

func scanStatus(sc pgx.Row) (ksync.Status, error) {
	var s ksync.Status
	var at *time.Time
	if err := sc.Scan(&s.Seq, &s.AppID, &s.Number, &s.Status, &s.Reason, &s.Pickup, &at, &s.VisitID); err != nil {
		return ksync.Status{}, err
	}
	s.At = tm(at)
	return s, nil
}

// Statuses answers an empty list, not nil, when there are none: the kit is
// sent "statuses": [].
func (t *pgTx) Statuses(kit string, after int64, limit int) ([]ksync.Status, error) {
	list, err := collect(t, scanStatus, `SELECT seq, app_id, number, status, reason, pickup, at, visit_id FROM statuses WHERE kit = $1 AND seq > $2 ORDER BY seq LIMIT $3`, kit, after, limit)
	if err == nil && list == nil {
		list = []ksync.Status{}
	}
	return list, err
}

// Demand.

// Visits and the demand study.

func (t *pgTx) AddVisit(v central.Visit) error {
	_, err := t.exec(`INSERT INTO visits (id, place, date, type, capacity, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		v.ID, v.Place, v.Date, v.Type, v.Capacity, ts(v.CreatedAt))
	return err
}

func (t *pgTx) Visits(from string) ([]central.Visit, error) {
	return collect(t, func(sc pgx.Row) (central.Visit, error) {
		var v central.Visit
		var created *time.Time
		err := sc.Scan(&v.ID, &v.Place, &v.Date, &v.Type, &v.Capacity, &created)
		v.CreatedAt = tm(created)
		return v, err
	}, `SELECT id, place, date, type, capacity, created_at FROM visits WHERE date >= $1 ORDER BY date, id`, from)
}

func (t *pgTx) KitAudit(action string) ([]central.KitAudit, error) {
	return collect(t, func(sc pgx.Row) (central.KitAudit, error) {
		var a central.KitAudit
		var at *time.Time
		err := sc.Scan(&a.Kit, &a.Entry.Seq, &at, &a.Entry.Officer, &a.Entry.Action, &a.Entry.Entity, &a.Entry.EntityID,
			&a.Entry.Reason, &a.Entry.Detail, &a.Entry.PrevHash, &a.Entry.Hash)
		a.Entry.At = tm(at)
		return a, err
	}, `SELECT kit, seq, at, officer, action, entity, entity_id, reason, detail, prev_hash, hash
		FROM audit WHERE action = $1 ORDER BY kit, seq`, action)
}

// Sealed backups.

func (t *pgTx) PutBackup(b central.Backup) error {
	_, err := t.exec(`INSERT INTO backups (kit, received_at, created_at, records, photos, body) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (kit) DO UPDATE SET received_at = EXCLUDED.received_at, created_at = EXCLUDED.created_at,
		records = EXCLUDED.records, photos = EXCLUDED.photos, body = EXCLUDED.body`,
		b.Kit, ts(b.ReceivedAt), ts(b.CreatedAt), b.Records, b.Photos, b.Body)
	return err
}

func (t *pgTx) Backup(kit string) (central.Backup, error) {
	var b central.Backup
	var received, created *time.Time
	err := t.row(`SELECT kit, received_at, created_at, records, photos, body FROM backups WHERE kit = $1`, kit).
		Scan(&b.Kit, &received, &created, &b.Records, &b.Photos, &b.Body)
	if err != nil {
		return central.Backup{}, notFound("backup", kit, err)
	}
	b.ReceivedAt, b.CreatedAt = tm(received), tm(created)
	return b, nil
}

// The set-based lookups and writes of a batch: each one round trip.

func (t *pgTx) Held(q central.HeldQuery) (central.Held, error) {
	h := central.Held{
		Hashes: map[string]string{}, AppKits: map[string]string{}, Numbers: map[string]central.NumberOwner{},
		Apps: map[string]central.Application{}, Photos: map[string]central.Attachment{},
	}
	var b pgx.Batch
	each := func(sqlText string, ids []string, scan func(pgx.Rows) error) {
		if len(ids) == 0 {
			return
		}
		b.Queue(sqlText, ids).Query(func(rows pgx.Rows) error {
			for rows.Next() {
				if err := scan(rows); err != nil {
					return err
				}
			}
			return rows.Err()
		})
	}
	each(`SELECT id, hash FROM records WHERE id = ANY($1)`, q.IDs, func(r pgx.Rows) error {
		var id, hash string
		if err := r.Scan(&id, &hash); err != nil {
			return err
		}
		h.Hashes[id] = hash
		return nil
	})
	each(`SELECT DISTINCT app_id, kit FROM records WHERE app_id = ANY($1)`, q.AppIDs, func(r pgx.Rows) error {
		var app, kit string
		if err := r.Scan(&app, &kit); err != nil {
			return err
		}
		if _, ok := h.AppKits[app]; !ok {
			h.AppKits[app] = kit
		}
		return nil
	})
	each(`SELECT DISTINCT number, app_id, kit FROM records WHERE number = ANY($1)`, q.Numbers, func(r pgx.Rows) error {
		var number string
		var o central.NumberOwner
		if err := r.Scan(&number, &o.App, &o.Kit); err != nil {
			return err
		}
		if _, ok := h.Numbers[number]; !ok {
			h.Numbers[number] = o
		}
		return nil
	})
	each(`SELECT `+appColumns+` FROM applications WHERE app_id = ANY($1)`, q.AppIDs, func(r pgx.Rows) error {
		a, err := scanApp(r)
		if err != nil {
			return err
		}
		h.Apps[a.AppID] = a
		return nil
	})
	each(`SELECT sha256, total, kit, updated_at FROM attachments WHERE complete AND sha256 = ANY($1)`, q.Photos, func(r pgx.Rows) error {
		var a central.Attachment
		var updated *time.Time
		if err := r.Scan(&a.SHA256, &a.Total, &a.Kit, &updated); err != nil {
			return err
		}
		a.UpdatedAt = tm(updated)
		h.Photos[a.SHA256] = a
		return nil
	})
	if b.Len() == 0 {
		return h, nil
	}
	if err := t.tx.SendBatch(t.ctx, &b).Close(); err != nil {
		return central.Held{}, err
	}
	return h, nil
}

// AddRecords copies the records in (COPY): a record id or application
// version held already fails it with the unique key's error, as an
// INSERT would.
func (t *pgTx) AddRecords(rs []central.StoredRecord) error {
	if len(rs) == 0 {
		return nil
	}
	_, err := t.tx.CopyFrom(t.ctx, pgx.Identifier{"records"},
		[]string{"id", "app_id", "version", "kit", "number", "hash", "body", "received_at", "via", "photo"},
		pgx.CopyFromSlice(len(rs), func(i int) ([]any, error) {
			r := rs[i]
			return []any{r.ID, r.AppID, r.Version, r.Kit, r.Number, r.Hash, r.Body, ts(r.ReceivedAt), r.Via, r.Photo}, nil
		}))
	return err
}

// PutApplications sends every put at once, in order, in one round trip.
func (t *pgTx) PutApplications(as []central.Application) error {
	if len(as) == 0 {
		return nil
	}
	var b pgx.Batch
	for _, a := range as {
		b.Queue(putApplication, appArgs(a)...)
	}
	return t.tx.SendBatch(t.ctx, &b).Close()
}
