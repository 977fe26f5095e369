package postgres_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

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
