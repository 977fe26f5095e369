package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jemput/jemput/intake"
	"github.com/jemput/jemput/sqlitedb"
	"github.com/jemput/jemput/vault"
)

// The audit log is append-only (triggers refuse UPDATE and DELETE) and each
// entry's hash covers the previous entry's hash and its own fields, so that
// editing or removing an entry in the middle breaks the chain from there on.
// The sequence numbers have no gaps, so removing any entry but the last is
// seen too; the last entries are anchored when they reach the central office.
//
// The chain is also keyed: each entry written while the kit is unlocked
// carries a MAC of its hash under the kit's key, so that an editor who
// recomputes the hashes (after dropping the triggers) is caught at the
// first entry whose MAC no longer matches. Only the entries written before
// anyone unlocked the kit (failed logins) have none; the next keyed entry
// covers them through its hash.

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
	hash, mac := entryHash(prev, at, e), ""
	if k, err := t.keys(); err == nil {
		mac = entryMAC(k, hash)
	} else if !Unkeyed[e.Action] {
		return err
	}
	return t.exec(`INSERT INTO audit (seq, at, officer_id, action, entity, entity_id, reason, detail, prev_hash, hash, mac) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Seq, at, e.OfficerID, e.Action, e.Entity, e.EntityID, e.Reason, e.Detail, prev, hash, mac)
}

// Unkeyed are the only actions written before the kit is unlocked: a
// login that did not open a key slot.
var Unkeyed = map[string]bool{"login.failed": true, "login.unknown": true, "login.locked": true, "login.no_slot": true}

func entryMAC(k *vault.Keys, hash string) string { return k.MAC("audit", hash) }

// AuditReport is what VerifyAudit found.
type AuditReport struct {
	Entries  int64
	Head     string // hash of the last entry
	Keyed    bool   // the MACs were checked (the kit was unlocked)
	Last     time.Time
	Problems []string
}

// VerifyAudit walks the whole audit chain and reports every break.
func (d *DB) VerifyAudit(ctx context.Context) (AuditReport, error) {
	var rep AuditReport
	list, err := collect(scanAudit)(d.db.QueryContext(ctx, `SELECT `+auditCols+` FROM audit ORDER BY seq`))
	if err != nil {
		return rep, err
	}
	d.mu.Lock()
	var k *vault.Keys
	if d.sess != nil {
		k = d.sess.keys
	}
	d.mu.Unlock()
	rep.Keyed = k != nil
	macFails := 0
	prev, want := genesis, int64(1)
	for _, s := range list {
		e, at, prevHash, hash := s.AuditEntry, s.at, s.PrevHash, s.Hash
		if k != nil {
			switch {
			case s.mac == "" && !Unkeyed[e.Action]:
				rep.Problems = append(rep.Problems, fmt.Sprintf("entry %d (%s) has no key mark: it was inserted or rewritten outside jemput", e.Seq, e.Action))
			case s.mac != "" && !vault.Equal(s.mac, entryMAC(k, hash)):
				// Every entry after a changed one fails too: name the
				// first, count the rest.
				if macFails++; macFails == 1 {
					rep.Problems = append(rep.Problems, fmt.Sprintf("entry %d (%s) does not carry the kit's key mark: it (or an unkeyed entry just before it) was changed, removed or inserted outside jemput", e.Seq, e.Action))
				}
			}
		}
		if e.At.After(rep.Last) {
			rep.Last = e.At
		}
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
	if macFails > 1 {
		rep.Problems = append(rep.Problems, fmt.Sprintf("%d later entries fail the key mark with it", macFails-1))
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

const auditCols = `seq, at, officer_id, action, entity, entity_id, reason, detail, prev_hash, hash, mac`

// storedAudit is an audit row with its time as stored, which its hash
// covers.
type storedAudit struct {
	intake.AuditEntry
	at  string
	mac string
}

func scanAudit(row sqlitedb.Scanner) (storedAudit, error) {
	var s storedAudit
	e := &s.AuditEntry
	err := row.Scan(&e.Seq, &s.at, &e.OfficerID, &e.Action, &e.Entity, &e.EntityID, &e.Reason, &e.Detail, &e.PrevHash, &e.Hash, &s.mac)
	e.At = parseTime(s.at)
	return s, err
}
