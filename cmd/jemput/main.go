// Command jemput is the field kit: officers capture applicants offline into
// a local database and print each one a receipt.
package main

import (
	"os"
	_ "time/tzdata" // TZ=Asia/Makassar works on a machine without zoneinfo
)

func main() { os.Exit(Main()) }
