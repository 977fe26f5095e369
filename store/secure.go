package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/jemput/jemput/intake"
	"github.com/jemput/jemput/sqlitedb"
	"github.com/jemput/jemput/vault"
)

// The kit's keys are held in this process only after an unlock (a login,
// or a session file read by the command line); without them every read or
// write of applicant data fails with CodeNotLoggedIn.

// session is the unlocked state of this process.
type session struct {
	keys         *vault.Keys
	officer      string
	since, until time.Time
}

func errLocked() error {
	return intake.Errorf(intake.CodeNotLoggedIn, "kit terkunci: data pemohon hanya terbuka setelah masuk", "the kit is locked: applicant data opens only after a login")
}

func tampered(id, en string, args ...any) error {

	return intake.Errorf(intake.CodeTampered, id, en, args...)
}

// keys returns the unlocked keys, or the locked error.
func (t *tx) keys() (*vault.Keys, error) {
	t.db.mu.Lock()
	s := t.db.sess
	t.db.mu.Unlock()
	if s == nil || s.keys == nil {
		return nil, errLocked()
	}
	return s.keys, nil
}

// seal and open are where applicant bytes are sealed and opened. plain
// (set by benchmarks only, through export_test.go) stores them as they are,
// to measure what sealing costs.
func (d *DB) seal(k *vault.Keys, ad string, b []byte) []byte {
	if d.plain {
		return b
	}
	return k.Seal(ad, b)
}

func (d *DB) open(k *vault.Keys, ad string, b []byte) ([]byte, error) {
	if d.plain {
		return b, nil
	}
	return k.Open(ad, b)
}

// Unlocked reports whether this process holds the kit's keys.
func (d *DB) Unlocked() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.sess != nil && d.sess.keys != nil
}

// Supervisor reports whether this process holds the supervisor key.
func (d *DB) Supervisor() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.sess != nil && d.sess.keys != nil && d.sess.keys.Supervisor()
}

func (t *tx) kitCheck() (uid, check string, err error) {
	err = t.queryRow(`SELECT uid, key_check FROM kit WHERE id = 1`).Scan(&uid, &check)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", intake.Errorf(intake.CodeNotInit, "kit belum dibuat", "the kit has not been set up")
	}
	return uid, check, wrap(err)
}

func (t *tx) Unlock(s vault.Secret) error {
	uid, check, err := t.kitCheck()
	if err != nil {
		return err
	}
	if check == "" {
		return intake.Errorf(intake.CodeLegacyKit, "kit ini belum dienkripsi", "this kit is not encrypted yet")
	}
	if err := vault.Verify(s, uid, check); err != nil {
		e := tampered("kunci ini bukan kunci kit ini", "this key is not this kit's key").(*intake.Error)
		e.Err = err
		return e
	}
	k, err := vault.Derive(s)
	if err != nil {
		return err
	}
	t.db.mu.Lock()
	t.db.sess = &session{keys: k}
	t.db.mu.Unlock()
	return nil
}

func (t *tx) Secret() (vault.Secret, error) {
	k, err := t.keys()
	if err != nil {
		return vault.Secret{}, err
	}
	return k.Secret(), nil
}

func (t *tx) Session() (string, time.Time, time.Time, error) {
	t.db.mu.Lock()
	s := t.db.sess
	t.db.mu.Unlock()
	if s == nil || s.officer == "" {
		return "", time.Time{}, time.Time{}, notFound("sesi", "session", "")
	}
	return s.officer, s.since, s.until, nil
}

func (t *tx) SetSession(officerID string, since, until time.Time) error {
	t.db.mu.Lock()
	defer t.db.mu.Unlock()
	if t.db.sess == nil || t.db.sess.keys == nil {
		return errLocked()
	}
	t.db.sess.officer, t.db.sess.since, t.db.sess.until = officerID, since, until
	return nil
}

func (t *tx) ClearSession() error {
	t.db.mu.Lock()
	t.db.sess = nil
	t.db.mu.Unlock()
	return nil
}

func (t *tx) KeySlot(officerID string) (string, error) {
	var slot string
	err := t.queryRow(`SELECT slot FROM key_slots WHERE officer_id = ?`, officerID).Scan(&slot)
	if errors.Is(err, sql.ErrNoRows) {
		return "", notFound("slot kunci", "key slot", officerID)
	}
	return slot, wrap(err)
}

