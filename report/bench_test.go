package report

import (
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/jemput/jemput/intake"
)

// BenchmarkDayReport: the PDF of a day of 300 applications, the size of a
// big Eazy Paspor day.
func BenchmarkDayReport(b *testing.B) {
	r := intake.DayReport{Kit: intake.Kit{Code: "KTB01", Office: "Kantor Imigrasi Batulicin"}, Made: time.Date(2026, 11, 27, 17, 0, 0, 0, time.UTC),
		Event: intake.Event{Name: "Eazy Paspor Kotabaru", Place: "Aula Kantor Bupati", Date: "2026-11-27", Type: intake.EventEazyPaspor}}
	for i := range 300 {
		r.Apps = append(r.Apps, intake.DayApp{App: intake.Application{Number: fmt.Sprintf("KTB01-261127-%04d-X", i+1), Status: intake.StatusApproved,
			FormID: "passport", CreatedAt: r.Made, Doc: intake.Document{Values: map[string]any{"full_name": "Muhammad Rizky Pratama",
				"nik": "6302011403850003", "application_type": "new", "passport_kind": "electronic", "validity_years": 10.0}}},
			Officer: intake.Officer{NIP: "199003152015031002", Name: "Andi"}, Sync: intake.SyncWaiting})
	}
	for b.Loop() {
		if err := WriteDayPDF(io.Discard, r, true); err != nil {
			b.Fatal(err)
		}
	}
}
