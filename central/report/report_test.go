package report_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/jemput/jemput/central"
	"github.com/jemput/jemput/central/centraltest"
	"github.com/jemput/jemput/central/report"
	"github.com/jemput/jemput/forms"
	ksync "github.com/jemput/jemput/sync"
)

// generated is a data set made for the study, with what the study must
// count in it, worked out as it was made.
type generated struct {
	apps       int
	turned     int
	byDistrict map[string]int
	byMonth    map[string][2]int // applications, turned away
	byPurpose  map[string]int
	byEvent    map[string][3]int // kit/event → applications, turned away, capacity
	turnedBy   map[string]int
}

var purposes = []string{"umrah", "hajj", "work", "study", "tourism", "family", "other", ""}

// generate sends two kits' worth of a year of visits to the office: 24
// events, 2,000 applications or more across the districts of Kalimantan
// Selatan (and foreigners' stay permits, which name no district), every
// purpose, and people turned away for each reason.
func generate(t *testing.T, o *centraltest.Office) generated {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(10, 2026))
	var districts []string
	for code := 1; code <= 99; code++ {
		for _, reg := range []string{"63.02", "63.10", "63.01", "63.71"} {
			c := fmt.Sprintf("%s.%02d", reg, code)
			if _, ok := forms.DefaultTables().District(c); ok {
				districts = append(districts, c)
			}
		}
	}
	if len(districts) < 30 {
		t.Fatalf("only %d districts found in the tables", len(districts))
	}
	g := generated{byDistrict: map[string]int{}, byMonth: map[string][2]int{}, byPurpose: map[string]int{}, byEvent: map[string][3]int{}, turnedBy: map[string]int{}}
	places := []string{"Aula Kantor Bupati Kotabaru", "Kantor Camat Pulau Sembilan", "Balai Desa Sungai Durian", "Masjid Agung Batulicin"}
	types := []string{"eazy-paspor", "berkala", "pos-terpadu"}
	seq := map[string]int64{}
	n := 0
	for ev := 0; ev < 24; ev++ {
		kit := []string{"KTB01", "KTB02"}[ev%2]
		month := ev/2 + 1
		date := fmt.Sprintf("2026-%02d-%02d", month, 3+rng.IntN(24))
		e := ksync.Event{ID: fmt.Sprintf("ev-%02d", ev), Type: types[ev%3], Name: fmt.Sprintf("Layanan %02d", ev), Place: places[ev%4], Date: date}
		capacity := []int{0, 60, 80, 100}[ev%4]
		key := kit + "/" + e.ID
		var audit []ksync.AuditEntry
		add := func(action, reason string, detail any) {
			seq[kit]++
			d, _ := json.Marshal(detail)
			audit = append(audit, ksync.AuditEntry{Seq: seq[kit], At: centraltest.T0, Officer: "o1", Action: action, Entity: "event", EntityID: e.ID,
				Reason: reason, Detail: string(d), PrevHash: prevHash(seq[kit]), Hash: fmt.Sprintf("h%d", seq[kit])})
		}
		add("event.open", "", map[string]string{"type": e.Type, "name": e.Name, "place": e.Place, "date": e.Date, "capacity": strconv.Itoa(capacity)})
		apps := 70 + rng.IntN(40)
		if ev == 5 {
			apps = 12 // an Eazy Paspor service below a group
		}
		var recs []ksync.Record
		for i := 0; i < apps; i++ {
			n++
			values := map[string]any{"full_name": "PEMOHON " + strconv.Itoa(n)}
			form := "passport"
			if i%37 == 36 {
				form = "stay-permit" // no NIK: no district
				g.byDistrict[""]++
			} else {
				d := districts[rng.IntN(len(districts))]
				values["nik"] = strings.ReplaceAll(d, ".", "") + "140385" + fmt.Sprintf("%04d", 1+i)
				g.byDistrict[d]++
			}
			p := purposes[rng.IntN(len(purposes))]
			if p != "" && form == "passport" {
				values["travel_purpose"] = p
			} else {
				p = ""
			}
			g.byPurpose[p]++
			doc, _ := json.Marshal(map[string]any{"values": values})
			recs = append(recs, ksync.Record{AppID: fmt.Sprintf("app-%05d", n), Version: 1, Number: fmt.Sprintf("%s-261127-%05d-X", kit, n), Kit: kit,
				Form: form, FormVersion: 1, Status: "approved", Event: e, Officer: ksync.Officer{NIP: "198001012005011001", Name: "Budi"},
				CreatedAt: centraltest.T0, Doc: doc})
		}
		turned := 0
		for r := 0; r < rng.IntN(4); r++ {
			c, reason := 1+rng.IntN(15), []string{"quota", "documents", "other"}[rng.IntN(3)]
			add("event.turned_away", "", map[string]any{"count": c, "reason": reason})
			turned += c
			g.turnedBy[reason] += c
		}
		// A second version of one application counts once.
		recs = append(recs, recs[0])
		recs[len(recs)-1].Version = 2
		if _, err := o.Office.ReceiveBatch(ctx, kit, ksync.Batch{BatchID: e.ID, Kit: kit, Records: recs, Audit: audit}); err != nil {
			t.Fatal(err)
		}
		// Sent again (a resend after a cut): nothing changes.
		if _, err := o.Office.ReceiveBatch(ctx, kit, ksync.Batch{BatchID: e.ID, Kit: kit, Records: recs, Audit: audit}); err != nil {
			t.Fatal(err)
		}
		g.apps += apps
		g.turned += turned
		m := g.byMonth[date[:7]]
		g.byMonth[date[:7]] = [2]int{m[0] + apps, m[1] + turned}
		g.byEvent[key] = [3]int{apps, turned, capacity}
	}
	t.Logf("generated %d applications, %d people turned away, %d districts", g.apps, g.turned, len(g.byDistrict))
	if g.apps < 2000 {
		t.Fatalf("generated %d applications, want 2,000 or more", g.apps)
	}
	return g
}

