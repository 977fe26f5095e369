package store

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jemput/jemput/intake"
	"github.com/jemput/jemput/lang"
	"github.com/jemput/jemput/sqlitedb"
	"github.com/jemput/jemput/vault"
)

func textOf(id, en string) lang.Text { return lang.Text{ID: id, EN: en} }

func (t *tx) Kit() (intake.Kit, error) {
	if t.kit != nil {
		return *t.kit, nil
	}
	var k intake.Kit
	var created, check string
	var recovery []byte
	err := t.queryRow(`SELECT code, office, public_key, zone, created_at, uid, key_check, recovery FROM kit WHERE id = 1`).Scan(&k.Code, &k.Office, &k.PublicKey, &k.Zone, &created, &k.ID, &check, &recovery)
	if errors.Is(err, sql.ErrNoRows) {
		return k, intake.Errorf(intake.CodeNotInit, "kit belum dibuat", "the kit has not been set up")
	}
	k.CreatedAt, k.Encrypted, k.Recovery = parseTime(created), check != "", len(recovery) > 0
	if err != nil {
		return k, wrap(err)
	}
	t.kit = &k
	return k, nil
}

// kitChanged forgets the kit row read in this transaction: q writes it.
func (t *tx) kitChanged(q string, args ...any) error {
	t.kit = nil
	return t.exec(q, args...)
}

// CreateKit stores the kit with the check of its secret, and unlocks it
// with that secret for the rest of this process.
func (t *tx) CreateKit(k intake.Kit, s vault.Secret) error {
	check, err := vault.Check(s, k.ID)
	if err != nil {
		return err
	}
	if err := t.kitChanged(`INSERT INTO kit (id, code, office, public_key, zone, created_at, uid, key_check) VALUES (1, ?, ?, ?, ?, ?, ?, ?)`,
		k.Code, k.Office, k.PublicKey, k.Zone, formatTime(k.CreatedAt), k.ID, check); err != nil {
		return err
	}
	return t.Unlock(s)
}

func (t *tx) SetKitZone(name string) error {
	return t.kitChanged(`UPDATE kit SET zone = ? WHERE id = 1`, name)
}

const officerCols = `id, nip, name, role, pin_hash, failed_pins, locked_until, created_at, seal, disabled_at`

func scanOfficer(row sqlitedb.Scanner) (intake.Officer, error) {
	var o intake.Officer
	var locked, created, role, disabled string
	err := row.Scan(&o.ID, &o.NIP, &o.Name, &role, &o.PINHash, &o.FailedPINs, &locked, &created, &o.Seal, &disabled)
	o.Role, o.LockedUntil, o.CreatedAt, o.DisabledAt = intake.Role(role), parseTime(locked), parseTime(created), parseTime(disabled)
	return o, err
}

