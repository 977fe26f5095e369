// Command jemput is the field kit: officers capture applicants offline into
// a local database and print each one a receipt.
package main

import "os"

func main() { os.Exit(Main()) }
