package postgres_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"net/http/httptest"
	gosync "sync"
	"testing"
	"time"

	"github.com/jemput/jemput/central"
	"github.com/jemput/jemput/central/centraltest"
	"github.com/jemput/jemput/central/postgres"
	"github.com/jemput/jemput/central/postgres/pgtest"
	"github.com/jemput/jemput/central/server"
	ksync "github.com/jemput/jemput/sync"
)

// BenchmarkSixteenKits is central/server's benchmark of the same name on
// PostgreSQL: 16 kits post batches of 500 applications at once through
// HTTP, to one office (offices=1) or spread over two office processes'
// worth of stores and servers on one database (offices=2).
func BenchmarkSixteenKits(b *testing.B) {
	for _, offices := range []int{1, 2} {
		b.Run(fmt.Sprintf("offices=%d", offices), func(b *testing.B) { sixteenKits(b, offices) })
	}
}

func sixteenKits(b *testing.B, offices int) {
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
	const kits, perBatch = 16, 500
	clients := make([]*ksync.Client, kits)
	for i := range kits {
		code := fmt.Sprintf("K%02d", i+10)
		token, err := first.AddKit(ctx, code, time.Hour)
		if err != nil {
			b.Fatal(err)
		}
		_, key, _ := ed25519.GenerateKey(rand.Reader)
		if _, err := first.Enroll(ctx, centraltest.EnrollRequest(token, code, key)); err != nil {
			b.Fatal(err)
		}
		c, err := ksync.NewClient(urls[i%len(urls)], code, key, "", func() time.Time { return centraltest.T0 })
		if err != nil {
			b.Fatal(err)
		}
		clients[i] = c
	}
	b.ResetTimer()
	for n := range b.N {
		var wg gosync.WaitGroup
		for i, c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				code := fmt.Sprintf("K%02d", i+10)
				recs := make([]ksync.Record, perBatch)
				for r := range recs {
					recs[r] = centraltest.Record(code, fmt.Sprintf("%s-%d-%d", code, n, r), 1, centraltest.NIKKotabaru, "")
				}
				if _, err := c.SendBatch(ctx, ksync.Batch{Records: recs}); err != nil {
					b.Error(err)
				}
			}()
		}
		wg.Wait()
	}
	b.ReportMetric(float64(b.N*kits*perBatch)/b.Elapsed().Seconds(), "apps/s")
	var retries int64
	for _, st := range stores {
		retries += st.Retries()
	}
	b.ReportMetric(float64(retries)/float64(b.N*kits), "retries/batch")
}
