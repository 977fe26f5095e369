package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/jemput/jemput/central"
	"github.com/jemput/jemput/central/postgres"
	"github.com/jemput/jemput/central/postgres/pgtest"
	"github.com/jemput/jemput/central/storetest"
	ksync "github.com/jemput/jemput/sync"
)

func open(t *testing.T) *postgres.DB {
	t.Helper()
	st, err := postgres.Open(context.Background(), pgtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestStore holds the PostgreSQL store to the contract every store keeps,
// each test on a database of its own.
func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) central.Store { return open(t) })
}

// TestOpenAgain: a second Open of the same database (another office
// process, or a restart) finds the schema up to date and the rows kept;
// two opening a new database at once both succeed.
func TestOpenAgain(t *testing.T) {
	dsn := pgtest.DSN(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 2)
	stores := make([]*postgres.DB, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stores[i], errs[i] = postgres.Open(ctx, dsn)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		defer stores[i].Close()
	}
	if err := stores[0].Update(ctx, func(tx central.Tx) error { return tx.AddKit("KTB01", time.Now()) }); err != nil {
		t.Fatal(err)
	}
	again, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if err := again.View(ctx, func(tx central.Tx) error { _, err := tx.Kit("KTB01"); return err }); err != nil {
		t.Errorf("a kit added before the second open: %v", err)
	}
}

// TestTwoStoresOneBatch: the same records received at once through two
// stores (two office processes) on one database end as one record each;
// every Update succeeds, as many times stored as there are records.
func TestTwoStoresOneBatch(t *testing.T) {
	dsn := pgtest.DSN(t)
	ctx := context.Background()
	a, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	const records, tries = 20, 6
	var mu sync.Mutex
	stored := 0
	var wg sync.WaitGroup
	for i := range tries {
		st := []*postgres.DB{a, b}[i%2]
		wg.Add(1)
		go func() {
			defer wg.Done()
			var n int
			// The office's rule, as receiveRecord applies it: look, then add.
			err := st.Update(ctx, func(tx central.Tx) error {
				n = 0
				for r := range records {
					id := "app-" + string(rune('a'+r)) + "/1"
					_, err := tx.RecordHash(id)
					if err == nil {
						continue
					}
					if !errors.Is(err, central.ErrNotFound) {
						return err
					}
					if err := tx.AddRecord(central.StoredRecord{ID: id, AppID: strings.TrimSuffix(id, "/1"), Version: 1, Kit: "KTB01", Number: "N" + id, Hash: "h", Body: []byte("{}"), ReceivedAt: time.Now(), Via: central.ViaOnline}); err != nil {
						return err
					}
					n++
				}
				return nil
			})
			if err != nil {
				t.Errorf("Update: %v", err)
				return
			}
			mu.Lock()
			stored += n
			mu.Unlock()
		}()
	}
	wg.Wait()
	if stored != records {
		t.Errorf("%d records stored by %d concurrent tries, want %d", stored, tries, records)
	}
	var count int
	if err := a.Pool().QueryRow(ctx, `SELECT count(*) FROM records`).Scan(&count); err != nil {
		t.Fatal(err)
	}
	if count != records {
		t.Errorf("%d records in the database, want %d", count, records)
	}
}

