package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/jemput/jemput/cmd/internal/cli"

	"github.com/jemput/jemput/intake"
	"github.com/spf13/cobra"
)

func newOfficerCommand(app *App) *cobra.Command {
	cmd := &cobra.Command{Use: "officer", Short: "Officers and supervisors of this kit"}
	cmd.AddCommand(newOfficerAddCommand(app, nil), newOfficerListCommand(app, nil), newOfficerUnlockCommand(app, nil), newOfficerResetPINCommand(app, nil), newOfficerDisableCommand(app, nil))
	return cmd
}

type officerAddOptions struct {
	NIP, Name, Role string
	PIN             pinSource
}

func newOfficerAddCommand(app *App, runF func(context.Context, *officerAddOptions) error) *cobra.Command {
	opts := &officerAddOptions{}
	cmd := &cobra.Command{
		Use:   "add --nip NIP --name NAME [--role officer|supervisor]",
		Short: "Register an officer (supervisors only); the officer types a new PIN",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Role != "officer" && opts.Role != "supervisor" {
				return cli.UsageT("--role harus officer (petugas) atau supervisor (pengawas), bukan %q", "--role must be officer or supervisor, not %q", opts.Role)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runOfficerAdd(cmd.Context(), app, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.NIP, "nip", "", "the officer's NIP (18 digits)")
	f.StringVar(&opts.Name, "name", "", "the officer's name")
	f.StringVar(&opts.Role, "role", "officer", "officer or supervisor")
	f.BoolVar(&opts.PIN.stdin, "pin-stdin", false, "read the new officer's PIN from standard input")
	cmd.MarkFlagRequired("nip")
	cmd.MarkFlagRequired("name")
	return cmd
}

func runOfficerAdd(ctx context.Context, app *App, opts *officerAddOptions) error {
	svc, err := app.service(ctx)
	if err != nil {
		return err
	}
	if _, err := svc.Authorize(ctx, intake.RoleSupervisor); err != nil {
		return err
	}
	pin, err := app.readPIN(opts.PIN, app.T("PIN baru untuk "+opts.Name, "New PIN for "+opts.Name), true)
	if err != nil {
		return err
	}
	o, err := svc.AddOfficer(ctx, intake.NewOfficer{NIP: opts.NIP, Name: opts.Name, Role: intake.Role(opts.Role), PIN: pin})
	if err != nil {
		return err
	}
	if app.JSON {
		return app.WriteJSON(officerJSON(o))
	}
	app.Say("%s %s (%s) terdaftar.", "%s %s (%s) registered.", capitalize(roleName(app, o.Role)), o.Name, o.NIP)
	return nil
}

type officerListOptions struct{}

func newOfficerListCommand(app *App, runF func(context.Context, *officerListOptions) error) *cobra.Command {
	opts := &officerListOptions{}
	return &cobra.Command{
		Use:   "list",
		Short: "List the kit's officers",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runOfficerList(cmd.Context(), app, opts)
		},
	}
}

func runOfficerList(ctx context.Context, app *App, opts *officerListOptions) error {
	svc, err := app.service(ctx)
	if err != nil {
		return err
	}
	list, err := svc.Officers(ctx)
	if err != nil {
		return err
	}
	if app.JSON {
		out := []map[string]any{}
		for _, o := range list {
			out = append(out, officerJSON(o))
		}
		return app.WriteJSON(out)
	}
	tw := tabwriter.NewWriter(app.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, app.T("NIP\tNAMA\tPERAN\tSTATUS", "NIP\tNAME\tROLE\tSTATE"))
	for _, o := range list {
		state := app.T("aktif", "active")
		if app.Now().Before(o.LockedUntil) {
			state = app.T("terkunci sampai ", "locked until ") + app.when(o.LockedUntil)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", o.NIP, o.Name, roleName(app, o.Role), state)
	}
	return tw.Flush()
}

func roleName(app *App, r intake.Role) string {
	if r == intake.RoleSupervisor {
		return app.T("pengawas", "supervisor")
	}
	return app.T("petugas", "officer")
}

func officerJSON(o intake.Officer) map[string]any {
	m := map[string]any{"id": o.ID, "nip": o.NIP, "name": o.Name, "role": o.Role}
	if !o.LockedUntil.IsZero() {
		m["locked_until"] = o.LockedUntil
	}
	return m
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

type officerUnlockOptions struct {
	NIP string
}

func newOfficerUnlockCommand(app *App, runF func(context.Context, *officerUnlockOptions) error) *cobra.Command {
	opts := &officerUnlockOptions{}
	cmd := &cobra.Command{
		Use:   "unlock --nip NIP",
		Short: "Lift an officer's lock after wrong PINs (supervisors only)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runOfficerUnlock(cmd.Context(), app, opts)
		},
	}
	cmd.Flags().StringVar(&opts.NIP, "nip", "", "the officer's NIP")
	cmd.MarkFlagRequired("nip")
	return cmd
}

func runOfficerUnlock(ctx context.Context, app *App, opts *officerUnlockOptions) error {
	svc, err := app.service(ctx)
	if err != nil {
		return err
	}
	o, err := svc.UnlockOfficer(ctx, opts.NIP)
	if err != nil {
		return err
	}
	app.Say("Akun %s (%s) dibuka.", "Account %s (%s) unlocked.", o.Name, o.NIP)
	return nil
}

type officerResetPINOptions struct {
	NIP string
	PIN pinSource
}

func newOfficerResetPINCommand(app *App, runF func(context.Context, *officerResetPINOptions) error) *cobra.Command {
	opts := &officerResetPINOptions{}
	cmd := &cobra.Command{
		Use:   "reset-pin --nip NIP",
		Short: "Give an officer a new PIN (supervisors only); the officer types it",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runOfficerResetPIN(cmd.Context(), app, opts)
		},
	}
	cmd.Flags().StringVar(&opts.NIP, "nip", "", "the officer's NIP")
	cmd.Flags().BoolVar(&opts.PIN.stdin, "pin-stdin", false, "read the new PIN from standard input")
	cmd.MarkFlagRequired("nip")
	return cmd
}

func runOfficerResetPIN(ctx context.Context, app *App, opts *officerResetPINOptions) error {
	svc, err := app.service(ctx)
	if err != nil {
		return err
	}
	if _, err := svc.Authorize(ctx, intake.RoleSupervisor); err != nil {
		return err
	}
	pin, err := app.readPIN(opts.PIN, app.T("PIN baru", "New PIN"), true)
	if err != nil {
		return err
	}
	o, err := svc.ResetPIN(ctx, opts.NIP, pin)
	if err != nil {
		return err
	}
	app.Say("PIN baru untuk %s (%s) tersimpan.", "New PIN for %s (%s) saved.", o.Name, o.NIP)
	return nil
}

type officerDisableOptions struct {
	NIP string
}

func newOfficerDisableCommand(app *App, runF func(context.Context, *officerDisableOptions) error) *cobra.Command {
	opts := &officerDisableOptions{}
	cmd := &cobra.Command{
		Use:   "disable --nip NIP",
		Short: "Stop an officer from logging in: their key slot is removed (supervisors only); their work stays",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runOfficerDisable(cmd.Context(), app, opts)
		},
	}
	cmd.Flags().StringVar(&opts.NIP, "nip", "", "the officer's NIP")
	cmd.MarkFlagRequired("nip")
	return cmd
}

func runOfficerDisable(ctx context.Context, app *App, opts *officerDisableOptions) error {
	svc, err := app.service(ctx)
	if err != nil {
		return err
	}
	o, err := svc.DisableOfficer(ctx, opts.NIP)
	if err != nil {
		return err
	}
	app.Say("%s (%s) dinonaktifkan: slot kuncinya dihapus.", "%s (%s) disabled: their key slot is removed.", o.Name, o.NIP)
	return nil
}
