package postgres_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/jemput/jemput/central"
	"github.com/jemput/jemput/central/centraltest"
	"github.com/jemput/jemput/central/postgres"
	"github.com/jemput/jemput/central/postgres/pgtest"
)

// BenchmarkIngest is central/server's benchmark of the same name on
// PostgreSQL: 16 or 64 kits post batches of 500 applications at once
// through HTTP to one or two `jemput-central serve` processes (built
// binaries, as e2e/twooffices_test.go runs them) on one database, the kits
// spread over them. PRODUCT.md's target: 10,000 applications/s with 64
// kits and two processes. The benchmark's own process only makes the
// office and its kits, then plays the kits.
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
	// The office's key file, the same for every process, as a deployment
	// copies it to each.
	keys := central.KeyFile{Path: filepath.Join(b.TempDir(), "office.keys")}
	st, err := postgres.Open(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	first, err := central.NewOffice(ctx, st, central.WithKeys(keys))
	if err != nil {
		b.Fatal(err)
	}
	urls := centraltest.OfficeProcesses(b, dsn, keys.Path, offices)
	centraltest.Ingest(b, first, urls, kits)
}
