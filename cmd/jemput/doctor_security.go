package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jemput/jemput/intake"
	"github.com/jemput/jemput/sync/kitside"
)

// doctorSecurity adds the security checks to doctor: the kit home's mode,
// encryption, key slots, the session, the device key, the guards, the
// audit chain (keyed when a session is open), the clock, the officers'
// seals and the versions the office acknowledged.
func (app *App) doctorSecurity(ctx context.Context, kit intake.Kit, check func(bool, string, string, ...any)) {
	note := func(id, en string, args ...any) {
		fmt.Fprintln(app.Out, "--   "+fmt.Sprintf(app.T(id, en), args...))
	}
	// The kit home's own mode: a home made 0777 is tightened.
	if st, err := os.Stat(app.Home); err == nil {
		if perm := st.Mode().Perm(); perm&0o077 != 0 {
			err := os.Chmod(app.Home, 0o700)
			check(err == nil, "folder kit bisa dibuka orang lain (%v): diperketat menjadi 0700", "the kit folder was open to others (%v): tightened to 0700", perm)
		} else {
			check(true, "folder kit hanya bisa dibuka pemiliknya (%v)", "kit folder open to its owner only (%v)", perm)
		}
	}
	check(kit.Encrypted, "data pemohon dienkripsi dengan kunci kit", "applicant data encrypted with the kit's key")
	if _, err := os.Stat(app.legacyKeyPath()); err == nil {
		check(false, "kunci perangkat tersimpan tanpa enkripsi di %s (pengawas: jemput login)", "the device key is kept in clear in %s (supervisor: jemput login)", app.legacyKeyPath())
	}
	// No clear applicant data in any file of the kit home: the records as
	// they are stored, and (with a session) the names and identity numbers
	// of the newest applications searched as bytes in every file.
	if n, err := app.db.ClearRecords(ctx); err != nil {
		check(false, "rekaman tanpa enkripsi tidak bisa diperiksa: %v", "clear records could not be checked: %v", err)
	} else {
		check(n == 0, "tidak ada rekaman pemohon tanpa enkripsi di basis data (%d ditemukan)", "no applicant record in clear in the database (%d found)", n)
	}
	if app.session != nil {
		found, err := app.clearInHome(ctx)
		if err != nil {
			check(false, "folder kit tidak bisa diperiksa: %v", "the kit folder could not be searched: %v", err)
		} else {
			check(len(found) == 0, "tidak ada nama atau NIK pemohon dalam berkas mana pun di folder kit%s", "no applicant name or NIK in any file of the kit folder%s", findingsList(found))
		}
	}
	// Key slots.
	officers, slots := []intake.Officer{}, map[string]bool{}
	if m, err := app.svc.KeySlots(ctx); err == nil {
		for id := range m {
			slots[id] = true
		}
	}
	if app.session != nil {
		officers, _ = app.svc.Officers(ctx)
	}
	if len(officers) > 0 {
		var without []string
		active := 0
		for _, o := range officers {
			if !o.DisabledAt.IsZero() {
				continue
			}
			active++
			if !slots[o.ID] {
				without = append(without, o.NIP)
			}
		}
		check(len(without) == 0, "slot kunci: %d untuk %d petugas aktif%s", "key slots: %d for %d active officers%s", len(slots), active, missingSlots(app, without))
	} else {
		note("slot kunci: %d (masuk untuk memeriksa setiap petugas)", "key slots: %d (log in to check each officer)", len(slots))
	}
	check(kit.Recovery || !app.enrolled(ctx), "slot pemulihan untuk kunci kantor: %s", "recovery slot for the office's key: %s", yesNo(app, kit.Recovery))
	// The session.
	dir, own := app.runtimeDir()
	where := app.T("folder runtime pengguna ($XDG_RUNTIME_DIR)", "the user's runtime folder ($XDG_RUNTIME_DIR)")
	if !own {
		where = app.T("folder sementara per pengguna (tidak ada $XDG_RUNTIME_DIR: bisa bertahan setelah laptop dinyalakan ulang)", "a per-user temporary folder (no $XDG_RUNTIME_DIR: it may survive a reboot)")
	}
	if app.session != nil {
		check(true, "sesi di %s, %s, sampai %s", "session in %s, %s, until %s", dir, where, app.when(app.session.Until))
		key, err := app.deviceKey()
		check(err == nil && bytes.Equal(key.Public().(ed25519.PublicKey), kit.PublicKey), "kunci perangkat (tersegel) cocok dengan kit", "device key (sealed) matches the kit")
	} else {
		note("tidak ada sesi (sesi akan disimpan di %s, %s)", "no session (sessions live in %s, %s)", dir, where)
	}
	// Guards.
	if missing, err := app.db.MissingGuards(ctx); err != nil {
		check(false, "pelindung basis data tidak bisa diperiksa: %v", "the database's guards could not be checked: %v", err)
	} else {
		check(len(missing) == 0, "pemicu dan indeks pelindung lengkap%s", "guarding triggers and indexes in place%s", findingsList(missing))
	}
	// The audit chain, and the clock against its last entry.
	rep, err := app.db.VerifyAudit(ctx)
	keyed := app.T(", tanda kunci diperiksa", ", key marks checked")
	if !rep.Keyed {
		keyed = app.T(", tanda kunci tidak diperiksa tanpa sesi", ", key marks not checked without a session")
	}
	check(err == nil && len(rep.Problems) == 0, "log audit utuh (%d entri%s)%s", "audit log intact (%d entries%s)%s", rep.Entries, keyed, findingsList(rep.Problems))
	if !rep.Last.IsZero() {
		check(!app.Now().Before(rep.Last.Add(-time.Minute)), "jam laptop (%s) tidak di belakang entri audit terakhir (%s)", "the laptop's clock (%s) is not behind the last audit entry (%s)",
			app.when(app.Now()), app.when(rep.Last))
	}
	// What only a supervisor's key can check.
	if app.session == nil || !app.db.Supervisor() {
		note("segel petugas dan hash yang diakui kantor: diperiksa saat pengawas masuk", "officer seals and hashes acknowledged by the office: checked when a supervisor is logged in")
		return
	}
	if bad, err := app.svc.Tampered(ctx); err == nil {
		var names []string
		for _, o := range bad {
			names = append(names, o.NIP+" "+o.Name)
		}
		check(len(bad) == 0, "data petugas (peran, status) cocok dengan segelnya%s", "officer rows (role, state) match their seals%s", findingsList(names))
	} else {
		check(false, "segel petugas tidak bisa diperiksa: %v", "officer seals could not be checked: %v", err)
	}
	items, err := app.svc.Acknowledged(ctx)
	if err != nil {
		check(false, "versi yang diakui kantor tidak bisa diperiksa: %v", "versions acknowledged by the office could not be checked: %v", err)
		return
	}
	var differ []string
	for _, it := range items {
		r, err := kitside.Record(kit.Code, it.Item)
		if err != nil || r.Hash() != it.Ack.Hash {
			differ = append(differ, intake.RecordID(it.Item.App.ID, it.Item.App.Version)+" "+it.Item.App.Number)
		}
	}
	check(len(differ) == 0, "%d versi cocok dengan hash yang diakui kantor%s", "%d versions match the hash the office acknowledged%s", len(items)-len(differ), findingsList(differ))
}

