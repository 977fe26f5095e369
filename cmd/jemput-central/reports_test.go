package main

import (
	"context"
	"strings"
	"testing"
)

func TestReportFlags(t *testing.T) {
	var va *visitAddOptions
	if err := parse(t, newVisitAddCommand(testApp(), func(_ context.Context, o *visitAddOptions) error { va = o; return nil }),
		"--place", "Aula Kantor Bupati", "--date", "2026-12-11", "--type", "eazy-paspor", "--capacity", "80"); err != nil {
		t.Fatal(err)
	}
	if *va != (visitAddOptions{Place: "Aula Kantor Bupati", Date: "2026-12-11", Type: "eazy-paspor", Capacity: 80}) {
		t.Errorf("visit add: %+v", va)
	}
	parse(t, newVisitAddCommand(testApp(), func(_ context.Context, o *visitAddOptions) error { va = o; return nil }), "--place", "P", "--date", "2026-12-11")
	if va.Type != "berkala" {
		t.Errorf("visit add: default type %q, want berkala", va.Type)
	}
	if err := parse(t, newVisitAddCommand(testApp(), nil), "--place", "P"); err == nil || !strings.Contains(err.Error(), `"date" not set`) {
		t.Errorf("visit add without --date: %v", err)
	}
	var vl *visitListOptions
	parse(t, newVisitListCommand(testApp(), func(_ context.Context, o *visitListOptions) error { vl = o; return nil }), "--all")
	if !vl.All {
		t.Error("visit list --all")
	}

	var rd *reportDemandOptions
	if err := parse(t, newReportDemandCommand(testApp(), func(_ context.Context, o *reportDemandOptions) error { rd = o; return nil }),
		"--by", "purpose", "--from", "2026-01-01", "--to", "2026-06-30", "--out", "kajian.pdf", "--csv", "p.csv"); err != nil {
		t.Fatal(err)
	}
	if *rd != (reportDemandOptions{By: "purpose", From: "2026-01-01", To: "2026-06-30", Out: "kajian.pdf", CSV: "p.csv"}) {
		t.Errorf("report demand: %+v", rd)
	}
	for args, want := range map[string]string{
		"--by year":          `--by "year"`,
		"--out kajian.txt":   "must end in .pdf",
		"--by district more": `unknown command "more"`,
	} {
		if err := parse(t, newReportDemandCommand(testApp(), func(context.Context, *reportDemandOptions) error { return nil }), strings.Fields(args)...); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("report demand %s: %v, want %q", args, err, want)
		}
	}

	var st *appStatusOptions
	if err := parse(t, newAppStatusCommand(testApp(), func(_ context.Context, o *appStatusOptions) error { st = o; return nil }), "a1", "--set", "ready", "--visit", "v-1a2b3c4d"); err != nil {
		t.Fatal(err)
	}
	if *st != (appStatusOptions{ID: "a1", Set: "ready", Visit: "v-1a2b3c4d"}) {
		t.Errorf("app status --visit: %+v", st)
	}
	if err := parse(t, newAppStatusCommand(testApp(), nil), "a1", "--set", "ready", "--visit", "v", "--pickup", "x"); err == nil {
		t.Error("--visit with --pickup was accepted")
	}
}