func TestDemandStudy(t *testing.T) {
	o := centraltest.New(t)
	o.Enroll(t, "KTB01")
	o.Enroll(t, "KTB02")
	g := generate(t, o)
	st, err := o.Office.DemandStudy(context.Background(), central.DemandQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Applications != g.apps || st.TurnedAway != g.turned {
		t.Errorf("study: %d applications, %d turned away; want %d, %d", st.Applications, st.TurnedAway, g.apps, g.turned)
	}
	for r, n := range g.turnedBy {
		if st.TurnedBy[r] != n {
			t.Errorf("turned away for %s: %d, want %d", r, st.TurnedBy[r], n)
		}
	}
	got := map[string]int{}
	for _, d := range st.Districts {
		got[d.Code] = d.Applications
		if d.Code == "" {
			continue
		}
		want, _ := forms.DefaultTables().District(d.Code)
		if d.District == "" || d.District != want || d.Regency == "" {
			t.Errorf("district %s named %q, %q; the table says %q", d.Code, d.District, d.Regency, want)
		}
	}
	sameCounts(t, "by district", got, g.byDistrict)
	got = map[string]int{}
	for _, p := range st.Purposes {
		got[p.Purpose] = p.Applications
	}
	sameCounts(t, "by purpose", got, g.byPurpose)
	if len(st.Months) != len(g.byMonth) {
		t.Errorf("%d months, want %d", len(st.Months), len(g.byMonth))
	}
	for _, m := range st.Months {
		if w := g.byMonth[m.Month]; m.Applications != w[0] || m.TurnedAway != w[1] {
			t.Errorf("month %s: %d, %d; want %d, %d", m.Month, m.Applications, m.TurnedAway, w[0], w[1])
		}
	}
	if len(st.Events) != len(g.byEvent) {
		t.Errorf("%d events, want %d", len(st.Events), len(g.byEvent))
	}
	for _, e := range st.Events {
		w := g.byEvent[e.Kit+"/"+e.EventID]
		if e.Applications != w[0] || e.TurnedAway != w[1] || e.Capacity != w[2] || e.Name == "" || e.Place == "" || e.Date == "" {
			t.Errorf("event %s/%s %q: %d, %d, capacity %d; want %d, %d, %d", e.Kit, e.EventID, e.Name, e.Applications, e.TurnedAway, e.Capacity, w[0], w[1], w[2])
		}
		if want := e.Type == "eazy-paspor" && e.Applications < central.EazyPasporGroup; e.BelowGroup != want {
			t.Errorf("event %s: below group %v", e.EventID, e.BelowGroup)
		}
	}
	// A period: only the events dated in it.
	half, err := o.Office.DemandStudy(context.Background(), central.DemandQuery{From: "2026-01-01", To: "2026-06-30"})
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for m, c := range g.byMonth {
		if m <= "2026-06" {
			want += c[0]
		}
	}
	if half.Applications != want || len(half.Months) != 6 {
		t.Errorf("January to June: %d applications in %d months, want %d in 6", half.Applications, len(half.Months), want)
	}

	// The CSV of each view says the same.
	for _, by := range central.DemandViews {
		var b bytes.Buffer
		if err := report.WriteCSV(&b, st, by); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(&b).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", by, err)
		}
		total := 0
		col := map[string]int{}
		for i, h := range rows[0] {
			col[h] = i
		}
		for _, r := range rows[1:] {
			n, _ := strconv.Atoi(r[col["applications"]])
			total += n
		}
		if total != g.apps {
			t.Errorf("CSV by %s adds up to %d applications, want %d", by, total, g.apps)
		}
	}

	// The PDF: one page per view, each with its title and its chart.
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftoppm is not installed (scripts/tools installs it)")
		}
		t.Skip("pdftoppm not installed")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "kajian.pdf")
	var b bytes.Buffer
	if err := report.WritePDF(&b, st, "Kantor Imigrasi Batulicin", centraltest.T0, true); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	pages := renderPages(t, path, dir)
	if len(pages) != len(report.Titles) {
		t.Fatalf("the study has %d pages, want %d (one per view and the ULP page)", len(pages), len(report.Titles))
	}
	for i, title := range report.Titles {
		text := pageText(t, path, i+1)
		if !strings.Contains(text, strings.ToUpper(title.ID)) || !strings.Contains(text, title.EN) {
			t.Errorf("page %d lacks its title %q:\n%s", i+1, title.EN, text)
		}
		if i == 2 {
			// A dot per month for each of the two lines.
			if d := dots(pages[i]); d != len(g.byMonth)*2 {
				t.Errorf("page %d (by month): %d dots of the line chart seen, want %d", i+1, d, len(g.byMonth)*2)
			}
			continue
		}
		want := []int{min(len(st.Districts), 25), len(st.Events), -1, len(st.Purposes), 3}[i]
		if bars := barRows(pages[i]); bars != want {
			t.Errorf("page %d (%s): %d bars seen in the rendered page, want %d", i+1, title.EN, bars, want)
		}
	}
	// The district page names districts, not codes.
	first := pageText(t, path, 1)
	top := st.Districts[0]
	if !strings.Contains(first, top.District+", "+top.Regency) {
		t.Errorf("the district page does not name %s (%s, %s)", top.Code, top.District, top.Regency)
	}
	ulp := pageText(t, path, 5)
	if !strings.Contains(ulp, "120–160") && !strings.Contains(ulp, "120-160") {
		t.Errorf("the ULP page does not state its assumption:\n%s", ulp)
	}
}

