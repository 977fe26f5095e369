package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/jemput/jemput/internal/fixtures"
	"github.com/jemput/jemput/report"
)

// listed is what app list --json says of an application, as far as the
// day report repeats it.
type listed struct {
	Number     string         `json:"number"`
	Status     string         `json:"status"`
	Form       string         `json:"form"`
	Values     map[string]any `json:"values"`
	Fee        int64          `json:"fee"`
	Missing    []string       `json:"missing"`
	Reason     string         `json:"status_reason"`
	CreatedAt  string         `json:"created_at"`
	Warnings   []struct{ Field, Code string }
	Overridden []struct{ Field, Code, Reason string }
}

// The day report's CSV and its printed text say what app list --json says,
// on the fixture applicants: every saved one, a void, a return and an
// override, each with its reason.
func TestDayReportAgreesWithList(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext is not installed (scripts/tools installs it)")
		}
		t.Skip("pdftotext not installed")
	}
	k := newTestKit(t, "eazy-paspor")
	dir := filepath.Join(fixtures.Dir(t), "applicants")
	num := map[string]string{}
	for _, f := range []string{"adult-new.json", "adult-female-renewal.json", "minor-new.json", "mononym.json", "long-name.json",
		"incomplete-missing-kk.json", "odd-address-markup.json", "warn-unknown-province.json", "stay-permit-itas.json"} {
		num[f] = strings.TrimSpace(k.must("intake", "--data", filepath.Join(dir, f)))
	}
	num["override"] = strings.TrimSpace(k.must("intake", "--data", filepath.Join(dir, "bad-nik-date-mismatch.json"),
		"--override", "nik=akta kelahiran benar, NIK salah cetak"))
	k.must("app", "void", num["mononym.json"], "--reason", "pemohon batal berangkat")
	k.must("review", "return", num["long-name.json"], "--reason", "foto buram, ulangi")
	k.must("review", "approve", num["adult-new.json"])
	k.must("event", "turned-away", "7", "--reason", "quota")
	k.must("event", "turned-away", "2", "--reason", "documents", "--note", "tanpa KK")

	out := t.TempDir()
	if d := os.Getenv("JEMPUT_REPORT_KEEP"); d != "" {
		out = d
	}
	pdfPath, csvPath := filepath.Join(out, "hari1.pdf"), filepath.Join(out, "hari1.csv")
	k.must("report", "day", "--out", pdfPath, "--csv", csvPath)
	var apps []listed
	if err := json.Unmarshal([]byte(k.must("app", "list", "--json")), &apps); err != nil {
		t.Fatal(err)
	}
	if len(apps) != 10 {
		t.Fatalf("app list has %d applications, want 10", len(apps))
	}

	f, err := os.Open(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("the CSV does not read as CSV: %v", err)
	}
	if strings.Join(rows[0], ",") != strings.Join(report.CSVHeader, ",") {
		t.Fatalf("CSV header %v", rows[0])
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	byNumber := map[string][]string{}
	for _, r := range rows[1:] {
		if len(r) != len(report.CSVHeader) {
			t.Fatalf("CSV line with %d cells: %v", len(r), r)
		}
		byNumber[r[col["number"]]] = r
	}
	if len(byNumber) != len(apps) {
		t.Errorf("CSV has %d applications, app list %d", len(byNumber), len(apps))
	}
	date := regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	text := pdfText(t, pdfPath)
	flat := strings.Join(strings.Fields(text), " ")
	var fees int64
	for _, a := range apps {
		r, ok := byNumber[a.Number]
		if !ok {
			t.Errorf("%s (%s) is not in the CSV", a.Number, a.Status)
			continue
		}
		get := func(c string) string { return r[col[c]] }
		name, _ := a.Values["full_name"].(string)
		nik, _ := a.Values["nik"].(string)
		if a.Form == "stay-permit" {
			name, nik = get("name"), ""
		}
		for c, want := range map[string]string{
			"status": a.Status, "form": a.Form, "name": name, "nik_masked": report.MaskNIK(nik),
			"fee": strconv.FormatInt(a.Fee, 10), "missing": strings.Join(a.Missing, "; "), "reason": a.Reason,
			"date": a.CreatedAt[:10], "application_type": str(a.Values["application_type"]),
		} {
			if got := get(c); got != want {
				t.Errorf("%s: CSV %s = %q, app list says %q", a.Number, c, got, want)
			}
		}
		if !date.MatchString(get("date")) {
			t.Errorf("%s: date %q is not YYYY-MM-DD", a.Number, get("date"))
		}
		var warns, overs []string
		for _, w := range a.Warnings {
			warns = append(warns, w.Field+": "+w.Code)
		}
		for _, o := range a.Overridden {
			overs = append(overs, o.Field+": "+o.Reason)
			if !strings.Contains(flat, o.Reason) {
				t.Errorf("%s: the PDF does not give the override's reason %q", a.Number, o.Reason)
			}
		}
		if got := get("warnings"); got != strings.Join(warns, "; ") {
			t.Errorf("%s: CSV warnings %q, app list %q", a.Number, got, warns)
		}
		if got := get("overrides"); got != strings.Join(overs, "; ") {
			t.Errorf("%s: CSV overrides %q, app list %q", a.Number, got, overs)
		}
		// The printed list: the number, the name, the masked NIK and the
		// status of each; the reason of a void or a return.
		for _, want := range []string{a.Number, name, report.MaskNIK(nik), a.Status, a.Reason} {
			if want != "" && !strings.Contains(flat, want) {
				t.Errorf("%s: the PDF does not say %q", a.Number, want)
			}
		}
		if a.Status != "voided" {
			fees += a.Fee
		}
	}
	for want, why := range map[string]string{
		"Estimated fees":         "the fee total",
		report.Rupiah(fees):      "the fee total's amount",
		"Turned away 9":          "the people turned away",
		"tanpa KK":               "the turned-away note",
		"Rahmah":                 "the supervisor's name in the signature block",
		"198001012005011001":     "the supervisor's NIP",
		"Tanda tangan Signature": "a signature line",
		"LAPORAN HARIAN":         "the Indonesian title",
		"Day report":             "the English title",
		"waiting to be sent 1":   "what waits to be sent",
		"Drafts not finished 0":  "the drafts",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("the PDF lacks %s (%q)", why, want)
		}
	}
	for _, st := range []string{"approved 1", "voided 1", "returned 1", "incomplete 1", "captured 6"} {
		if !regexp.MustCompile(regexp.QuoteMeta(st)).MatchString(flat) {
			t.Errorf("the PDF's count by status lacks %q", st)
		}
	}
}

func str(v any) string {
	if v == nil {
		return ""
	}
	s, _ := v.(string)
	return s
}

func pdfText(t *testing.T, path string) string {
	t.Helper()
	out, err := exec.Command("pdftotext", "-raw", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return string(out)
}
