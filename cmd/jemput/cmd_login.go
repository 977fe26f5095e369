package main

import (
	"context"
	"time"

	"github.com/jemput/jemput/cmd/internal/cli"
	"github.com/jemput/jemput/intake"

	"github.com/spf13/cobra"
)

type loginOptions struct {
	NIP string
	For string
	PIN pinSource
}

func newLoginCommand(app *App, runF func(context.Context, *loginOptions) error) *cobra.Command {
	opts := &loginOptions{}
	cmd := &cobra.Command{
		Use:   "login --nip NIP",
		Short: "Log in with NIP and PIN: unlocks the kit's key until logout or the end of the session (five wrong PINs lock the account for 15 minutes)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := parseTTL(opts.For)
			if err != nil {
				return cli.Usagef("%v", err)
			}
			app.ttl = d
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runLogin(cmd.Context(), app, opts)
		},
	}
	cmd.Flags().StringVar(&opts.NIP, "nip", "", "your NIP (18 digits)")
	cmd.Flags().StringVar(&opts.For, "for", "", "how long the session lasts, e.g. 8h (default 10h, one working day; at most 24h)")
	cmd.Flags().BoolVar(&opts.PIN.stdin, "pin-stdin", false, "read the PIN from standard input")
	cmd.MarkFlagRequired("nip")
	return cmd
}

func runLogin(ctx context.Context, app *App, opts *loginOptions) error {
	svc, err := app.service(ctx)
	if err != nil {
		return err
	}
	pin, err := app.readPIN(opts.PIN, "PIN", false)
	if err != nil {
		return err
	}
	sess, err := svc.Login(ctx, opts.NIP, pin)
	if err != nil {
		return err
	}
	o := sess.Officer
	// Whoever was logged in here is logged out: one session per kit.
	app.kitID = sess.Kit.ID
	app.removeSession()
	if err := app.writeSession(sess); err != nil {
		return err
	}
	if o.Role == intake.RoleSupervisor {
		// A kit made before encryption was converted by this login: its
		// device key file goes into the kit, and the old bytes off the disk.
		if err := app.adoptLegacyKey(ctx); err != nil {
			return err
		}
		if n := app.removeLegacyReceipts(); n > 0 {
			app.Note("%d tanda terima lama dihapus dari folder kit (berisi data pemohon tanpa enkripsi; cetak ulang dengan jemput receipt)",
				"%d old receipts removed from the kit folder (they held applicant data in clear; print again with jemput receipt)", n)
		}
		if err := app.db.Compact(ctx); err != nil {
			return err
		}
	}
	if len(pin) < intake.MinPINLength {
		// A PIN from before the longer rule (a converted kit): it falls to
		// an offline search in hours.
		app.Note("PIN ini lebih pendek dari %d digit: minta pengawas memberi PIN baru (jemput officer reset-pin)",
			"this PIN is shorter than %d digits: ask a supervisor for a new one (jemput officer reset-pin)", intake.MinPINLength)
	}
	if app.JSON {
		m := officerJSON(o)
		m["session_until"] = app.inZone(sess.Until).Format(time.RFC3339)
		return app.WriteJSON(m)
	}
	app.Say("Selamat bertugas, %s (%s). Sesi sampai %s.", "Welcome, %s (%s). The session lasts until %s.", o.Name, roleName(app, o.Role), app.when(sess.Until))
	return nil
}

type logoutOptions struct{}

func newLogoutCommand(app *App, runF func(context.Context, *logoutOptions) error) *cobra.Command {
	opts := &logoutOptions{}
	return &cobra.Command{
		Use:   "logout",
		Short: "Log out",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runLogout(cmd.Context(), app, opts)
		},
	}
}

func runLogout(ctx context.Context, app *App, opts *logoutOptions) error {
	svc, err := app.service(ctx)
	if err != nil {
		return err
	}
	o, err := svc.Logout(ctx)
	app.removeSession()
	if err != nil {
		return err
	}
	app.Say("%s sudah keluar.", "%s logged out.", o.Name)
	return nil
}

type whoamiOptions struct{}

func newWhoamiCommand(app *App, runF func(context.Context, *whoamiOptions) error) *cobra.Command {
	opts := &whoamiOptions{}
	return &cobra.Command{
		Use:   "whoami",
		Short: "Show who is logged in",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runWhoami(cmd.Context(), app, opts)
		},
	}
}

func runWhoami(ctx context.Context, app *App, opts *whoamiOptions) error {
	svc, err := app.service(ctx)
	if err != nil {
		return err
	}
	o, err := svc.Whoami(ctx)
	if err != nil {
		return err
	}
	kit, err := svc.Kit(ctx)
	if err != nil {
		return err
	}
	if app.JSON {
		m := officerJSON(o)
		m["kit_code"] = kit.Code
		return app.WriteJSON(m)
	}
	app.Say("%s (%s, NIP %s) di kit %s", "%s (%s, NIP %s) on kit %s", o.Name, roleName(app, o.Role), o.NIP, kit.Code)
	return nil
}
