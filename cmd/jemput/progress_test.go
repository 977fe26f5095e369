package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	ksync "github.com/jemput/jemput/sync"
)

// The plain lines a log or a pipe gets: the phase in the officer's
// language, how far, a rate and the time left, at most every 5 seconds.
func TestLineProgress(t *testing.T) {
	for _, tc := range []struct {
		lang string
		want []string
	}{
		{"id", []string{
			"foto: 0 B dari 200,0 KB (0%)",
			"foto: 50,0 KB dari 200,0 KB (25%), 10,0 KB/detik, sisa ± 15s",
			"foto: 200,0 KB dari 200,0 KB (100%), 10,0 KB/detik — selesai",
			"permohonan: 0 dari 4 (0%)",
			"permohonan: 4 dari 4 (100%) — selesai",
		}},
		{"en", []string{
			"photos: 0 B of 200.0 KB (0%)",
			"photos: 50.0 KB of 200.0 KB (25%), 10.0 KB/s, about 15s left",
			"photos: 200.0 KB of 200.0 KB (100%), 10.0 KB/s — done",
			"applications: 0 of 4 (0%)",
			"applications: 4 of 4 (100%) — done",
		}},
	} {
		var buf bytes.Buffer
		clock := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
		p := lineProgress(&buf, tc.lang, func() time.Time { return clock })
		p(ksync.PhasePhotos, 0, 200<<10)
		clock = clock.Add(2 * time.Second)
		p(ksync.PhasePhotos, 20<<10, 200<<10) // under 5 s since the last line: quiet
		clock = clock.Add(3 * time.Second)
		p(ksync.PhasePhotos, 50<<10, 200<<10)
		clock = clock.Add(15 * time.Second)
		p(ksync.PhasePhotos, 200<<10, 200<<10)
		p(ksync.PhaseRecords, 0, 4)
		p(ksync.PhaseRecords, 4, 4)
		got := strings.Split(strings.TrimSpace(buf.String()), "\n")
		if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
			t.Errorf("%s:\n got %q\nwant %q", tc.lang, got, tc.want)
		}
	}
}

// The bar a terminal gets names the phase in the officer's language, and
// takes an unknown total (the office's statuses) without failing.
func TestBarProgress(t *testing.T) {
	var buf bytes.Buffer
	p := barProgress(&buf, "id")
	p(ksync.PhasePhotos, 0, 300<<10)
	p(ksync.PhasePhotos, 150<<10, 300<<10)
	p(ksync.PhaseRecords, 2, 4)
	p(ksync.PhaseStatuses, 3, 0)
	out := buf.String()
	for _, w := range []string{"foto", "permohonan", "status dari kantor"} {
		if !strings.Contains(out, w) {
			t.Errorf("no %q in the bar's output %q", w, out)
		}
	}
	if strings.Contains(out, "photos") || strings.Contains(out, "records") {
		t.Errorf("English phase names in %q", out)
	}
}
