// Command jemput-central is the central office endpoint: it enrolls kits,
// receives their batches over HTTP or on a USB stick, and sends statuses
// back.
package main

import (
	"os"
	_ "time/tzdata" // TZ=Asia/Makassar works on a machine without zoneinfo
)

func main() { os.Exit(Main()) }
