package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	ksync "github.com/jemput/jemput/sync"
)

// progress shows sync's progress on stderr: a bar at a terminal, plain
// lines elsewhere (a log, a pipe), both in the officer's language with a
// rate and the time left. The numbers are what the office has acknowledged
// (see ksync.RunOptions.Progress), so a slow link shows slow progress
// rather than a jump to the end and a long silence.
func (a *App) progress() func(phase string, done, total int64) {
	tty := false
	if f, ok := a.Err.(*os.File); ok && isTerminalFile(f) {
		tty = true
	}
	if tty {
		return barProgress(a.Err, a.Lang)
	}
	return lineProgress(a.Err, a.Lang, time.Now)
}

// phaseName is a sync phase in the officer's language.
func phaseName(lang, phase string) string {
	switch phase {
	case ksync.PhasePhotos:
		return pick(lang, "foto", "photos")
	case ksync.PhaseRecords:
		return pick(lang, "permohonan", "applications")
	case ksync.PhaseStatuses:
		return pick(lang, "status dari kantor", "statuses from the office")
	}
	return phase
}

func pick(lang, id, en string) string {
	if lang == "en" {
		return en
	}
	return id
}

func barProgress(w io.Writer, lang string) func(phase string, done, total int64) {
	var bar *progressbar.ProgressBar
	var barPhase string
	return func(phase string, done, total int64) {
		if bar == nil || barPhase != phase {
			if bar != nil {
				bar.Finish()
			}
			max := total
			if max <= 0 {
				max = -1 // a spinner: how many is not known
			}
			bar = progressbar.NewOptions64(max, progressbar.OptionSetWriter(w), progressbar.OptionSetDescription(phaseName(lang, phase)),
				progressbar.OptionShowBytes(phase == ksync.PhasePhotos), progressbar.OptionShowCount(), progressbar.OptionSetPredictTime(true),
				progressbar.OptionThrottle(200*time.Millisecond), progressbar.OptionClearOnFinish())
			barPhase = phase
		}
		bar.Set64(done)
	}
}

// lineProgress writes a line when a phase starts, every 5 seconds while it
// goes on, and when it is done:
//
//	foto: 1,2 MB dari 5,0 MB (24%), 40,1 KB/detik, sisa ± 1m35s
func lineProgress(w io.Writer, lang string, now func() time.Time) func(phase string, done, total int64) {
	var phase string
	var start, last time.Time
	var startDone int64
	return func(p string, done, total int64) {
		t := now()
		if p != phase {
			phase, start, last, startDone = p, t, time.Time{}, done
		}
		if total <= 0 {
			if last.IsZero() || t.Sub(last) >= 5*time.Second {
				fmt.Fprintf(w, "%s: %d\n", phaseName(lang, p), done)
				last = t
			}
			return
		}
		if !(last.IsZero() || done >= total || t.Sub(last) >= 5*time.Second) {
			return
		}
		last = t
		bytes := p == ksync.PhasePhotos
		show := func(n int64) string {
			if bytes {
				return byteSize(lang, float64(n))
			}
			return fmt.Sprint(n)
		}
		line := fmt.Sprintf(pick(lang, "%s: %s dari %s (%d%%)", "%s: %s of %s (%d%%)"), phaseName(lang, p), show(done), show(total), done*100/total)
		if el := t.Sub(start); el >= time.Second && done > startDone {
			rate := float64(done-startDone) / el.Seconds()
			if bytes {
				line += ", " + byteSize(lang, rate) + pick(lang, "/detik", "/s")
			} else {
				line += fmt.Sprintf(pick(lang, ", %s/detik", ", %s/s"), decimal(lang, rate))
			}
			if done < total {
				left := time.Duration(float64(total-done) / rate * float64(time.Second)).Round(time.Second)
				line += pick(lang, ", sisa ± ", ", about ") + left.String() + pick(lang, "", " left")
			}
		}
		if done >= total {
			line += pick(lang, " — selesai", " — done")
		}
		fmt.Fprintln(w, line)
	}
}

// byteSize is n bytes as B, KB or MB with one decimal, the decimal mark in
// the officer's language.
func byteSize(lang string, n float64) string {
	switch {
	case n >= 1<<20:
		return decimal(lang, n/(1<<20)) + " MB"
	case n >= 1<<10:
		return decimal(lang, n/(1<<10)) + " KB"
	}
	return fmt.Sprintf("%.0f B", n)
}

func decimal(lang string, x float64) string {
	s := fmt.Sprintf("%.1f", x)
	if lang != "en" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}
