package store_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/jemput/jemput/intake"
	"github.com/jemput/jemput/store"
	"github.com/jemput/jemput/vault"
)

func open(t *testing.T) (*store.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kit.db")
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	// A kit unlocked with a fresh secret, as after init.
	secret, err := vault.NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(context.Background(), func(tx intake.Tx) error {
		return tx.CreateKit(intake.Kit{ID: "kit-test", Code: "KTB01", Office: "X", CreatedAt: time.Now()}, secret)
	}); err != nil {
		t.Fatal(err)
	}
	return db, path
}

// Every pooled connection must get the durability settings, not just the
// first one.
func TestPragmasOnEveryConnection(t *testing.T) {
	db, _ := open(t)
	ctx := context.Background()
	var conns []interface{ Close() error }
	for i := 0; i < 3; i++ {
		c, err := db.SQL().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		var mode string
		var sync, fk, busy int
		c.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode)
		c.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync)
		c.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk)
		c.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&busy)
		if mode != "wal" || sync != 2 || fk != 1 || busy < 5000 {
			t.Errorf("connection %d: journal_mode=%s synchronous=%d foreign_keys=%d busy_timeout=%d", i, mode, sync, fk, busy)
		}
	}
	for _, c := range conns {
		c.Close()
	}
}

func TestMigrationsRunOnce(t *testing.T) {
	db, path := open(t)
	db.Close()
	db2, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer db2.Close()
	var n int
	db2.SQL().QueryRow("SELECT count(*) FROM migrations").Scan(&n)
	if n == 0 {
		t.Fatal("no migrations recorded")
	}
}

func officer(id, nip string) intake.Officer {
	return intake.Officer{ID: id, NIP: nip, Name: "X", Role: intake.RoleOfficer, PINHash: "h", CreatedAt: time.Now()}
}

func TestUpdateRollsBackOnError(t *testing.T) {
	db, _ := open(t)
	ctx := context.Background()
	boom := errors.New("boom")
	err := db.Update(ctx, func(tx intake.Tx) error {
		if err := tx.InsertOfficer(officer("a", "198001012005011001")); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	db.View(ctx, func(tx intake.Tx) error {
		if _, err := tx.Officer("a"); !intake.IsCode(err, intake.CodeNotFound) {
			t.Errorf("officer survived a rolled-back transaction: %v", err)
		}
		return nil
	})
}

func TestConstraintErrorsHaveCodes(t *testing.T) {
	db, _ := open(t)
	ctx := context.Background()
	err := db.Update(ctx, func(tx intake.Tx) error {
		if err := tx.InsertOfficer(officer("a", "198001012005011001")); err != nil {
			return err
		}
		return tx.InsertOfficer(officer("b", "198001012005011001"))
	})
	if !intake.IsCode(err, intake.CodeConflict) {
		t.Fatalf("duplicate NIP: %v (code %s), want conflict", err, intake.ErrorCode(err))
	}
}

func TestOneOpenEvent(t *testing.T) {
	db, _ := open(t)
	ctx := context.Background()
	err := db.Update(ctx, func(tx intake.Tx) error {
		if err := tx.InsertOfficer(officer("a", "198001012005011001")); err != nil {
			return err
		}
		ev := intake.Event{ID: "e1", Type: intake.EventULP, Name: "A", Place: "P", Date: "2026-11-27", OpenedBy: "a", OpenedAt: time.Now()}
		if err := tx.InsertEvent(ev); err != nil {
			return err
		}
		ev.ID = "e2"
		return tx.InsertEvent(ev)
	})
	if !intake.IsCode(err, intake.CodeConflict) {
		t.Fatalf("two open events: %v, want conflict", err)
	}
}

func TestAuditChain(t *testing.T) {
	db, _ := open(t)
	ctx := context.Background()
	for i := 0; i < 5; i++ {
		err := db.Update(ctx, func(tx intake.Tx) error {
			return tx.Audit(intake.AuditEntry{At: time.Now(), OfficerID: "a", Action: "test", Entity: "x", EntityID: "1", Detail: `{"i":1}`})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	rep, err := db.VerifyAudit(ctx)
	if err != nil || rep.Entries != 5 || len(rep.Problems) != 0 {
		t.Fatalf("intact chain: %+v, %v", rep, err)
	}
	if _, err := db.SQL().Exec(`UPDATE audit SET detail = '{}' WHERE seq = 2`); err == nil {
		t.Fatal("the audit log accepted an UPDATE")
	}
	if _, err := db.SQL().Exec(`DELETE FROM audit WHERE seq = 5`); err == nil {
		t.Fatal("the audit log accepted a DELETE")
	}
	db.SQL().Exec(`DROP TRIGGER audit_append_only_update`)
	if _, err := db.SQL().Exec(`UPDATE audit SET detail = '{}' WHERE seq = 2`); err != nil {
		t.Fatal(err)
	}
	rep, _ = db.VerifyAudit(ctx)
	if len(rep.Problems) != 1 {
		t.Fatalf("edited entry: %+v", rep.Problems)
	}
}

// Ids typed by hand are matched as text: '%' and '_' are not wildcards.
func TestPrefixIsNotAPattern(t *testing.T) {
	db, _ := open(t)
	ctx := context.Background()
	err := db.Update(ctx, func(tx intake.Tx) error {
		if err := tx.InsertOfficer(officer("a", "198001012005011001")); err != nil {
			return err
		}
		return tx.InsertEvent(intake.Event{ID: "3a0cf884-b247-4f31-96b8-862b57e401f2", Type: intake.EventULP, Name: "A", Place: "P", Date: "2026-11-27", OpenedBy: "a", OpenedAt: time.Now()})
	})
	if err != nil {
		t.Fatal(err)
	}
	db.View(ctx, func(tx intake.Tx) error {
		if _, err := tx.Event("3a0cf884"); err != nil {
			t.Errorf("prefix: %v", err)
		}
		for _, pattern := range []string{"%%%%%%%%", "________", "3a0cf88%"} {
			if _, err := tx.Event(pattern); !intake.IsCode(err, intake.CodeNotFound) {
				t.Errorf("%q found an event: %v", pattern, err)
			}
			if _, err := tx.Application(pattern); !intake.IsCode(err, intake.CodeNotFound) {
				t.Errorf("%q found an application: %v", pattern, err)
			}
		}
		return nil
	})
}

func TestHealth(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "kit.db"))
	if err != nil {
		t.Fatal(err)
	}
	h, err := db.Health(ctx)
	if err != nil || !h.OK() {
		t.Fatalf("a new kit: %+v, %v; want integrity ok, wal, synchronous 2", h, err)
	}
	db.Close()
	if _, err := db.Health(ctx); err == nil {
		t.Fatal("a closed database must say it could not be checked")
	}
}
