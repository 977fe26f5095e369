package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/jemput/jemput/cmd/internal/cli"
	"github.com/jemput/jemput/intake"
	"github.com/jemput/jemput/store"
	"github.com/jemput/jemput/vault"
	"github.com/spf13/cobra"
)

type restoreOptions struct {
	From        string
	NIP         string
	RecoveryKey string
	PIN         pinSource
}

func newRestoreCommand(app *App, runF func(context.Context, *restoreOptions) error) *cobra.Command {
	opts := &restoreOptions{}
	cmd := &cobra.Command{
		Use:   "restore --from FOLDER (--nip NIP | --recovery-key FILE)",
		Short: "Bring a kit back from its mirror into an empty kit home, with a supervisor's PIN or the office's recovery key",
		Long: `restore copies the kit from a mirror folder (jemput mirror add) into this
kit home, which must not hold a kit, and opens it with a supervisor's NIP
and PIN (which also logs them in) or with the office's recovery key (the
age identity of jemput-central, in a file; nobody is logged in after).
Everything comes back: applications, versions, drafts, photos, the audit
chain (verified), officers and key slots, what the office acknowledged.

So that no number is ever given twice, each day's numbers from the
mirror's last entry to today resume 1000 beyond where the mirror left them
(the lost laptop may have captured after its last copy), and the kit gets
a new device key; both are written in the audit log. Enroll the kit again
with a new token from the office before the next sync.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.From == "" {
				return cli.Usagef("--from is required")
			}
			if (opts.NIP == "") == (opts.RecoveryKey == "") {
				return cli.Usagef("%s", app.T("beri salah satu: --nip NIP (PIN pengawas) atau --recovery-key BERKAS (kunci kantor)",
					"give one of --nip NIP (a supervisor's PIN) or --recovery-key FILE (the office's key)"))
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runRestore(cmd.Context(), app, opts)
		},
	}
	cmd.Flags().StringVar(&opts.From, "from", "", "the mirror folder")
	cmd.Flags().StringVar(&opts.NIP, "nip", "", "a supervisor's NIP: their PIN opens the kit")
	cmd.Flags().StringVar(&opts.RecoveryKey, "recovery-key", "", "a file with the office's recovery key (AGE-SECRET-KEY-1...)")
	cmd.Flags().BoolVar(&opts.PIN.stdin, "pin-stdin", false, "read the PIN from standard input")
	return cmd
}

func runRestore(ctx context.Context, app *App, opts *restoreOptions) (err error) {
	from, err := filepath.Abs(opts.From)
	if err != nil {
		return cli.Usagef("%v", err)
	}
	src := filepath.Join(from, mirrorDB)
	ci, err := store.ReadCopy(ctx, src)
	if err != nil {
		return intake.Errorf(intake.CodeNotFound, "tidak ada cermin kit di %s: %v", "there is no kit mirror in %s: %v", from, err)
	}
	if mark, err := readMark(from); err == nil && mark.KitUID != ci.KitUID {
		return intake.Errorf(intake.CodeInvalid, "%s menyebut kit %s, tetapi salinannya milik kit lain", "%s names kit %s but the copy in it is another kit's", from, mark.KitCode)
	}
	if app.initialized() {
		return intake.Errorf(intake.CodeConflict, "sudah ada kit di %s: pemulihan hanya ke folder kit yang kosong", "there is a kit in %s already: restore only into an empty kit home", app.Home).
			WithHint("pakai --home FOLDER_BARU, atau pindahkan kit lama dulu", "use --home NEW_FOLDER, or move the old kit away first")
	}
	var identity string
	if opts.RecoveryKey != "" {
		if identity, err = readIdentity(opts.RecoveryKey); err != nil {
			return err
		}
	}
	pin := ""
	if opts.NIP != "" {
		if pin, err = app.readPIN(opts.PIN, "PIN", false); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(app.Home, 0o700); err != nil {
		return err
	}
	// Nothing half restored stays behind: on any failure the kit home is
	// empty again.
	defer func() {
		if err != nil {
			app.Close()
			app.db, app.svc = nil, nil
			for _, s := range []string{"", "-wal", "-shm"} {
				os.Remove(app.dbPath() + s)
			}
			os.Remove(app.tablesPath())
		}
	}()
	if err := copyFile(src, app.dbPath()); err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(from, "tables.json")); err == nil {
		if err := copyFile(filepath.Join(from, "tables.json"), app.tablesPath()); err != nil {
			return err
		}
	}
	svc, err := app.openService(ctx)
	if err != nil {
		return err
	}
	if h, err := app.db.Health(ctx); err != nil || h.Integrity != "ok" {
		return intake.Errorf(intake.CodeTampered, "salinan di %s rusak (integrity_check: %s %v)", "the copy in %s is damaged (integrity_check: %s %v)", from, h.Integrity, err)
	}
	// A session this user already holds for this kit at this path (the
	// home deleted and restored on the same laptop) stays valid: it was
	// opened with a PIN, and it is bound to the kit and the path.
	// The mirror gets the restored kit only once it is whole.
	app.db.SetAfterCommit(nil)
	var who string
	if opts.NIP != "" {
		sess, err := svc.Login(ctx, opts.NIP, pin)
		if err != nil {
			return err
		}
		if sess.Officer.Role != intake.RoleSupervisor {
			return intake.Errorf(intake.CodeForbidden, "hanya pengawas yang boleh memulihkan kit (%s petugas)", "only a supervisor may restore a kit (%s is an officer)", sess.Officer.Name)
		}
		if err := app.writeSession(sess); err != nil {
			return err
		}
		who = sess.Officer.Name
	} else {
		var slot []byte
		var sup string
		db := app.db.SQL()
		if err := db.QueryRowContext(ctx, `SELECT recovery FROM kit WHERE id = 1`).Scan(&slot); err != nil || len(slot) == 0 {
			return intake.Errorf(intake.CodeNoKeySlot, "kit ini belum punya slot kantor (belum jemput enroll): pakai --nip", "this kit has no office slot (never enrolled): use --nip")
		}
		secret, err := vault.UnwrapIdentity(slot, identity)
		if err != nil {
			return intake.Errorf(intake.CodeForbidden, "kunci ini tidak membuka kit %s (kunci kantor lain?)", "this key does not open kit %s (another office's key?)", ci.KitCode)
		}
		// The office acts as the kit's first supervisor, in this process only.
		if err := db.QueryRowContext(ctx, `SELECT id FROM officers WHERE role = 'supervisor' AND disabled_at = '' ORDER BY created_at LIMIT 1`).Scan(&sup); errors.Is(err, sql.ErrNoRows) {
			return intake.Errorf(intake.CodeNotFound, "kit ini tidak punya pengawas aktif", "this kit has no active supervisor")
		} else if err != nil {
			return err
		}
		now := app.Now()
		if err := svc.Unlock(ctx, secret, sup, now, now.Add(time.Hour)); err != nil {
			return err
		}
		who = app.T("kunci kantor", "the office's key")
	}
	rep, err := app.db.VerifyAudit(ctx)
	if err != nil {
		return err
	}
	if len(rep.Problems) > 0 || !rep.Keyed {
		for _, p := range rep.Problems {
			fmt.Fprintf(app.Err, "  %s\n", p)
		}
		return intake.Errorf(intake.CodeTampered, "log audit di cermin rusak: %d masalah; tidak ada yang dipulihkan", "the mirror's audit log is broken: %d problems; nothing was restored", len(rep.Problems))
	}
	res, err := svc.FinishRestore(ctx, from, ci.HeadAt)
	if err != nil {
		return err
	}
	app.db.SetAfterCommit(app.mirrorNow)
	app.mirrorNow(ctx)
	apps, err := svc.Applications(ctx, intake.Filter{})
	if err != nil {
		return err
	}
	if app.JSON {
		return app.WriteJSON(map[string]any{"kit_code": ci.KitCode, "applications": len(apps), "audit_entries": rep.Entries,
			"margin": res.Margin, "days": res.Days, "old_device": res.OldDevice, "new_device": res.NewDevice})
	}
	app.Say("Kit %s dipulihkan dari %s oleh %s: %d permohonan, log audit utuh (%d entri).", "Kit %s restored from %s by %s: %d applications, audit log intact (%d entries).",
		ci.KitCode, from, who, len(apps), rep.Entries)
	for _, d := range res.Days {
		app.Say("  nomor %s dilanjutkan dari %04d (cermin sampai %04d, cadangan %d)", "  numbers of %s resume after %04d (the mirror reached %04d, margin %d)", d.Day, d.After, d.Before, res.Margin)
	}
	app.Say("Kunci perangkat baru %s: daftarkan kit lagi sebelum sync (kantor mencabut laptop yang hilang dengan jemput-central kit revoke %s, memberi token baru dengan jemput-central kit add --code %s; lalu jemput enroll).",
		"New device key %s: enroll the kit again before syncing (the office revokes the lost laptop with jemput-central kit revoke %s and makes a new token with jemput-central kit add --code %s; then jemput enroll).", res.NewDevice[:16], ci.KitCode, ci.KitCode)
	return nil
}

// ageIdentity is the office's recovery key as age writes it.
var ageIdentity = regexp.MustCompile(`AGE-SECRET-KEY-1[0-9A-Z]{58}`)

// readIdentity reads the office's age identity from a file: a file with
// the identity on a line of its own, or the office's key file
// (jemput-central's central.db.keys, when it has no passphrase).
func readIdentity(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", intake.Errorf(intake.CodeNotFound, "kunci kantor %s tidak bisa dibaca: %v", "the office's key %s cannot be read: %v", path, err)
	}
	if strings.HasPrefix(string(b), "age-encryption.org/") {
		return "", intake.Errorf(intake.CodeInvalid, "%s tersegel dengan frasa sandi: beri berkas berisi kunci kantor saja (AGE-SECRET-KEY-1...)",
			"%s is sealed with a passphrase: give a file with the office's key alone (AGE-SECRET-KEY-1...)", path)
	}
	if m := ageIdentity.Find(b); m != nil {
		return string(m), nil
	}
	return "", intake.Errorf(intake.CodeInvalid, "%s tidak berisi kunci kantor (AGE-SECRET-KEY-1...)", "%s holds no office key (AGE-SECRET-KEY-1...)", path)
}

// copyFile copies src to dst (which must not exist), flushed to the disk.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
