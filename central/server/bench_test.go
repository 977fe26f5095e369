package server

import (
	"context"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/jemput/jemput/central"
	"github.com/jemput/jemput/central/centraltest"
	"github.com/jemput/jemput/central/sqlite"
)

// BenchmarkIngest has 16 or 64 kits post batches of 500 applications at
// once through HTTP to an office on SQLite, as PRODUCT.md section 9 asks
// (4,000 applications/s or more with 16 kits); it reports applications
// per second. One office only: several office processes share a
// PostgreSQL database (central/postgres's BenchmarkIngest), not an SQLite
// file, whose writers take turns on one lock.
func BenchmarkIngest(b *testing.B) {
	for _, kits := range []int{16, 64} {
		for _, offices := range []int{1} {
			b.Run(fmt.Sprintf("kits=%d/offices=%d", kits, offices), func(b *testing.B) {
				ctx := context.Background()
				path := filepath.Join(b.TempDir(), "central.db")
				var first *central.Office
				var urls []string
				keys := &central.MemoryKeys{} // one office, as its processes share one key file
				for range offices {
					st, err := sqlite.Open(ctx, path)
					if err != nil {
						b.Fatal(err)
					}
					b.Cleanup(func() { st.Close() })
					o, err := central.NewOffice(ctx, st, central.WithClock(func() time.Time { return centraltest.T0 }), central.WithKeys(keys))
					if err != nil {
						b.Fatal(err)
					}
					if first == nil {
						first = o
					}
					srv := httptest.NewServer(New(o, nil))
					b.Cleanup(srv.Close)
					urls = append(urls, srv.URL)
				}
				centraltest.Ingest(b, first, urls, kits)
			})
		}
	}
}
