package server

import (
	"context"
	"fmt"
	gosync "sync"
	"testing"

	"github.com/jemput/jemput/central/centraltest"
	ksync "github.com/jemput/jemput/sync"
)

// BenchmarkSixteenKits has 16 kits post batches of 500 applications at
// once through HTTP, as PRODUCT.md section 9 asks; it reports
// applications per second.
func BenchmarkSixteenKits(b *testing.B) {
	ctx := context.Background()
	f := centraltest.New(b)
	srv := newTestServer(b, f)
	const kits, perBatch = 16, 500
	clients := make([]*ksync.Client, kits)
	for i := range kits {
		code := fmt.Sprintf("K%02d", i+10)
		c, err := ksync.NewClient(srv.URL, code, f.Enroll(b, code), "", f.Clock.Now)
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
					recs[r].Number = fmt.Sprintf("%s-261127-%05d-X", code, n*perBatch+r)
				}
				if _, err := c.SendBatch(ctx, ksync.Batch{Records: recs}); err != nil {
					b.Error(err)
				}
			}()
		}
		wg.Wait()
	}
	b.ReportMetric(float64(b.N*kits*perBatch)/b.Elapsed().Seconds(), "apps/s")
}