func (app *App) enrolled(ctx context.Context) bool {
	st, err := app.svc.SyncState(ctx)
	return err == nil && st.Enrolled
}

func yesNo(app *App, b bool) string {
	if b {
		return app.T("ada", "present")
	}
	return app.T("belum ada (dibuat saat jemput enroll)", "none yet (made at jemput enroll)")
}

func missingSlots(app *App, nips []string) string {
	if len(nips) == 0 {
		return ""
	}
	return app.T("; tanpa slot (perlu PIN baru: jemput officer reset-pin): ", "; without a slot (need a new PIN: jemput officer reset-pin): ") + strings.Join(nips, ", ")
}

func findingsList(items []string) string {
	if len(items) == 0 {
		return ""
	}
	if len(items) > 5 {
		items = append(items[:5:5], fmt.Sprintf("… (%d)", len(items)))
	}
	return ": " + strings.Join(items, "; ")
}

// clearInHome searches every file of the kit home for the names and
// identity numbers of the newest applications, as bytes.
func (app *App) clearInHome(ctx context.Context) ([]string, error) {
	apps, err := app.svc.Applications(ctx, intake.Filter{Limit: 200})
	if err != nil {
		return nil, err
	}
	var needles [][]byte
	for _, a := range apps {
		if a.Find.IdentityNumber != "" {
			needles = append(needles, []byte(a.Find.IdentityNumber))
		}
		for _, w := range strings.Fields(a.Find.Text) {
			if len(w) >= 5 && !strings.ContainsAny(w, "0123456789") {
				needles = append(needles, []byte(w))
			}
		}
	}
	var found []string
	err = filepath.WalkDir(app.Home, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		lower := bytes.ToLower(b)
		for _, n := range needles {
			if bytes.Contains(lower, n) {
				found = append(found, filepath.Base(path))
				break
			}
		}
		return nil
	})
	return found, err
}
