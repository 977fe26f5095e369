package postgres_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/jemput/jemput/central"
	"github.com/jemput/jemput/central/centraltest"
	"github.com/jemput/jemput/central/postgres"
	"github.com/jemput/jemput/central/postgres/pgtest"
	"github.com/jemput/jemput/central/server"
)

// BenchmarkIngest is central/server's benchmark of the same name on
// PostgreSQL: 16 or 64 kits post batches of 500 applications at once
// through HTTP, to one office (offices=1) or spread over two office
// processes' worth of pools, offices and servers on one database
// (offices=2; in one process, so that the figure is the database's).
// PRODUCT.md's target: 10,000 applications/s with 64 kits and two.
func BenchmarkIngest(b *testing.B) {
	for _, kits := range []int{16, 64} {
		for _, offices := range []int{1, 2} {
			b.Run(fmt.Sprintf("kits=%d/offices=%d", kits, offices), func(b *testing.B) { ingest(b, kits, offices) })
		}
	}
}

func ingest(b *testing.B, kits, offices int) {
	ctx := context.Background()
	dsn := pgtest.DSN(b)
	var urls []string
	var stores []*postgres.DB
	var first *central.Office
	keys := &central.MemoryKeys{} // one office, as its processes share one key file
	for range offices {
		st, err := postgres.Open(ctx, dsn)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { st.Close() })
		stores = append(stores, st)
		o, err := central.NewOffice(ctx, st, central.WithClock(func() time.Time { return centraltest.T0 }), central.WithKeys(keys))
		if err != nil {
			b.Fatal(err)
		}
		if first == nil {
			first = o
		}
		srv := httptest.NewServer(server.New(o, nil))
		b.Cleanup(srv.Close)
		urls = append(urls, srv.URL)
	}
	centraltest.Ingest(b, first, urls, kits)
	var retries int64
	for _, st := range stores {
		retries += st.Retries()
	}
	b.ReportMetric(float64(retries)/float64(b.N*kits), "retries/batch")
}
