package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"

	"github.com/jemput/jemput/intake"
	"github.com/jemput/jemput/sqlitedb"
)

// The audit log is append-only (triggers refuse UPDATE and DELETE) and each
// entry's hash covers the previous entry's hash and its own fields, so that
// editing or removing an entry in the middle breaks the chain from there on.
// The sequence numbers have no gaps, so removing any entry but the last is
// seen too; the last entries are anchored when they reach the central office.

const genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// entryHash hashes the entry's fields as stored (at is the stored text).
func entryHash(prev, at string, e intake.AuditEntry) string {
	h := sha256.New()
	for _, f := range []string{prev, strconv.FormatInt(e.Seq, 10), at, e.OfficerID, e.Action, e.Entity, e.EntityID, e.Reason, e.Detail} {
		h.Write([]byte(f))
		h.Write([]byte{0x1f})
	}
	return hex.EncodeToString(h.Sum(nil))
}

func (t *tx) Audit(e intake.AuditEntry) error {
	prev := genesis
	var last sql.NullInt64
	var lastHash sql.NullString
	err := t.queryRow(`SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1`).Scan(&last, &lastHash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return wrap(err)
	}
	if lastHash.Valid {
		prev = lastHash.String
	}
	e.Seq = last.Int64 + 1
	at := formatTime(e.At)
	return t.exec(`INSERT INTO audit (seq, at, officer_id, action, entity, entity_id, reason, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Seq, at, e.OfficerID, e.Action, e.Entity, e.EntityID, e.Reason, e.Detail, prev, entryHash(prev, at, e))
}

// AuditReport is what VerifyAudit found.
type AuditReport struct {
	Entries  int64
	Head     string // hash of the last entry
	Problems []string
}

// VerifyAudit walks the whole audit chain and reports every break.
func (d *DB) VerifyAudit(ctx context.Context) (AuditReport, error) {
	var rep AuditReport
	list, err := collect(scanAudit)(d.db.QueryContext(ctx, `SELECT `+auditCols+` FROM audit ORDER BY seq`))
	if err != nil {
		return rep, err
	}
	prev, want := genesis, int64(1)
	for _, s := range list {
		e, at, prevHash, hash := s.AuditEntry, s.at, s.PrevHash, s.Hash
		switch {
		case e.Seq == want+1:
			rep.Problems = append(rep.Problems, fmt.Sprintf("entry %d is missing", want))
		case e.Seq != want:
			rep.Problems = append(rep.Problems, fmt.Sprintf("entries %d to %d are missing", want, e.Seq-1))
		}
		if prevHash != prev {
			rep.Problems = append(rep.Problems, fmt.Sprintf("entry %d does not follow the entry before it", e.Seq))
		}
		if entryHash(prevHash, at, e) != hash {
			rep.Problems = append(rep.Problems, fmt.Sprintf("entry %d (%s) was changed after it was written", e.Seq, e.Action))
		}
		prev, want = hash, e.Seq+1
		rep.Entries++
	}
	rep.Head = prev
	return rep, nil
}

// AuditAfter lists up to limit entries after seq, in order, with their
// hashes (for sync: the office keeps the kit's chain).
func (t *tx) AuditAfter(seq int64, limit int) ([]intake.AuditEntry, error) {
	list, err := collect(scanAudit)(t.query(`SELECT `+auditCols+` FROM audit WHERE seq > ? ORDER BY seq LIMIT ?`, seq, limit))
	out := make([]intake.AuditEntry, len(list))
	for i, s := range list {
		out[i] = s.AuditEntry
	}
	return out, err
}

const auditCols = `seq, at, officer_id, action, entity, entity_id, reason, detail, prev_hash, hash`

// storedAudit is an audit row with its time as stored, which its hash
// covers.
type storedAudit struct {
	intake.AuditEntry
	at string
}

func scanAudit(row sqlitedb.Scanner) (storedAudit, error) {
	var s storedAudit
	e := &s.AuditEntry
	err := row.Scan(&e.Seq, &s.at, &e.OfficerID, &e.Action, &e.Entity, &e.EntityID, &e.Reason, &e.Detail, &e.PrevHash, &e.Hash)
	e.At = parseTime(s.at)
	return s, err
}
