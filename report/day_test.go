package report

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/jemput/jemput/forms"
	"github.com/jemput/jemput/intake"
)

func TestRupiahAndMask(t *testing.T) {
	for n, want := range map[int64]string{0: "Rp0", 950: "Rp950", 950000: "Rp950.000", 1234567: "Rp1.234.567", -5000: "-Rp5.000"} {
		if got := Rupiah(n); got != want {
			t.Errorf("Rupiah(%d) = %s, want %s", n, got, want)
		}
	}
	if got := MaskNIK("6302011403850003"); got != "630201******0003" {
		t.Errorf("MaskNIK = %s", got)
	}
	if got := MaskNIK("123"); got != "" {
		t.Errorf("MaskNIK of a short number = %q, want empty", got)
	}
}

// A reason typed by an officer that starts like a formula stays text in a
// spreadsheet; names keep their letters (UTF-8).
func TestCSVCells(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Makassar")
	at := time.Date(2026, 11, 27, 23, 45, 0, 0, loc)
	r := intake.DayReport{Event: intake.Event{Name: "Eazy Paspor", Date: "2026-11-27"}, Apps: []intake.DayApp{{
		App: intake.Application{Number: "KTB01-261127-0001-5", Status: intake.StatusVoided, FormID: "passport", CreatedAt: at,
			Doc: intake.Document{Values: map[string]any{"full_name": "Renée Situmorang", "nik": "6302011403850003", "validity_years": 10.0},
				Overridden: []forms.Issue{{Field: "nik", Reason: "+62 salah cetak"}}}},
		Officer: intake.Officer{NIP: "199003152015031002", Name: "Andi"},
		Reason:  "=HYPERLINK(\"x\")",
		Sync:    intake.SyncNotYet,
	}}}
	var b bytes.Buffer
	if err := WriteCSV(&b, r); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("%d rows, %v", len(rows), err)
	}
	got := map[string]string{}
	for i, h := range rows[0] {
		got[h] = rows[1][i]
	}
	for k, want := range map[string]string{"name": "Renée Situmorang", "reason": "'=HYPERLINK(\"x\")", "overrides": "nik: +62 salah cetak",
		"date": "2026-11-27", "time": "23:45", "validity_years": "10", "nik_masked": "630201******0003"} {
		if got[k] != want {
			t.Errorf("%s = %q, want %q", k, got[k], want)
		}
	}
	if strings.Contains(b.String(), "6302011403850003") {
		t.Error("the CSV holds the full NIK")
	}
}
