package centraltest

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	mrand "math/rand/v2"
	gosync "sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jemput/jemput/central"
	ksync "github.com/jemput/jemput/sync"
)

// IngestBatch is how many records each kit posts per round of Ingest.
const IngestBatch = 500

// Ingest is the office's ingest benchmark (PRODUCT.md section 9): kits
// kits, enrolled through first, each post one batch of IngestBatch new
// records at once per op, through HTTP to the offices at urls (kit i to
// urls[i % len(urls)]). It reports applications per second. The store
// behind the offices is the caller's: central/server runs it on SQLite,
// central/postgres on PostgreSQL.
func Ingest(b *testing.B, first *central.Office, urls []string, kits int) {
	b.Helper()
	ctx := context.Background()
	clients := make([]*ksync.Client, kits)
	for i := range kits {
		code := fmt.Sprintf("K%03d", i+100)
		token, err := first.AddKit(ctx, code, time.Hour)
		if err != nil {
			b.Fatal(err)
		}
		_, key, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := first.Enroll(ctx, EnrollRequest(token, code, key)); err != nil {
			b.Fatal(err)
		}
		// The kits keep the office's time: T0 in one process, the clock
		// with office processes, which check it.
		c, err := ksync.NewClient(urls[i%len(urls)], code, key, "", first.Now)
		if err != nil {
			b.Fatal(err)
		}
		clients[i] = c
	}
	var refused atomic.Int64
	b.ResetTimer()
	for n := range b.N {
		// The records are made before the clock runs: what is measured is
		// the office taking them.
		b.StopTimer()
		batches := make([][]ksync.Record, kits)
		for i := range kits {
			code := fmt.Sprintf("K%03d", i+100)
			recs := make([]ksync.Record, IngestBatch)
			for r := range recs {
				recs[r] = Record(code, fmt.Sprintf("%s-%d-%d", code, n, r), 1, NIKKotabaru, "")
				recs[r].Number = fmt.Sprintf("%s-261127-%05d-X", code, n*IngestBatch+r)
			}
			batches[i] = recs
		}
		b.StartTimer()
		var wg gosync.WaitGroup
		for i, c := range clients {
			wg.Go(func() {
				// The office may answer "too many requests" (its request
				// memory is bounded): a kit's sync.Run waits and sends
				// again, and so does this, counting it.
				var acks []ksync.Ack
				var err error
				for try := 0; ; try++ {
					acks, err = c.SendBatch(ctx, ksync.Batch{Records: batches[i]})
					if ksync.ErrorCode(err) != ksync.CodeTooMany || try == 50 {
						break
					}
					refused.Add(1)
					time.Sleep(time.Duration(50+mrand.IntN(100)) * time.Millisecond)
				}
				if err != nil {
					b.Error(err)
					return
				}
				if len(acks) != IngestBatch {
					b.Errorf("kit %d: %d acks for %d records", i, len(acks), IngestBatch)
				}
			})
		}
		wg.Wait()
	}
	b.ReportMetric(float64(b.N*kits*IngestBatch)/b.Elapsed().Seconds(), "apps/s")
	b.ReportMetric(float64(refused.Load())/float64(b.N*kits), "too-many/batch")
	b.ReportMetric(float64(kits), "kits")
	b.ReportMetric(float64(len(urls)), "offices")
}