func sameCounts(t *testing.T, what string, got, want map[string]int) {
	t.Helper()
	var keys []string
	for k := range want {
		keys = append(keys, k)
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		if got[k] != want[k] {
			t.Errorf("%s %q: %d, want %d", what, k, got[k], want[k])
		}
	}
}

// page is a rendered page in grey levels.
type page struct {
	w, h int
	pix  []byte
}

func (p page) at(x, y int) byte { return p.pix[y*p.w+x] }

func renderPages(t *testing.T, pdfPath, dir string) []page {
	t.Helper()
	if out, err := exec.Command("pdftoppm", "-r", "150", "-gray", pdfPath, filepath.Join(dir, "p")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "p-*.pgm"))
	sort.Strings(files)
	var pages []page
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var w, h, maxv int
		var off int
		if _, err := fmt.Sscanf(string(b), "P5\n%d %d\n%d\n", &w, &h, &maxv); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		// The header is three lines.
		for lines := 0; lines < 3; off++ {
			if b[off] == '\n' {
				lines++
			}
		}
		pages = append(pages, page{w: w, h: h, pix: b[off:]})
	}
	return pages
}

// barRows counts the bars of a bar chart: runs of 20 or more pixels of the
// bars' mid grey, at least 3 pixels high, that text and rules never make.
func barRows(p page) int {
	bars, inBar := 0, 0
	for y := 0; y < p.h; y++ {
		run, best := 0, 0
		for x := 0; x < p.w; x++ {
			if v := p.at(x, y); v >= 80 && v <= 130 {
				run++
				best = max(best, run)
			} else {
				run = 0
			}
		}
		if best >= 20 {
			inBar++
			continue
		}
		if inBar >= 3 {
			bars++
		}
		inBar = 0
	}
	return bars
}

