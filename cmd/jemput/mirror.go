package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/jemput/jemput/intake"
	"github.com/jemput/jemput/internal/atomicfile"
	"github.com/jemput/jemput/store"
)

// The mirror: after every committed change, before the command that made
// it reports success, the kit's database is copied whole (SQLite's VACUUM
// INTO, a consistent snapshot) into each mirror folder that is there. A
// folder that is missing (a stick pulled out) is skipped with a warning at
// every command, and the next command that finds it back copies the kit
// there again: the copy is always the whole kit, so catching up is one
// copy. docs/mirror.md says why this engine and what the lag is.

// A mirror folder holds these two files and nothing else of ours.
const (
	mirrorDB     = "kit.db"
	mirrorMarker = "jemput-mirror.json"
)

// mirrorMark says whose mirror a folder is, so that an empty mount point
// left by a pulled-out stick (or another kit's folder) is never written.
type mirrorMark struct {
	KitCode string    `json:"kit_code"`
	KitUID  string    `json:"kit_uid"`
	AddedAt time.Time `json:"added_at"`
}

func readMark(dir string) (mirrorMark, error) {
	var m mirrorMark
	b, err := os.ReadFile(filepath.Join(dir, mirrorMarker))
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("%s: %w", filepath.Join(dir, mirrorMarker), err)
	}
	return m, nil
}

// mirrorState is one mirror as a command found it.
type mirrorState struct {
	intake.Mirror
	Present bool      // the folder is there and is this kit's mirror
	Why     string    // why not, when not present
	Head    int64     // the copy's newest audit entry (0: no copy yet)
	At      time.Time // when the copy was written
	Err     error     // the last copy failed
}

// kitUID is the kit's random id, the same in every copy of it.
func (a *App) kitUID(ctx context.Context) (string, string, error) {
	var code, uid string
	err := a.db.SQL().QueryRowContext(ctx, `SELECT code, uid FROM kit WHERE id = 1`).Scan(&code, &uid)
	return code, uid, err
}

// probeMirror says whether m is there and how far its copy goes.
func (a *App) probeMirror(ctx context.Context, m intake.Mirror, uid string) mirrorState {
	st := mirrorState{Mirror: m}
	mark, err := readMark(m.Path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		st.Why = a.T("folder tidak ada (flashdisk dicabut?)", "the folder is not there (stick pulled out?)")
		return st
	case err != nil:
		st.Why = err.Error()
		return st
	case mark.KitUID != uid:
		st.Why = fmt.Sprintf(a.T("folder ini cermin kit lain (%s)", "this folder is another kit's mirror (%s)"), mark.KitCode)
		return st
	}
	st.Present = true
	if ci, err := store.ReadCopy(ctx, filepath.Join(m.Path, mirrorDB)); err == nil {
		st.Head = ci.Head
		if fi, err := os.Stat(filepath.Join(m.Path, mirrorDB)); err == nil {
			st.At = fi.ModTime()
		}
	}
	return st
}

// mirrors probes every mirror of the kit.
func (a *App) mirrors(ctx context.Context) ([]mirrorState, error) {
	list, err := a.svc.Mirrors(ctx)
	if err != nil || len(list) == 0 {
		return nil, err
	}
	_, uid, err := a.kitUID(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]mirrorState, 0, len(list))
	for _, m := range list {
		out = append(out, a.probeMirror(ctx, m, uid))
	}
	return out, nil
}

// copyToMirror writes the kit to one mirror folder that is there.
func (a *App) copyToMirror(ctx context.Context, st *mirrorState) {
	head, err := a.db.Snapshot(ctx, filepath.Join(st.Path, mirrorDB))
	if err == nil {
		err = a.copyTables(st.Path)
	}
	st.Err = err
	if err == nil {
		st.Head, st.At = head, a.Now()
	}
}

// copyTables puts the office's tables.json beside the copy (or removes an
// old one): a restored kit uses the same fees and codes.
func (a *App) copyTables(dir string) error {
	b, err := os.ReadFile(a.tablesPath())
	if errors.Is(err, os.ErrNotExist) {
		os.Remove(filepath.Join(dir, "tables.json"))
		return nil
	}
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(filepath.Join(dir, "tables.json"), b, 0o600, true)
}

