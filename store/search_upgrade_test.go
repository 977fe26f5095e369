package store_test

import (
	"context"
	"maps"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/jemput/jemput/intake"
	"github.com/jemput/jemput/store"
)

// A kit made before the FTS5 search index (migration 0010) finds its
// applications after the upgrade as before it, including those edited
// and purged before it, and keeps the index through new captures and
// edits afterwards.
func TestSearchIndexUpgrade(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "jemput.db")
	clock := func() time.Time { return benchNow }

	old, err := store.OpenBefore(ctx, path, "0010")
	if err != nil {
		t.Fatal(err)
	}
	svc := intake.NewService(old, intake.WithClock(clock))
	if _, _, err := svc.InitKit(ctx, intake.InitKit{Code: "KTB01", Office: "Kantor Imigrasi Batulicin",
		SupervisorNIP: "198001012005011001", SupervisorName: "Rahmah", PIN: "2468013579"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.OpenEvent(ctx, intake.NewEvent{Type: intake.EventEazyPaspor, Name: "Eazy Paspor Kotabaru", Place: "Kotabaru"}); err != nil {
		t.Fatal(err)
	}
	data := benchApplicant(t)
	capture := func(svc *intake.Service, name string, k int) intake.Application {
		t.Helper()
		in := maps.Clone(data)
		in["full_name"], in["nik"] = name, benchNIK(k)
		c, err := svc.Capture(ctx, intake.CaptureInput{Data: in})
		if err != nil {
			t.Fatal(err)
		}
		return c.App
	}
	capture(svc, "Siti Rahmawati", 1)
	capture(svc, "Budi Santoso", 2)
	edited := capture(svc, "Rina Halim", 3)
	in := maps.Clone(data)
	in["full_name"], in["nik"] = "Rina Halimah", benchNIK(3)
	if _, err := svc.Edit(ctx, intake.EditInput{ID: edited.ID, Data: in, Reason: "ejaan nama"}); err != nil {
		t.Fatal(err)
	}
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}

	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc = intake.NewService(db, intake.WithClock(clock))
	if _, err := svc.Login(ctx, "198001012005011001", "2468013579"); err != nil {
		t.Fatal(err)
	}
	find := func(q string) []string {
		t.Helper()
		list, err := svc.Applications(ctx, intake.Filter{Search: q})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, a := range list {
			names = append(names, a.Doc.Values["full_name"].(string))
		}
		slices.Sort(names)
		return names
	}
	for q, want := range map[string][]string{
		"siti":         {"Siti Rahmawati"},
		"san":          {"Budi Santoso"},
		"halimah":      {"Rina Halimah"},
		"rina halim":   {"Rina Halimah"}, // "halim" is a prefix of the edited name
		benchNIK(2):    {"Budi Santoso"},
		"siti santoso": nil,
	} {
		if got := find(q); !slices.Equal(got, want) {
			t.Errorf("after the upgrade, search %q found %q, want %q", q, got, want)
		}
	}

	// The triggers keep the new index: a capture and an edit after the
	// upgrade.
	a := capture(svc, "Agus Pratama", 4)
	in = maps.Clone(data)
	in["full_name"], in["nik"] = "Agus Wibowo", benchNIK(4)
	if _, err := svc.Edit(ctx, intake.EditInput{ID: a.ID, Data: in, Reason: "ejaan nama"}); err != nil {
		t.Fatal(err)
	}
	if got := find("wibowo"); !slices.Equal(got, []string{"Agus Wibowo"}) {
		t.Errorf("search wibowo after an edit: %q", got)
	}
	if got := find("pratama"); got != nil {
		t.Errorf("search pratama after an edit: %q (the old version's tokens must be gone)", got)
	}
	var rows, indexed int
	if err := db.SQL().QueryRow(`SELECT (SELECT count(*) FROM search_rows), (SELECT count(*) FROM applications)`).Scan(&rows, &indexed); err != nil {
		t.Fatal(err)
	}
	if rows != indexed {
		t.Errorf("%d search rows for %d applications", rows, indexed)
	}
}

// Compact (after a purge or a legacy conversion) merges the search index
// into one segment, so that the tokens an edit or a purge took out are
// gone from its pages rather than only marked deleted, and the index stays
// whole.
func TestCompactMergesSearchIndex(t *testing.T) {
	ctx := context.Background()
	db, svc, _, _ := newBenchKit(t, t.TempDir())
	defer db.Close()
	data := benchApplicant(t)
	var last intake.Application
	for i, name := range []string{"Siti Rahmawati", "Budi Santoso", "Rina Halim"} {
		in := maps.Clone(data)
		in["full_name"], in["nik"] = name, benchNIK(i)
		c, err := svc.Capture(ctx, intake.CaptureInput{Data: in})
		if err != nil {
			t.Fatal(err)
		}
		last = c.App
	}
	in := maps.Clone(data)
	in["full_name"], in["nik"] = "Rina Wulandari", benchNIK(2)
	if _, err := svc.Edit(ctx, intake.EditInput{ID: last.ID, Data: in, Reason: "ejaan nama"}); err != nil {
		t.Fatal(err)
	}
	segments := func() int {
		t.Helper()
		// The structure record lists the segments; each has a row in
		// search_index_idx per leaf range, at least one.
		var n int
		if err := db.SQL().QueryRow(`SELECT count(DISTINCT segid) FROM search_index_idx`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := segments(); n < 2 {
		t.Fatalf("%d segments before compacting: the test shows nothing", n)
	}
	if err := db.Compact(ctx); err != nil {
		t.Fatal(err)
	}
	if n := segments(); n != 1 {
		t.Errorf("%d segments after compacting, want 1", n)
	}
	if _, err := db.SQL().Exec(`INSERT INTO search_index (search_index, rank) VALUES ('integrity-check', 0)`); err != nil {
		t.Errorf("search index after compacting: %v", err)
	}
	for q, want := range map[string]int{"wulandari": 1, "halim": 0, "santoso": 1} {
		list, err := svc.Applications(ctx, intake.Filter{Search: q})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != want {
			t.Errorf("search %q after compacting: %d applications, want %d", q, len(list), want)
		}
	}
}
