package intake

import (
	"bytes"
	"testing"
	"time"

	"github.com/jemput/jemput/internal/fixtures"

	"github.com/jemput/jemput/forms"
)

// FuzzParseRoster feeds arbitrary bytes to the roster parser: it must never
// panic, and every row it accepts must have every required column.
func FuzzParseRoster(f *testing.F) {
	for _, name := range []string{"eazy-kotabaru.csv", "bad-rows.csv"} {
		f.Add(fixtures.Read(f, "roster", name))
	}
	f.Add([]byte("full_name,nik,birth_date,application_type,phone\n\"unterminated,6302011403850003\n"))
	f.Add([]byte("\ufefffull_name,nik,birth_date,application_type,phone\nA,1,2,3\n"))
	ctx := forms.Context{Today: time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)}
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, _, _, err := ParseRoster(bytes.NewReader(data), EventEazyPaspor, ctx)
		if err != nil {
			return
		}
		for _, r := range rows {
			for _, col := range rosterRequired {
				if _, ok := r.Values[col]; !ok {
					t.Fatalf("line %d accepted without %s: %v", r.Line, col, r.Values)
				}
			}
		}
	})
}
