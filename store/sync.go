package store

import (
	"database/sql"
	"errors"
	"time"

	"github.com/jemput/jemput/intake"
	"github.com/jemput/jemput/sqlitedb"
)

func (t *tx) Office() (intake.Office, error) {
	var o intake.Office
	var at string
	err := t.queryRow(`SELECT url, name, signing_key, sealing_recipient, tls_cert_sha256, enrolled_at FROM office WHERE id = 1`).
		Scan(&o.URL, &o.Name, &o.SigningKey, &o.SealingRecipient, &o.TLSCertSHA256, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return o, intake.Errorf(intake.CodeNotEnrolled, "kit belum terdaftar di kantor pusat", "the kit is not enrolled with the central office")
	}
	o.EnrolledAt = parseTime(at)
	return o, wrap(err)
}

func (t *tx) SetOffice(o intake.Office) error {
	return t.exec(`INSERT INTO office (id, url, name, signing_key, sealing_recipient, tls_cert_sha256, enrolled_at) VALUES (1, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET url = excluded.url, name = excluded.name, signing_key = excluded.signing_key,
		sealing_recipient = excluded.sealing_recipient, tls_cert_sha256 = excluded.tls_cert_sha256, enrolled_at = excluded.enrolled_at`,
		o.URL, o.Name, o.SigningKey, o.SealingRecipient, o.TLSCertSHA256, formatTime(o.EnrolledAt))
}

const ackCols = `app_id, version, hash, result, message, at`

func scanAck(row sqlitedb.Scanner) (intake.Ack, error) {
	var a intake.Ack
	var at string
	err := row.Scan(&a.AppID, &a.Version, &a.Hash, &a.Result, &a.Message, &at)
	a.At = parseTime(at)
	return a, err
}

func (t *tx) Ack(recordID string) (intake.Ack, error) {
	a, err := scanAck(t.queryRow(`SELECT `+ackCols+` FROM acks WHERE record_id = ?`, recordID))
	if errors.Is(err, sql.ErrNoRows) {
		return a, notFound("jawaban kantor", "office answer", recordID)
	}
	return a, wrap(err)
}

func (t *tx) Acks(appID string) ([]intake.Ack, error) {
	return collect(scanAck)(t.query(`SELECT `+ackCols+` FROM acks WHERE app_id = ? ORDER BY version`, appID))
}

func (t *tx) PutAck(a intake.Ack) error {
	return t.exec(`INSERT INTO acks (record_id, app_id, version, hash, result, message, at) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (record_id) DO UPDATE SET hash = excluded.hash, result = excluded.result, message = excluded.message, at = excluded.at`,
		intake.RecordID(a.AppID, a.Version), a.AppID, a.Version, a.Hash, a.Result, a.Message, formatTime(a.At))
}

func (t *tx) LastOfficeStatus() (int64, error) {
	var n sql.NullInt64
	err := t.queryRow(`SELECT max(seq) FROM office_statuses`).Scan(&n)
	return n.Int64, wrap(err)
}

func (t *tx) InsertOfficeStatus(s intake.OfficeStatus) error {
	return t.exec(`INSERT INTO office_statuses (seq, app_id, status, reason, pickup, at, visit_id) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		s.Seq, s.AppID, string(s.Status), s.Reason, s.Pickup, formatTime(s.At), s.VisitID)
}

func (t *tx) OfficeStatuses(appID string) ([]intake.OfficeStatus, error) {
	return collect(scanOfficeStatus)(t.query(`SELECT seq, app_id, status, reason, pickup, at, visit_id FROM office_statuses WHERE app_id = ? ORDER BY seq`, appID))
}

func scanOfficeStatus(row sqlitedb.Scanner) (intake.OfficeStatus, error) {
	var s intake.OfficeStatus
	var status, at string
	err := row.Scan(&s.Seq, &s.AppID, &status, &s.Reason, &s.Pickup, &at, &s.VisitID)
	s.Status, s.At = intake.Status(status), parseTime(at)
	return s, err
}

func (t *tx) MarkExported(recordID, file string, at time.Time) error {
	return t.exec(`INSERT INTO exported (record_id, file, at) VALUES (?, ?, ?) ON CONFLICT (record_id) DO UPDATE SET file = excluded.file, at = excluded.at`,
		recordID, file, formatTime(at))
}

func (t *tx) Exported(recordID string) (bool, error) {
	var n int
	err := t.queryRow(`SELECT count(*) FROM exported WHERE record_id = ?`, recordID).Scan(&n)
	return n > 0, wrap(err)
}

func (t *tx) Setting(name string) (string, error) {
	var v string
	err := t.queryRow(`SELECT value FROM settings WHERE name = ?`, name).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", notFound("pengaturan", "setting", name)
	}
	return v, wrap(err)
}

func (t *tx) SetSetting(name, value string) error {
	return t.exec(`INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value`, name, value)
}

// currentRecord is the record id of an application's current version.
const currentRecord = `a.id || '/' || a.version`

func (t *tx) Waiting() (int, time.Time, error) {
	var n int
	var oldest sql.NullString
	err := t.queryRow(`SELECT count(*), min(a.updated_at) FROM applications a
		WHERE a.status = 'approved'
		AND NOT EXISTS (SELECT 1 FROM acks k WHERE k.record_id = `+currentRecord+` AND k.result IN ('stored', 'duplicate', 'conflict'))
		AND NOT EXISTS (SELECT 1 FROM exported e WHERE e.record_id = `+currentRecord+`)`).Scan(&n, &oldest)
	return n, parseTime(oldest.String), wrap(err)
}

func (t *tx) Conflicts() ([]intake.Ack, error) {
	return collect(scanAck)(t.query(`SELECT ` + ackColsK + ` FROM acks k JOIN applications a ON k.record_id = ` + currentRecord + `
		WHERE k.result = 'conflict' ORDER BY k.at`))
}

const ackColsK = `k.app_id, k.version, k.hash, k.result, k.message, k.at`

func (t *tx) MarkOffered(recordID string, at time.Time) error {
	return t.exec(`INSERT INTO offered (record_id, at) VALUES (?, ?) ON CONFLICT (record_id) DO NOTHING`, recordID, formatTime(at))
}

func (t *tx) Offered(recordID string) (bool, error) {
	var n int
	err := t.queryRow(`SELECT count(*) FROM offered WHERE record_id = ?`, recordID).Scan(&n)
	return n > 0, wrap(err)
}
