// Command jemput is the field kit: officers capture applicants offline into
// a local database and print each one a receipt.
package main

import (
	"os"
	"runtime/debug"
	_ "time/tzdata" // TZ=Asia/Makassar works on a machine without zoneinfo
)

// memoryLimit is the kit's soft memory limit (runtime/debug.SetMemoryLimit)
// unless GOMEMLIMIT says otherwise: the collector works harder as the heap
// nears it instead of letting it grow to twice what is live, so that a
// sync or an export of thousands of applications stays within what an old
// field laptop spares (PRODUCT.md: under 64 MiB, with SQLite's own cache
// outside the Go heap). It is soft: what is live is never refused, the
// collector only runs more often.
const memoryLimit = 40 << 20

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	os.Exit(Main())
}