// mirrorNow runs after every committed change: the kit reaches each
// mirror that is there before the command goes on. A mirror that is not
// there was warned about when the command began; a copy that fails is
// warned about once.
func (a *App) mirrorNow(ctx context.Context) {
	list, err := a.mirrors(ctx)
	if err != nil {
		fmt.Fprintf(a.Err, a.T("peringatan: cermin tidak bisa diperiksa: %v\n", "warning: the mirror could not be checked: %v\n"), err)
		return
	}
	for i := range list {
		st := &list[i]
		if !st.Present {
			continue
		}
		a.copyToMirror(context.WithoutCancel(ctx), st)
		if st.Err != nil && !a.mirrorWarned[st.Path] {
			a.mirrorWarned[st.Path] = true
			fmt.Fprintf(a.Err, a.T("peringatan: salinan ke cermin %s gagal: %v; pekerjaan tetap tersimpan di kit\n",
				"warning: copying to the mirror %s failed: %v; the work is kept in the kit\n"), st.Path, st.Err)
		}
	}
}

// checkMirrors runs when a command opens the kit: it warns about every
// mirror that is missing, and brings a mirror that is back (or behind)
// up to date.
func (a *App) checkMirrors(ctx context.Context) {
	a.mirrorWarned = map[string]bool{}
	a.db.SetAfterCommit(a.mirrorNow)
	list, err := a.mirrors(ctx)
	if err != nil || len(list) == 0 {
		return
	}
	head, _, err := a.db.AuditHead(ctx)
	if err != nil {
		return
	}
	for i := range list {
		st := &list[i]
		if !st.Present {
			a.mirrorWarned[st.Path] = true
			fmt.Fprintf(a.Err, a.T("peringatan: cermin %s tidak ada: %s; penerimaan tetap berjalan, pasang kembali agar tersalin (jemput mirror status)\n",
				"warning: the mirror %s is missing: %s; intake goes on, put it back so that it catches up (jemput mirror status)\n"), st.Path, st.Why)
			continue
		}
		if st.Head >= head {
			continue
		}
		behind := head - st.Head
		a.copyToMirror(ctx, st)
		if st.Err != nil {
			a.mirrorWarned[st.Path] = true
			fmt.Fprintf(a.Err, a.T("peringatan: cermin %s tertinggal %d entri dan tidak bisa disalin: %v\n",
				"warning: the mirror %s is %d entries behind and could not be written: %v\n"), st.Path, behind, st.Err)
			continue
		}
		a.Note("cermin %s disusulkan (%d entri)", "the mirror %s caught up (%d entries)", st.Path, behind)
	}
}

// doctorMirrors says whether each mirror is there and up to date.
func (a *App) doctorMirrors(ctx context.Context, check func(ok bool, id, en string, args ...any)) {
	list, err := a.mirrors(ctx)
	if err != nil {
		check(false, "cermin tidak bisa diperiksa: %v", "the mirrors could not be checked: %v", err)
		return
	}
	if len(list) == 0 {
		fmt.Fprintln(a.Out, "--   "+a.T("tanpa cermin: kehilangan laptop berarti kehilangan pekerjaan hari ini (jemput mirror add FOLDER)",
			"no mirror: losing the laptop loses the day's work (jemput mirror add FOLDER)"))
		return
	}
	head, _, _ := a.db.AuditHead(ctx)
	for _, st := range list {
		switch {
		case !st.Present:
			check(false, "cermin %s tidak ada: %s", "mirror %s missing: %s", st.Path, st.Why)
		case st.Head < head:
			check(false, "cermin %s tertinggal %d entri", "mirror %s is %d entries behind", st.Path, head-st.Head)
		default:
			check(true, "cermin %s sama dengan kit (%d entri)", "mirror %s up to date (%d entries)", st.Path, st.Head)
		}
	}
}