// dots counts the square dots of a line chart (1.4 mm, 8 pixels at 150
// dpi): blocks of 6×6 dark pixels, which no stroke of small text is as
// thick as.
func dots(p page) int {
	n := 0
	dark := func(x, y int) bool { return p.at(x, y) < 140 }
	block := func(x, y int) bool {
		for dy := 0; dy < 6; dy++ {
			for dx := 0; dx < 6; dx++ {
				if !dark(x+dx, y+dy) {
					return false
				}
			}
		}
		return true
	}
	for y := 1; y+6 < p.h; y++ {
		for x := 1; x+6 < p.w; x++ {
			if !block(x, y) {
				continue
			}
			// Count each block once: only at its top left corner.
			if block(x-1, y) || block(x, y-1) || block(x-1, y-1) {
				continue
			}
			n++
		}
	}
	return n
}

func pageText(t *testing.T, path string, n int) string {
	t.Helper()
	out, err := exec.Command("pdftotext", "-f", strconv.Itoa(n), "-l", strconv.Itoa(n), path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return string(out)
}

// The months a study spans count those without any visit too.
func TestMonthsCovered(t *testing.T) {
	for _, c := range []struct {
		s    central.Study
		want int
	}{
		{central.Study{}, 1},
		{central.Study{Months: []central.MonthDemand{{Month: "2026-01"}, {Month: "2026-04"}}}, 4},
		{central.Study{Query: central.DemandQuery{From: "2026-01-01", To: "2026-12-31"}, Months: []central.MonthDemand{{Month: "2026-03"}}}, 12},
		{central.Study{Query: central.DemandQuery{From: "2025-11-15"}, Months: []central.MonthDemand{{Month: "2026-02"}}}, 4},
	} {
		if got := c.s.MonthsCovered(); got != c.want {
			t.Errorf("%+v: %d months, want %d", c.s.Query, got, c.want)
		}
	}
}

// prevHash links an entry to the one before it, as the office checks
// (the first follows 64 zeros).
func prevHash(seq int64) string {
	if seq == 1 {
		return strings.Repeat("0", 64)
	}
	return fmt.Sprintf("h%d", seq-1)
}