func (t *tx) PutKeySlot(officerID, slot string, at time.Time) error {
	return t.exec(`INSERT INTO key_slots (officer_id, slot, created_at) VALUES (?, ?, ?)
		ON CONFLICT (officer_id) DO UPDATE SET slot = excluded.slot, created_at = excluded.created_at`, officerID, slot, formatTime(at))
}

func (t *tx) DeleteKeySlot(officerID string) error {
	return t.exec(`DELETE FROM key_slots WHERE officer_id = ?`, officerID)
}

// KeySlots lists the officers that have a slot, with the argon2id
// parameters of each (doctor).
func (t *tx) KeySlots() (map[string]vault.Params, error) {
	rows, err := t.query(`SELECT officer_id, slot FROM key_slots`)
	if err != nil {
		return nil, wrap(err)
	}
	defer rows.Close()
	out := map[string]vault.Params{}
	for rows.Next() {
		var id, slot string
		if err := rows.Scan(&id, &slot); err != nil {
			return nil, wrap(err)
		}
		p, _ := vault.SlotParams(slot)
		out[id] = p
	}
	return out, wrap(rows.Err())
}

func (t *tx) SetRecovery(slot []byte) error {
	return t.kitChanged(`UPDATE kit SET recovery = ? WHERE id = 1`, slot)
}

func (t *tx) Recovery() ([]byte, error) {
	var b []byte
	err := t.queryRow(`SELECT recovery FROM kit WHERE id = 1`).Scan(&b)
	return b, wrap(err)
}

func (t *tx) DeviceKey() ([]byte, error) {
	k, err := t.keys()
	if err != nil {
		return nil, err
	}
	uid, _, err := t.kitCheck()
	if err != nil {
		return nil, err
	}
	var sealed []byte
	if err := t.queryRow(`SELECT device_key FROM kit WHERE id = 1`).Scan(&sealed); err != nil {
		return nil, wrap(err)
	}
	if len(sealed) == 0 {
		return nil, notFound("kunci perangkat", "device key", "")
	}
	seed, err := k.Open("device key|"+uid, sealed)
	if err != nil {
		return nil, tampered("kunci perangkat tidak bisa dibuka", "the device key does not open")
	}
	return seed, nil
}

func (t *tx) SetDeviceKey(seed []byte) error {
	k, err := t.keys()
	if err != nil {
		return err
	}
	uid, _, err := t.kitCheck()
	if err != nil {
		return err
	}
	return t.kitChanged(`UPDATE kit SET device_key = ? WHERE id = 1`, k.Seal("device key|"+uid, seed))
}

// officerSealParts is what an officer row's seal covers.
func officerSealParts(o intake.Officer) []string {
	return []string{"officer", o.ID, o.NIP, o.Name, string(o.Role), formatTime(o.DisabledAt), formatTime(o.CreatedAt)}
}

func (t *tx) sealOfficer(o intake.Officer) (string, error) {
	k, err := t.keys()
	if err != nil {
		return "", err
	}
	s, err := k.OfficerMAC(officerSealParts(o)...)
	if err != nil {
		return "", intake.Errorf(intake.CodeForbidden, "hanya pengawas yang boleh mengubah petugas", "only a supervisor may change officers")
	}
	return s, nil
}

func (t *tx) VerifyOfficer(o intake.Officer) error {
	k, err := t.keys()
	if err != nil {
		return err
	}
	want, err := k.OfficerMAC(officerSealParts(o)...)
	if err != nil {
		return intake.Errorf(intake.CodeForbidden, "sesi %s tidak memegang kunci pengawas", "%s's session holds no supervisor key", o.Name)
	}
	if !vault.Equal(want, o.Seal) {
		return tampered("data petugas %s (%s) diubah di luar jemput", "officer %s (%s) was changed outside jemput", o.Name, o.NIP)
	}
	return nil
}

func (t *tx) DisableOfficer(id string, at time.Time) error {
	o, err := t.Officer(id)
	if err != nil {
		return err
	}
	o.DisabledAt = at
	seal, err := t.sealOfficer(o)
	if err != nil {
		return err
	}
	if err := t.exec(`UPDATE officers SET disabled_at = ?, seal = ? WHERE id = ?`, formatTime(at), seal, id); err != nil {
		return err
	}
	return t.DeleteKeySlot(id)
}