// TestStatusSeqOrder: statuses added at once through two stores are
// numbered 1, 2, ... with no gap and no number twice, so that a kit
// reading after its last seq never skips one.
func TestStatusSeqOrder(t *testing.T) {
	dsn := pgtest.DSN(t)
	ctx := context.Background()
	a, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	app := central.Application{AppID: "app-a", Kit: "KTB01", Number: "N1", Version: 1, Form: "passport", FormVersion: 1, KitStatus: "approved", Status: central.StatusReceived}
	if err := a.Update(ctx, func(tx central.Tx) error { return tx.PutApplication(app) }); err != nil {
		t.Fatal(err)
	}
	const n = 16
	var wg sync.WaitGroup
	for i := range n {
		st := []*postgres.DB{a, b}[i%2]
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := st.Update(ctx, func(tx central.Tx) error {
				_, err := tx.AddStatus("KTB01", ksync.Status{AppID: "app-a", Number: "N1", Status: ksync.StatusAccepted, At: time.Now()})
				return err
			})
			if err != nil {
				t.Errorf("AddStatus: %v", err)
			}
		}()
	}
	wg.Wait()
	var list []ksync.Status
	if err := a.View(ctx, func(tx central.Tx) (err error) {
		list, err = tx.Statuses("KTB01", 0, 100)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(list) != n {
		t.Fatalf("%d statuses, want %d", len(list), n)
	}
	for i, s := range list {
		if s.Seq != int64(i+1) {
			t.Errorf("status %d has seq %d, want %d", i, s.Seq, i+1)
		}
	}
}

// TestRedact: a URL's password never reaches a message.
func TestRedact(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"postgres://office:s3cret@db.example:5432/jemput?sslmode=require", "postgres://office:xxxxx@db.example:5432/jemput?sslmode=require"},
		{"postgresql://office@127.0.0.1/jemput?password=s3cret", "postgresql://office@127.0.0.1/jemput?password=xxxxx"},
		{"postgres://office@127.0.0.1/jemput", "postgres://office@127.0.0.1/jemput"},
	} {
		if got := postgres.Redact(c.in); got != c.want {
			t.Errorf("Redact(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	// A server that is not there: the error names the URL without its
	// password.
	_, err := postgres.Open(context.Background(), "postgres://office:s3cret@127.0.0.1:1/jemput?connect_timeout=2")
	if err == nil {
		t.Fatal("Open of a server that is not there succeeded")
	}
	if strings.Contains(err.Error(), "s3cret") || !strings.Contains(err.Error(), "xxxxx") {
		t.Errorf("Open error %q: want the URL with its password hidden", err)
	}
}

// TestRetries: a use case PostgreSQL refuses for a concurrent one runs
// again, a bounded number of times: a serialization failure that never
// clears ends as central.ErrBusy (the kit is told to try again later), a
// unique key that stays taken ends as itself after a few tries; any other
// error is not retried.
func TestRetries(t *testing.T) {
	defer postgres.SetMaxSerializationRetries(5)()
	st := open(t)
	defer st.Close()
	ctx := context.Background()
	for _, c := range []struct {
		code     string
		runs     int
		wantBusy bool
	}{
		{"40001", 6, true},
		{"40P01", 6, true},
		{"23505", 4, false},
		{"23503", 1, false},
	} {
		runs := 0
		refused := &pgconn.PgError{Code: c.code, Message: "refused"}
		err := st.Update(ctx, func(central.Tx) error {
			runs++
			return fmt.Errorf("the use case: %w", refused)
		})
		if runs != c.runs {
			t.Errorf("SQLSTATE %s: fn ran %d times, want %d", c.code, runs, c.runs)
		}
		if errors.Is(err, central.ErrBusy) != c.wantBusy || !errors.Is(err, refused) {
			t.Errorf("SQLSTATE %s: Update returned %v; want ErrBusy %t, wrapping PostgreSQL's error", c.code, err, c.wantBusy)
		}
	}
	// A failure that clears: the second run commits.
	runs := 0
	err := st.Update(ctx, func(tx central.Tx) error {
		runs++
		if runs == 1 {
			return &pgconn.PgError{Code: "40001"}
		}
		return tx.AddKit("KTB01", time.Now())
	})
	if err != nil || runs != 2 {
		t.Errorf("a serialization failure that clears: %v after %d runs", err, runs)
	}
}

// TestNoncePrune: nonces older than pruneBefore are forgotten at once
// (taken anew) and removed from the table by the calls that prune.
func TestNoncePrune(t *testing.T) {
	st := open(t)
	defer st.Close()
	ctx := context.Background()
	t0 := time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)
	seen := func(nonce string, at time.Time) bool {
		t.Helper()
		var s bool
		if err := st.Update(ctx, func(tx central.Tx) (err error) {
			s, err = tx.SeenNonce("KTB01", nonce, at, at.Add(-30*time.Minute))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return s
	}
	for i := range 100 {
		if seen(fmt.Sprintf("old-%d", i), t0) {
			t.Fatalf("old-%d: seen the first time", i)
		}
	}
	// The calls that prune are one nonce in 64, by its FNV-1a hash.
	pruning := ""
	for i := 0; pruning == ""; i++ {
		h := fnv.New32a()
		n := fmt.Sprintf("new-%d", i)
		h.Write([]byte(n))
		if h.Sum32()%64 == 0 {
			pruning = n
		}
	}
	if seen(pruning, t0.Add(40*time.Minute)) {
		t.Error("a new nonce was seen")
	}
	var old int
	if err := st.Pool().QueryRow(ctx, `SELECT count(*) FROM nonces WHERE nonce LIKE 'old-%'`).Scan(&old); err != nil {
		t.Fatal(err)
	}
	if old != 0 {
		t.Errorf("%d old nonces left after a pruning call", old)
	}
}
