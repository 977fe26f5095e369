package main

import (
	"context"

	"github.com/spf13/cobra"
)

type loginOptions struct {
	NIP string
	PIN pinSource
}

func newLoginCommand(app *App, runF func(context.Context, *loginOptions) error) *cobra.Command {
	opts := &loginOptions{}
	cmd := &cobra.Command{
		Use:   "login --nip NIP",
		Short: "Log in with NIP and PIN (five wrong PINs lock the account for 15 minutes)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runLogin(cmd.Context(), app, opts)
		},
	}
	cmd.Flags().StringVar(&opts.NIP, "nip", "", "your NIP (18 digits)")
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
	o, err := svc.Login(ctx, opts.NIP, pin)
	if err != nil {
		return err
	}
	if app.JSON {
		return app.WriteJSON(officerJSON(o))
	}
	app.Say("Selamat bertugas, %s (%s).", "Welcome, %s (%s).", o.Name, roleName(app, o.Role))
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