// FailedLogins counts the wrong PINs of an officer since their last login,
// unlock or new PIN, from the audit log.
func (t *tx) FailedLogins(officerID string) (int, time.Time, error) {
	var n int
	var last string
	err := t.queryRow(`SELECT count(*), coalesce(max(at), '') FROM audit WHERE entity = 'officer' AND entity_id = ? AND action = 'login.failed'
		AND seq > coalesce((SELECT max(seq) FROM audit WHERE entity = 'officer' AND entity_id = ? AND action IN ('login', 'officer.unlock', 'officer.reset_pin', 'kit.init')), 0)`,
		officerID, officerID).Scan(&n, &last)
	return n, parseTime(last), wrap(err)
}

// Search tokens. The search text is split into words; each word of three
// letters or more is indexed by the keyed tokens of its prefixes of 3, 6,
// 10 and 16 characters (16: a whole NIK or KK number), a shorter word by
// its own token. A query word picks the longest of those prefixes it
// covers; the candidates are then opened and checked against the words
// themselves. So a search finds words by their beginning ("rizky",
// "riz"), not from their middle ("izky"), and the index shows neither the
// words nor their lengths beyond those classes.

var prefixClasses = []int{16, 10, 6, 3}

func searchWords(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

func searchTokens(k *vault.Keys, text string) string {
	seen := map[string]bool{}
	var b strings.Builder
	add := func(tok string) {
		if !seen[tok] {
			seen[tok] = true
			b.WriteString(tok)
			b.WriteByte(' ')
		}
	}
	b.WriteByte(' ')
	for _, w := range searchWords(text) {
		r := []rune(w)
		if len(r) < 3 {
			add(k.Token("w", w))
			continue
		}
		for _, p := range prefixClasses {
			if len(r) >= p {
				add(k.Token(strconv.Itoa(p), string(r[:p])))
			}
		}
	}
	if b.Len() == 1 {
		return ""
	}
	return b.String()
}

// queryToken is the token a query word is looked up by.
func queryToken(k *vault.Keys, w string) string {
	r := []rune(w)
	for _, p := range prefixClasses {
		if len(r) >= p {
			return k.Token(strconv.Itoa(p), string(r[:p]))
		}
	}
	return k.Token("w", w)
}

// matchQuery is the FTS5 query for words: every word's token.
func matchQuery(k *vault.Keys, words []string) string {
	match := make([]string, len(words))
	for i, w := range words {
		match[i] = `"` + queryToken(k, w) + `"`
	}
	return strings.Join(match, " AND ")
}

// findDoc is what applications.find seals.
type findDoc struct {
	ID   string `json:"id,omitempty"`
	Text string `json:"text,omitempty"`
}

func (t *tx) sealFind(k *vault.Keys, appID string, f intake.Find) ([]byte, error) {
	b, err := json.Marshal(findDoc{ID: f.IdentityNumber, Text: f.Text})
	if err != nil {
		return nil, err
	}
	return t.db.seal(k, "find|"+appID, b), nil
}

func (t *tx) openFind(k *vault.Keys, appID string, sealed []byte) (intake.Find, error) {
	if len(sealed) == 0 {
		return intake.Find{}, nil // purged
	}
	b, err := t.db.open(k, "find|"+appID, sealed)
	if err != nil {
		return intake.Find{}, tampered("data pencarian permohonan %s diubah atau dipindah", "the search data of application %s was changed or moved", appID)
	}
	var f findDoc
	if err := json.Unmarshal(b, &f); err != nil {
		return intake.Find{}, err
	}
	return intake.Find{IdentityNumber: f.ID, Text: f.Text}, nil
}

func nikIndex(k *vault.Keys, nik string) string {
	if nik == "" {
		return ""
	}
	return k.Index("identity", nik)
}

// search finds the rowids of applications matching every word of q among
// those cond selects, newest first, at most limit (0: all).
func (t *tx) search(k *vault.Keys, q, cond string, args []any, limit int) ([]int64, error) {
	words := searchWords(q)
	if len(words) == 0 {
		return nil, nil
	}
	// The candidates hold every word's token (search_index, an FTS5
	// index kept by triggers from applications.search: one lookup, not a
	// scan). Tokens are letters and digits: quoted, they are plain terms.
	if cond != "" {
		cond += " AND "
	}
	// The candidates first, from the narrow search_rows alone (reading
	// thousands of application rows to sort them cost most of a
	// listing), newest first; then their rows, in chunks, with cond
	// applied and their sealed search text opened and checked, so that a
	// listing of the newest N stops once it has N.
	type candidate struct {
		created string
		id      string
	}
	cands, err := collect(func(r sqlitedb.Scanner) (candidate, error) {
		var c candidate
		return c, r.Scan(&c.created, &c.id)
	})(t.query(`SELECT created_at, app FROM search_rows WHERE n IN (SELECT rowid FROM search_index WHERE search_index MATCH ?)`, matchQuery(k, words)))
	if err != nil {
		return nil, err
	}
	// The order of the listing itself: created_at DESC, then id.
	slices.SortFunc(cands, func(a, b candidate) int {
		if c := strings.Compare(b.created, a.created); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
	const chunk = 256
	var out []int64
	for start := 0; start < len(cands); start += chunk {
		part := cands[start:min(start+chunk, len(cands))]
		ids := make([]string, len(part))
		for i, c := range part {
			ids[i] = c.id
		}
		list, _ := json.Marshal(ids)
		rows, err := collect(func(r sqlitedb.Scanner) (searchRow, error) {
			var x searchRow
			return x, r.Scan(&x.id, &x.rowid, &x.sealed)
		})(t.query(`SELECT a.id, a.rowid, a.find FROM applications a WHERE `+cond+`a.id IN (SELECT value FROM json_each(?))`, append(args, string(list))...))
		if err != nil {
			return nil, err
		}
		found := make(map[string]searchRow, len(rows))
		for _, r := range rows {
			found[r.id] = r
		}
		for _, c := range part {
			r, ok := found[c.id]
			if !ok {
				continue // not of this event or status
			}
			f, err := t.openFind(k, c.id, r.sealed)
			if err != nil {
				return nil, err
			}
			text, all := " "+f.Text, true
			for _, w := range words {
				if !strings.Contains(text, w) {
					all = false
					break
				}
			}
			if all {
				out = append(out, r.rowid)
				if limit > 0 && len(out) == limit {
					return out, nil
				}
			}
		}
	}
	return out, nil
}

// searchRow is a search candidate's row: its sealed search text.
type searchRow struct {
	id     string
	rowid  int64
	sealed []byte
}

func rowidList(ids []int64) string {
	b, _ := json.Marshal(ids)
	return string(b)
}

// ConvertLegacy seals every applicant record of a kit made before
// encryption, in this transaction: versions, drafts, the search columns,
// attachments, roster entries; it keys the audit chain and seals the
// officer rows. The triggers that refuse changes are lifted for this
// transaction only and put back as they were.
func (t *tx) ConvertLegacy(kitID string, s vault.Secret) error {
	check, err := vault.Check(s, kitID)
	if err != nil {
		return err
	}
	if err := t.kitChanged(`UPDATE kit SET uid = ?, key_check = ? WHERE id = 1`, kitID, check); err != nil {
		return err
	}
	if err := t.Unlock(s); err != nil {
		return err
	}
	k, _ := t.keys()
	if _, err := t.tx.ExecContext(t.ctx, `DROP TRIGGER versions_immutable_update; DROP TRIGGER audit_append_only_update`); err != nil {
		return wrap(err)
	}
	type row struct {
		a, b string
		n    int
		data []byte
	}
	read := func(q string, scan func(*sql.Rows, *row) error) ([]row, error) {
		rows, err := t.tx.QueryContext(t.ctx, q)
		if err != nil {
			return nil, wrap(err)
		}
		defer rows.Close()
		var out []row
		for rows.Next() {
			var r row
			if err := scan(rows, &r); err != nil {
				return nil, wrap(err)
			}
			out = append(out, r)
		}
		return out, wrap(rows.Err())
	}
	// Versions: the stored JSON, sealed as it is.
	vs, err := read(`SELECT app_id, version, doc FROM versions`, func(r *sql.Rows, x *row) error { return r.Scan(&x.a, &x.n, &x.data) })
	if err != nil {
		return err
	}
	for _, v := range vs {
		if err := t.exec(`UPDATE versions SET doc = ? WHERE app_id = ? AND version = ?`, k.Seal(versionAD(v.a, v.n), v.data), v.a, v.n); err != nil {
			return err
		}
	}
	apps, err := read(`SELECT id, nik, search FROM applications`, func(r *sql.Rows, x *row) error {
		var search string
		err := r.Scan(&x.a, &x.b, &search)
		x.data = []byte(search)
		return err
	})
	if err != nil {
		return err
	}
	for _, a := range apps {
		f := intake.Find{IdentityNumber: a.b, Text: string(a.data)}
		find, err := t.sealFind(k, a.a, f)
		if err != nil {
			return err
		}
		if err := t.exec(`UPDATE applications SET nik = ?, search = ?, find = ? WHERE id = ?`, nikIndex(k, f.IdentityNumber), searchTokens(k, f.Text), find, a.a); err != nil {
			return err
		}
	}
	atts, err := read(`SELECT sha256, data FROM attachments`, func(r *sql.Rows, x *row) error { return r.Scan(&x.a, &x.data) })
	if err != nil {
		return err
	}
	for _, a := range atts {
		if err := t.exec(`UPDATE attachments SET data = ? WHERE sha256 = ?`, k.Seal("attachment|"+a.a, a.data), a.a); err != nil {
			return err
		}
	}
	ros, err := read(`SELECT event_id, no, doc FROM roster_entries`, func(r *sql.Rows, x *row) error { return r.Scan(&x.a, &x.n, &x.data) })
	if err != nil {
		return err
	}
	for _, e := range ros {
		if err := t.exec(`UPDATE roster_entries SET doc = ? WHERE event_id = ? AND no = ?`, k.Seal(rosterAD(e.a, e.n), e.data), e.a, e.n); err != nil {
			return err
		}
	}
	hashes, err := read(`SELECT hash, seq FROM audit`, func(r *sql.Rows, x *row) error { return r.Scan(&x.a, &x.n) })
	if err != nil {
		return err
	}
	for _, h := range hashes {
		if err := t.exec(`UPDATE audit SET mac = ? WHERE seq = ?`, entryMAC(k, h.a), h.n); err != nil {
			return err
		}
	}
	officers, err := t.Officers()
	if err != nil {
		return err
	}
	for _, o := range officers {
		seal, err := t.sealOfficer(o)
		if err != nil {
			return err
		}
		if err := t.exec(`UPDATE officers SET seal = ? WHERE id = ?`, seal, o.ID); err != nil {
			return err
		}
	}
	_, err = t.tx.ExecContext(t.ctx, guardTriggers)
	return wrap(err)
}

// guardTriggers are the triggers ConvertLegacy lifts, as the migrations
// make them.
const guardTriggers = `
CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER versions_immutable_update BEFORE UPDATE ON versions
WHEN NOT (length(NEW.doc) = 0 AND NEW.app_id = OLD.app_id AND NEW.version = OLD.version AND NEW.status = OLD.status
	AND NEW.officer_id = OLD.officer_id AND NEW.reason = OLD.reason AND NEW.created_at = OLD.created_at)
BEGIN SELECT RAISE(ABORT, 'application versions are never changed'); END;`

// Compact rewrites the database file without its free pages and empties
// the WAL, so that bytes from before a conversion or a purge are gone from
// the disk (as far as the file system allows). The search index is merged
// into one segment first: FTS5 takes tokens out by writing a deletion
// beside them, and only a merge drops the tokens themselves.
func (d *DB) Compact(ctx context.Context) error {
	if _, err := d.db.ExecContext(ctx, `INSERT INTO search_index (search_index) VALUES ('optimize')`); err != nil {
		return err
	}
	if _, err := d.db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return err
	}
	if _, err := d.db.ExecContext(ctx, `VACUUM`); err != nil {
		return err
	}
	_, err := d.db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	return err
}

// Guards are the triggers and indexes that guard the kit's data, which
// doctor checks are in place.
var Guards = []string{
	"audit_append_only_update", "audit_append_only_delete", "versions_immutable_update", "versions_immutable_delete",
	"applications_no_delete", "transitions_no_change", "transitions_no_delete",
	"events_one_open", "applications_nik", "audit_entity", "search_index_insert", "search_index_update",
}

// MissingGuards lists the guards that are not in the database.
func (d *DB) MissingGuards(ctx context.Context) ([]string, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type IN ('trigger', 'index')`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	have := map[string]bool{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		have[n] = true
	}
	var missing []string
	for _, g := range Guards {
		if !have[g] {
			missing = append(missing, g)
		}
	}
	return missing, rows.Err()
}

func (t *tx) PurgeApplication(id string, at time.Time) (int, int, error) {
	// The photos of its versions, before their documents are emptied.
	vs, err := t.Versions(id)
	if err != nil {
		return 0, 0, err
	}
	shas := map[string]bool{}
	for _, v := range vs {
		if v.Doc.Photo != nil {
			shas[v.Doc.Photo.SHA256] = true
		}
	}
	res, err := t.execResult(`UPDATE versions SET doc = X'' WHERE app_id = ? AND length(doc) > 0`, id)
	if err != nil {
		return 0, 0, wrap(err)
	}
	nv, _ := res.RowsAffected()
	if err := t.exec(`UPDATE applications SET nik = '', search = '', find = NULL, purged_at = ? WHERE id = ?`, formatTime(at), id); err != nil {
		return 0, 0, err
	}
	if err := t.exec(`UPDATE roster_entries SET doc = X'' WHERE app_id = ?`, id); err != nil {
		return 0, 0, err
	}
	np := 0
	for sha := range shas {
		// Another application's version may hold the same photo: keep it
		// then. Documents are sealed, so ask the ones not purged.
		used := false
		rows, err := t.query(`SELECT v.app_id, v.version, v.doc FROM versions v JOIN applications a ON a.id = v.app_id WHERE a.purged_at = '' AND length(v.doc) > 0`)
		if err != nil {
			return 0, 0, wrap(err)
		}
		k, _ := t.keys()
		for rows.Next() && !used {
			var app string
			var ver int
			var doc []byte
			if err := rows.Scan(&app, &ver, &doc); err != nil {
				rows.Close()
				return 0, 0, wrap(err)
			}
			if d, err := t.openDoc(k, app, ver, doc); err == nil && d.Photo != nil && d.Photo.SHA256 == sha {
				used = true
			}
		}
		rows.Close()
		if used {
			continue
		}
		res, err := t.execResult(`DELETE FROM attachments WHERE sha256 = ?`, sha)
		if err != nil {
			return 0, 0, wrap(err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			np++
		}
	}
	return int(nv), np, nil
}

// ClearRecords counts the applicant records not stored sealed: versions,
// attachments, roster entries and search data whose bytes do not start as
// vault's sealed bytes do (a kit made before encryption, or rows written
// by something else than jemput).
func (d *DB) ClearRecords(ctx context.Context) (int, error) {
	var n int
	err := d.db.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM versions WHERE length(doc) > 0 AND substr(doc, 1, 1) <> X'01') +
		(SELECT count(*) FROM attachments WHERE substr(data, 1, 1) <> X'01') +
		(SELECT count(*) FROM roster_entries WHERE length(doc) > 0 AND substr(doc, 1, 1) <> X'01') +
		(SELECT count(*) FROM applications WHERE purged_at = '' AND (find IS NULL OR substr(find, 1, 1) <> X'01'))`).Scan(&n)
	return n, err
}

// SealedSetting reads a kit setting that only a supervisor may set: its
// value with a MAC under the supervisor key. "" when unset; CodeTampered
// when the row was written outside jemput.
func (t *tx) SealedSetting(name string) (string, error) {
	raw, err := t.Setting("sealed:" + name)
	if intake.IsCode(err, intake.CodeNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	k, err := t.keys()
	if err != nil {
		return "", err
	}
	value, mac, _ := strings.Cut(raw, "|")
	want, err := k.OfficerMAC("setting", name, value)
	if err != nil {
		return "", intake.Errorf(intake.CodeForbidden, "hanya pengawas yang bisa membaca aturan ini", "only a supervisor can read this rule")
	}
	if !vault.Equal(want, mac) {
		return "", tampered("pengaturan %s diubah di luar jemput", "the setting %s was changed outside jemput", name)
	}
	return value, nil
}

func (t *tx) SetSealedSetting(name, value string) error {
	k, err := t.keys()
	if err != nil {
		return err
	}
	mac, err := k.OfficerMAC("setting", name, value)
	if err != nil {
		return intake.Errorf(intake.CodeForbidden, "hanya pengawas yang boleh mengubah aturan ini", "only a supervisor may change this rule")
	}
	return t.SetSetting("sealed:"+name, value+"|"+mac)
}
