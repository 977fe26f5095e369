package receipt

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jemput/jemput/forms"
	"github.com/jemput/jemput/intake"
	"github.com/jemput/jemput/internal/fixtures"
)

// fixtureIssue is the receipt of an applicant file as the kit issues it:
// checked against its form at an event of the given type, stored and read
// back (a JSON round trip, as the store does).
func fixtureIssue(t *testing.T, file string, ev intake.EventType) intake.ReceiptIssue {
	t.Helper()
	return fixtureIssueBytes(t, file, fixtures.Read(t, "applicants", file), ev)
}

func fixtureIssueBytes(t *testing.T, file string, applicant []byte, ev intake.EventType) intake.ReceiptIssue {
	t.Helper()
	var data map[string]any
	if err := json.Unmarshal(applicant, &data); err != nil {
		t.Fatal(err)
	}
	formID, _ := data["form"].(string)
	f, err := forms.Get(formID)
	if err != nil {
		t.Fatal(err)
	}
	issued := time.Date(2026, 11, 27, 10, 15, 0, 0, wita)
	res := f.Check(data, forms.Context{Today: issued, EventType: string(ev)})
	if len(res.Errors) > 0 {
		t.Fatalf("%s: %v", file, res.Errors)
	}
	doc := intake.DocumentOf(res, res.Warnings)
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	doc = intake.Document{}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	status := intake.StatusCaptured
	if len(doc.Missing) > 0 {
		status = intake.StatusIncomplete
	}
	return intake.ReceiptIssue{
		Detail: intake.Detail{
			App: intake.Application{Number: "KTB01-261127-0001-5", FormID: f.ID, FormVersion: f.Version, Version: 1,
				Status: status, UpdatedAt: issued, Doc: doc},
			Event:   intake.Event{Type: ev, Name: "Pelayanan Kotabaru", Place: "Aula Kantor Bupati Kotabaru"},
			Officer: intake.Officer{Name: "Siti Aminah", NIP: "198703142010122001"},
		},
		Kit: intake.Kit{Code: "KTB01", Office: "Kantor Imigrasi Kelas II TPI Batulicin"},
	}
}

// TestForApplicationFixtures keeps what the receipts of the fixture
// applicants say, word for word, in testdata/application/*.json: the form
// definition decides the title, the next steps and the details, and a
// change to any of them shows here as a diff to review.
func TestForApplicationFixtures(t *testing.T) {
	for _, c := range []struct {
		file string
		ev   intake.EventType
	}{
		{"adult-new.json", intake.EventEazyPaspor},
		{"adult-new.json", intake.EventULP},
		{"adult-female-renewal.json", intake.EventBerkala},
		{"minor-new.json", intake.EventEazyPaspor},
		{"mononym.json", intake.EventEazyPaspor},
		{"long-name.json", intake.EventEazyPaspor},
		{"incomplete-missing-kk.json", intake.EventEazyPaspor},
		{"lost-passport.json", intake.EventULP},
		{"stay-permit-itas.json", intake.EventEazyPaspor},
	} {
		name := strings.TrimSuffix(c.file, ".json") + "-" + string(c.ev)
		t.Run(name, func(t *testing.T) {
			d, err := ForApplication(fixtureIssue(t, c.file, c.ev), nil, testKey())
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range []Format{A4, Roll80} {
				writeTemp(t, name+"-"+string(f)+".pdf", render(t, d, f, Options{}))
			}
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false) // MRZ names are full of '<'
			enc.SetIndent("", "  ")
			if err := enc.Encode(d); err != nil {
				t.Fatal(err)
			}
			got := buf.Bytes()
			golden := filepath.Join("testdata", "application", name+".json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -run TestForApplicationFixtures -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("the receipt of %s says something else than %s:\n%s", c.file, golden, got)
			}
		})
	}
}