func (t *tx) Officer(id string) (intake.Officer, error) {
	o, err := scanOfficer(t.queryRow(`SELECT `+officerCols+` FROM officers WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return o, notFound("petugas", "officer", id)
	}
	return o, wrap(err)
}

func (t *tx) OfficerByNIP(nip string) (intake.Officer, error) {
	o, err := scanOfficer(t.queryRow(`SELECT `+officerCols+` FROM officers WHERE nip = ?`, nip))
	if errors.Is(err, sql.ErrNoRows) {
		return o, notFound("NIP", "NIP", nip)
	}
	return o, wrap(err)
}

func (t *tx) Officers() ([]intake.Officer, error) {
	return collect(scanOfficer)(t.query(`SELECT ` + officerCols + ` FROM officers ORDER BY role DESC, name`))
}

// InsertOfficer adds an officer, sealed under the supervisor key: only a
// supervisor's unlock can.
func (t *tx) InsertOfficer(o intake.Officer) error {
	seal, err := t.sealOfficer(o)
	if err != nil {
		return err
	}
	return t.exec(`INSERT INTO officers (`+officerCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		o.ID, o.NIP, o.Name, string(o.Role), o.PINHash, o.FailedPINs, formatTime(o.LockedUntil), formatTime(o.CreatedAt), seal, formatTime(o.DisabledAt))
}

func (t *tx) UpdateOfficerAuth(id string, failed int, lockedUntil time.Time) error {
	return t.exec(`UPDATE officers SET failed_pins = ?, locked_until = ? WHERE id = ?`, failed, formatTime(lockedUntil), id)
}

func (t *tx) UpdateOfficerPIN(id, hash string) error {
	return t.exec(`UPDATE officers SET pin_hash = ?, failed_pins = 0, locked_until = '' WHERE id = ?`, hash, id)
}

const eventCols = `id, type, name, place, date, opened_by, opened_at, closed_at, capacity`

func scanEvent(row sqlitedb.Scanner) (intake.Event, error) {
	var e intake.Event
	var typ, opened, closed string
	err := row.Scan(&e.ID, &typ, &e.Name, &e.Place, &e.Date, &e.OpenedBy, &opened, &closed, &e.Capacity)
	e.Type, e.OpenedAt, e.ClosedAt = intake.EventType(typ), parseTime(opened), parseTime(closed)
	return e, err
}

func (t *tx) Event(id string) (intake.Event, error) {
	// The id, or a prefix of at least 8 characters (what event list shows)
	// that matches one event only. substr, not LIKE: '%' and '_' are not
	// wildcards here.
	found, err := collect(scanEvent)(t.query(`SELECT `+eventCols+` FROM events WHERE id = ? OR (length(?) >= 8 AND substr(id, 1, length(?)) = ?) LIMIT 2`, id, id, id, id))
	if err != nil {
		return intake.Event{}, err
	}
	switch {
	case len(found) == 0:
		return intake.Event{}, notFound("acara", "event", id)
	case len(found) > 1 && found[0].ID != id && found[1].ID != id:
		return intake.Event{}, intake.Errorf(intake.CodeInvalid, "%q cocok dengan lebih dari satu acara", "%q matches more than one event", id)
	case len(found) > 1 && found[1].ID == id:
		return found[1], nil
	}
	return found[0], nil
}

func (t *tx) OpenEvent() (intake.Event, error) {
	e, err := scanEvent(t.queryRow(`SELECT ` + eventCols + ` FROM events WHERE closed_at = ''`))
	if errors.Is(err, sql.ErrNoRows) {
		return e, intake.Errorf(intake.CodeNoEvent, "tidak ada acara yang dibuka", "no event is open")
	}
	return e, wrap(err)
}

func (t *tx) Events() ([]intake.Event, error) {
	return collect(scanEvent)(t.query(`SELECT ` + eventCols + ` FROM events ORDER BY opened_at DESC`))
}

func (t *tx) InsertEvent(e intake.Event) error {
	return t.exec(`INSERT INTO events (`+eventCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, string(e.Type), e.Name, e.Place, e.Date, e.OpenedBy, formatTime(e.OpenedAt), formatTime(e.ClosedAt), e.Capacity)
}

func (t *tx) CloseEvent(id string, at time.Time) error {
	return t.exec(`UPDATE events SET closed_at = ? WHERE id = ?`, formatTime(at), id)
}

func (t *tx) InsertTurnedAway(a intake.TurnedAway) error {
	return t.exec(`INSERT INTO turned_away (id, event_id, count, reason, note, officer_id, at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.EventID, a.Count, a.Reason, a.Note, a.OfficerID, formatTime(a.At))
}

func (t *tx) TurnedAway(eventID string) ([]intake.TurnedAway, error) {
	return collect(func(row sqlitedb.Scanner) (intake.TurnedAway, error) {
		var a intake.TurnedAway
		var at string
		err := row.Scan(&a.ID, &a.EventID, &a.Count, &a.Reason, &a.Note, &a.OfficerID, &at)
		a.At = parseTime(at)
		return a, err
	})(t.query(`SELECT id, event_id, count, reason, note, officer_id, at FROM turned_away WHERE event_id = ? ORDER BY at, id`, eventID))
}

func (t *tx) PutVisit(v intake.Visit) error {
	return t.exec(`INSERT INTO visits (id, place, date, type, capacity) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET place = excluded.place, date = excluded.date, type = excluded.type, capacity = excluded.capacity`,
		v.ID, v.Place, v.Date, v.Type, v.Capacity)
}

func (t *tx) Visits() ([]intake.Visit, error) {
	return collect(func(row sqlitedb.Scanner) (intake.Visit, error) {
		var v intake.Visit
		err := row.Scan(&v.ID, &v.Place, &v.Date, &v.Type, &v.Capacity)
		return v, err
	})(t.query(`SELECT id, place, date, type, capacity FROM visits ORDER BY date, id`))
}

func (t *tx) NextSequence(name string) (int, error) {
	var v int
	err := t.queryRow(`INSERT INTO sequences (name, value) VALUES (?, 1)
		ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value`, name).Scan(&v)
	return v, wrap(err)
}

// appCols and appFrom read an application with the document of its current
// version: the document is stored once, in versions.
const appCols = `a.id, coalesce(a.number, ''), a.event_id, a.form_id, a.form_version, a.version, a.status, a.officer_id, a.roster_no, a.receipts, a.created_at, a.updated_at, a.find, a.purged_at, v.doc`

const appFrom = ` FROM applications a JOIN versions v ON v.app_id = a.id AND v.version = a.version`

// scanApp reads an application and opens its sealed parts.
func (t *tx) scanApp(row sqlitedb.Scanner) (intake.Application, error) {
	var a intake.Application
	var status, created, updated, purged string
	var doc, find []byte
	err := row.Scan(&a.ID, &a.Number, &a.EventID, &a.FormID, &a.FormVersion, &a.Version, &status, &a.OfficerID, &a.RosterNo, &a.Receipts, &created, &updated, &find, &purged, &doc)
	if err != nil {
		return a, err
	}
	a.Status, a.CreatedAt, a.UpdatedAt, a.PurgedAt = intake.Status(status), parseTime(created), parseTime(updated), parseTime(purged)
	k, err := t.keys()
	if err != nil {
		return a, err
	}
	if a.Find, err = t.openFind(k, a.ID, find); err != nil {
		return a, err
	}
	a.Doc, err = t.openDoc(k, a.ID, a.Version, doc)
	return a, err
}

func versionAD(appID string, version int) string {
	return "version|" + appID + "|" + strconv.Itoa(version)
}

// sealDoc and openDoc are where a document becomes bytes: sealed under the
// kit's data key, bound to its application and version.
func (t *tx) sealDoc(k *vault.Keys, appID string, version int, d intake.Document) ([]byte, error) {
	b, err := json.Marshal(d)
	if err != nil {
		return nil, err
	}
	return t.db.seal(k, versionAD(appID, version), b), nil
}

func (t *tx) openDoc(k *vault.Keys, appID string, version int, sealed []byte) (intake.Document, error) {
	var d intake.Document
	if len(sealed) == 0 {
		return d, nil // purged
	}
	b, err := t.db.open(k, versionAD(appID, version), sealed)
	if err != nil {
		return d, tampered("versi %d permohonan %s diubah, dipindah atau rusak", "version %d of application %s was changed, moved or damaged", version, appID)
	}
	if err := json.Unmarshal(b, &d); err != nil {
		return d, err
	}
	return d, nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// InsertApplication adds an application; its document is stored with its
// first version (InsertVersion), in the same transaction.
func (t *tx) InsertApplication(a intake.Application) error {
	k, err := t.keys()
	if err != nil {
		return err
	}
	find, err := t.sealFind(k, a.ID, a.Find)
	if err != nil {
		return err
	}
	return t.exec(`INSERT INTO applications (id, number, event_id, form_id, form_version, version, status, officer_id, roster_no, receipts, created_at, updated_at, nik, search, find)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, nullable(a.Number), a.EventID, a.FormID, a.FormVersion, a.Version, string(a.Status), a.OfficerID, a.RosterNo, a.Receipts,
		formatTime(a.CreatedAt), formatTime(a.UpdatedAt), nikIndex(k, a.Find.IdentityNumber), searchTokens(k, a.Find.Text), find)
}

// UpdateApplication changes an application's state; a new document goes
// in with its version (InsertVersion).
func (t *tx) UpdateApplication(a intake.Application) error {
	k, err := t.keys()
	if err != nil {
		return err
	}
	find, err := t.sealFind(k, a.ID, a.Find)
	if err != nil {
		return err
	}
	res, err := t.execResult(`UPDATE applications SET number = ?, form_version = ?, version = ?, status = ?, officer_id = ?, roster_no = ?, receipts = ?,
		updated_at = ?, nik = ?, search = ?, find = ? WHERE id = ?`,
		nullable(a.Number), a.FormVersion, a.Version, string(a.Status), a.OfficerID, a.RosterNo, a.Receipts, formatTime(a.UpdatedAt),
		nikIndex(k, a.Find.IdentityNumber), searchTokens(k, a.Find.Text), find, a.ID)
	if err != nil {
		return wrap(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return notFound("permohonan", "application", a.ID)
	}
	return nil
}

func (t *tx) InsertVersion(v intake.Version) error {
	k, err := t.keys()
	if err != nil {
		return err
	}
	doc, err := t.sealDoc(k, v.AppID, v.Version, v.Doc)
	if err != nil {
		return err
	}
	return t.exec(`INSERT INTO versions (app_id, version, status, officer_id, reason, created_at, doc) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		v.AppID, v.Version, string(v.Status), v.OfficerID, v.Reason, formatTime(v.CreatedAt), doc)
}

func (t *tx) InsertTransition(tr intake.Transition) error {
	return t.exec(`INSERT INTO transitions (app_id, from_status, to_status, officer_id, reason, at) VALUES (?, ?, ?, ?, ?, ?)`,
		tr.AppID, string(tr.From), string(tr.To), tr.OfficerID, tr.Reason, formatTime(tr.At))
}

func (t *tx) Application(id string) (intake.Application, error) {
	// The whole id first, through the primary key: sync looks up every
	// acked application this way, and a scan of the table for each made
	// saving 500 acks of a 10,000-application kit hold the write lock
	// past the busy timeout.
	found, err := collect(t.scanApp)(t.query(`SELECT `+appCols+appFrom+` WHERE a.id = ?`, id))
	if err != nil {
		return intake.Application{}, err
	}
	if len(found) == 0 && len(id) >= 8 {
		// A unique prefix of at least 8 characters of the id also finds
		// it: what `app list` shows for drafts.
		found, err = collect(t.scanApp)(t.query(`SELECT `+appCols+appFrom+` WHERE substr(a.id, 1, length(?)) = ? LIMIT 2`, id, id))
		if err != nil {
			return intake.Application{}, err
		}
	}
	switch len(found) {
	case 0:
		return intake.Application{}, notFound("permohonan", "application", id)
	case 1:
		return found[0], nil
	}
	return intake.Application{}, intake.Errorf(intake.CodeInvalid, "%q cocok dengan lebih dari satu permohonan", "%q matches more than one application", id)
}

func (t *tx) ApplicationByNumber(number string) (intake.Application, error) {
	a, err := t.scanApp(t.queryRow(`SELECT `+appCols+appFrom+` WHERE a.number = ?`, number))
	if errors.Is(err, sql.ErrNoRows) {
		return a, notFound("permohonan", "application", number)
	}
	return a, wrap(err)
}

func (t *tx) Applications(f intake.Filter) ([]intake.Application, error) {
	var where []string
	var args []any
	if f.EventID != "" {
		where = append(where, "a.event_id = ?")
		args = append(args, f.EventID)
	}
	if f.Status != "" {
		where = append(where, "a.status = ?")
		args = append(args, string(f.Status))
	}
	if strings.TrimSpace(f.Search) != "" {
		// The keyed tokens find the candidates from the narrow search
		// index; their sealed search text is opened and checked; only
		// the rows shown are read with their documents.
		k, err := t.keys()
		if err != nil {
			return nil, err
		}
		ids, err := t.search(k, f.Search, strings.Join(where, " AND "), args, f.Limit)
		if err != nil || len(ids) == 0 {
			return nil, err
		}
		return collect(t.scanApp)(t.query(`SELECT `+appCols+appFrom+` WHERE a.rowid IN (SELECT value FROM json_each(?)) ORDER BY a.created_at DESC, a.id`, rowidList(ids)))
	}
	cond := ""
	if len(where) > 0 {
		cond = ` WHERE ` + strings.Join(where, " AND ")
	}
	q := `SELECT ` + appCols + appFrom + cond + ` ORDER BY a.created_at DESC, a.id`
	if f.Limit > 0 {
		// Pick the newest rows from the narrow applications table first,
		// then read only their documents: sorting thousands of matches
		// with their documents costs a hundred times more.
		q = `SELECT ` + appCols + appFrom + ` WHERE a.rowid IN (SELECT a.rowid FROM applications a` + cond +
			` ORDER BY a.created_at DESC, a.id LIMIT ?) ORDER BY a.created_at DESC, a.id`
		args = append(args, f.Limit)
	}
	return collect(t.scanApp)(t.query(q, args...))
}

func (t *tx) Versions(appID string) ([]intake.Version, error) {
	return collect(t.scanVersion)(t.query(`SELECT app_id, version, status, officer_id, reason, created_at, doc FROM versions WHERE app_id = ? ORDER BY version`, appID))
}

func (t *tx) scanVersion(row sqlitedb.Scanner) (intake.Version, error) {
	var v intake.Version
	var status, created string
	var doc []byte
	if err := row.Scan(&v.AppID, &v.Version, &status, &v.OfficerID, &v.Reason, &created, &doc); err != nil {
		return v, err
	}
	v.Status, v.CreatedAt = intake.Status(status), parseTime(created)
	k, err := t.keys()
	if err != nil {
		return v, err
	}
	v.Doc, err = t.openDoc(k, v.AppID, v.Version, doc)
	return v, err
}

func (t *tx) Transitions(appID string) ([]intake.Transition, error) {
	return collect(scanTransition)(t.query(`SELECT app_id, from_status, to_status, officer_id, reason, at FROM transitions WHERE app_id = ? ORDER BY id`, appID))
}

func scanTransition(row sqlitedb.Scanner) (intake.Transition, error) {
	var tr intake.Transition
	var from, to, at string
	err := row.Scan(&tr.AppID, &from, &to, &tr.OfficerID, &tr.Reason, &at)
	tr.From, tr.To, tr.At = intake.Status(from), intake.Status(to), parseTime(at)
	return tr, err
}

// SameIdentity reads the identity number kept in the nik column, whatever
// field of its form it came from.
// The nik column holds the blind index of the number, so equal numbers
// are found without the number being stored in clear.
func (t *tx) SameIdentity(id, exceptID string) ([]intake.Application, error) {
	k, err := t.keys()
	if err != nil {
		return nil, err
	}
	return collect(t.scanApp)(t.query(`SELECT `+appCols+appFrom+` WHERE a.nik = ? AND a.nik <> '' AND a.id <> ? AND a.status NOT IN ('voided', 'draft') ORDER BY a.created_at`, nikIndex(k, id), exceptID))
}

// Attachments are sealed, bound to their hash.
func (t *tx) PutAttachment(sha string, data []byte) error {
	k, err := t.keys()
	if err != nil {
		return err
	}
	return t.exec(`INSERT INTO attachments (sha256, size, data) VALUES (?, ?, ?) ON CONFLICT (sha256) DO NOTHING`, sha, len(data), t.db.seal(k, "attachment|"+sha, data))
}

func (t *tx) Attachment(sha string) ([]byte, error) {
	k, err := t.keys()
	if err != nil {
		return nil, err
	}
	var b []byte
	err = t.queryRow(`SELECT data FROM attachments WHERE sha256 = ?`, sha).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("lampiran", "attachment", sha)
	}
	if err != nil {
		return nil, wrap(err)
	}
	plain, err := t.db.open(k, "attachment|"+sha, b)
	if err != nil {
		return nil, tampered("lampiran %s diubah atau rusak", "attachment %s was changed or damaged", sha)
	}
	return plain, nil
}

func (t *tx) InsertRosterEntries(entries []intake.RosterEntry) error {
	stmt, err := t.tx.PrepareContext(t.ctx, `INSERT INTO roster_entries (event_id, no, line, doc, app_id, imported_at) VALUES (?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return wrap(err)
	}
	defer stmt.Close()
	k, err := t.keys()
	if err != nil {
		return err
	}
	for _, e := range entries {
		plain, err := json.Marshal(e.Values)
		if err != nil {
			return err
		}
		doc := k.Seal(rosterAD(e.EventID, e.No), plain)
		if _, err := stmt.ExecContext(t.ctx, e.EventID, e.No, e.Line, doc, nullable(e.AppID), formatTime(e.Imported)); err != nil {
			return wrap(err)
		}
	}
	return nil
}

const rosterCols = `event_id, no, line, doc, coalesce(app_id, ''), imported_at`

func rosterAD(eventID string, no int) string { return "roster|" + eventID + "|" + strconv.Itoa(no) }

func (t *tx) scanRoster(row sqlitedb.Scanner) (intake.RosterEntry, error) {
	var e intake.RosterEntry
	var doc []byte
	var imported string
	if err := row.Scan(&e.EventID, &e.No, &e.Line, &doc, &e.AppID, &imported); err != nil {
		return e, err
	}
	e.Imported = parseTime(imported)
	if len(doc) == 0 {
		return e, nil // purged
	}
	k, err := t.keys()
	if err != nil {
		return e, err
	}
	plain, err := k.Open(rosterAD(e.EventID, e.No), doc)
	if err != nil {
		return e, tampered("isian daftar %d diubah atau dipindah", "roster entry %d was changed or moved", e.No)
	}
	return e, json.Unmarshal(plain, &e.Values)
}

func (t *tx) RosterEntry(eventID string, no int) (intake.RosterEntry, error) {
	e, err := t.scanRoster(t.queryRow(`SELECT `+rosterCols+` FROM roster_entries WHERE event_id = ? AND no = ?`, eventID, no))
	if errors.Is(err, sql.ErrNoRows) {
		return e, notFound("isian daftar", "roster entry", "")
	}
	return e, wrap(err)
}

func (t *tx) RosterEntries(eventID string) ([]intake.RosterEntry, error) {
	return collect(t.scanRoster)(t.query(`SELECT `+rosterCols+` FROM roster_entries WHERE event_id = ? ORDER BY no`, eventID))
}

func (t *tx) SetRosterApp(eventID string, no int, appID string) error {
	// "" frees the entry (a voided completion): NULL, not a dangling id.
	res, err := t.execResult(`UPDATE roster_entries SET app_id = ? WHERE event_id = ? AND no = ?`, nullable(appID), eventID, no)
	if err != nil {
		return wrap(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return notFound("isian daftar", "roster entry", fmt.Sprint(no))
	}
	return nil
}
