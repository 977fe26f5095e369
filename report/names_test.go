package report

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jemput/jemput/intake"
)

// TestDayReportForeignNames: the day report prints names in any Latin
// script exactly, as the receipts do (package pdf embeds the font).
func TestDayReportForeignNames(t *testing.T) {
	pdftotext, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext is not installed (poppler-utils)")
		}
		t.Skip("pdftotext is not installed")
	}
	names := []string{"Łukasz Wałęsa", "Nguyễn Văn Đức", "Şükrü Güneş", "Muhammad Rizky Pratama"}
	made := time.Date(2026, 11, 27, 17, 0, 0, 0, time.UTC)
	r := intake.DayReport{Kit: intake.Kit{Code: "KTB01", Office: "Kantor Imigrasi Batulicin"}, Made: made,
		Event: intake.Event{Name: "Eazy Paspor Kotabaru", Place: "Aula Kantor Bupati", Date: "2026-11-27", Type: intake.EventEazyPaspor}}
	for i, n := range names {
		r.Apps = append(r.Apps, intake.DayApp{App: intake.Application{Number: fmt.Sprintf("KTB01-261127-%04d-X", i+1),
			Status: intake.StatusCaptured, FormID: "passport", CreatedAt: made,
			Doc: intake.Document{Values: map[string]any{"full_name": n, "nik": "6302011403850003", "application_type": "new",
				"passport_kind": "electronic", "validity_years": 10.0}}},
			Officer: intake.Officer{NIP: "199003152015031002", Name: "Andi"}, Sync: intake.SyncWaiting})
	}
	var b bytes.Buffer
	if err := WriteDayPDF(&b, r, true); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "day.pdf")
	if err := os.WriteFile(p, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(pdftotext, "-layout", p, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	// A long name wraps in its column: its words, whole and in order.
	words := strings.Fields(string(out))
	for _, n := range names {
		i := 0
		for _, w := range strings.Fields(n) {
			for i < len(words) && words[i] != w {
				i++
			}
			if i == len(words) {
				t.Errorf("the day report does not print %q (%q):\n%s", n, w, out)
				break
			}
		}
	}
}
