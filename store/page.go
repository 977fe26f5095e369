package store

import (
	"encoding/json"

	"github.com/jemput/jemput/intake"
	"github.com/jemput/jemput/sqlitedb"
)

// ApplicationsPage lists up to limit applications in status st whose key
// comes after the cursor, in the order of their key (created_at, id):
// oldest first, as the one-transaction listing was. Both parts of the key
// are fixed when an application is captured (UpdateApplication changes
// neither), so an application has one place in that order for good: the
// pages of a walk are disjoint ranges of it. With unheld, the applications
// whose current version the office already answered for good (stored,
// duplicate or conflict, as Waiting counts) are left out in SQL, so a page
// is full of what is pending and their documents are not opened for
// nothing. The keys are picked from the narrow applications table first;
// only the page's rows are read with their documents.
func (t *tx) ApplicationsPage(st intake.Status, unheld bool, after intake.AppCursor, limit int) ([]intake.Application, intake.AppCursor, error) {
	if limit <= 0 {
		limit = 1
	}
	cond := ""
	if unheld {
		cond = ` AND NOT EXISTS (SELECT 1 FROM acks k WHERE k.record_id = ` + currentRecord + ` AND k.result IN ('stored', 'duplicate', 'conflict'))`
	}
	type key struct{ at, id string }
	keys, err := collect(func(row sqlitedb.Scanner) (key, error) {
		var k key
		err := row.Scan(&k.at, &k.id)
		return k, err
	})(t.query(`SELECT a.created_at, a.id FROM applications a
		WHERE a.status = ? AND (a.created_at > ? OR (a.created_at = ? AND a.id > ?))`+cond+`
		ORDER BY a.created_at, a.id LIMIT ?`, string(st), after.CreatedAt, after.CreatedAt, after.ID, limit))
	if err != nil || len(keys) == 0 {
		return nil, after, err
	}
	ids := make([]string, len(keys))
	for i, k := range keys {
		ids[i] = k.id
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, after, err
	}
	apps, err := collect(t.scanApp)(t.query(`SELECT `+appCols+appFrom+` WHERE a.id IN (SELECT value FROM json_each(?)) ORDER BY a.created_at, a.id`, string(list)))
	if err != nil {
		return nil, after, err
	}
	last := keys[len(keys)-1]
	return apps, intake.AppCursor{CreatedAt: last.at, ID: last.id}, nil
}
