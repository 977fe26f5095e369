package main

import (
	"github.com/spf13/cobra"
)

func newLoginCommand(app *App) *cobra.Command {
	var nip string
	var src pinSource
	cmd := &cobra.Command{
		Use:   "login --nip NIP",
		Short: "Log in with NIP and PIN (five wrong PINs lock the account for 15 minutes)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, err := app.service(cmd.Context())
			if err != nil {
				return err
			}
			pin, err := app.readPIN(src, "PIN", false)
			if err != nil {
				return err
			}
			o, err := svc.Login(cmd.Context(), nip, pin)
			if err != nil {
				return err
			}
			if app.JSON {
				return app.WriteJSON(officerJSON(o))
			}
			app.Say("Selamat bertugas, %s (%s).", "Welcome, %s (%s).", o.Name, roleName(app, o.Role))
			return nil
		},
	}
	cmd.Flags().StringVar(&nip, "nip", "", "your NIP (18 digits)")
	cmd.Flags().BoolVar(&src.stdin, "pin-stdin", false, "read the PIN from standard input")
	cmd.MarkFlagRequired("nip")
	return cmd
}

func newLogoutCommand(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "logout",
		Short: "Log out",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, err := app.service(cmd.Context())
			if err != nil {
				return err
			}
			o, err := svc.Logout(cmd.Context())
			if err != nil {
				return err
			}
			app.Say("%s sudah keluar.", "%s logged out.", o.Name)
			return nil
		},
	}
}

func newWhoamiCommand(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "whoami",
		Short: "Show who is logged in",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, err := app.service(cmd.Context())
			if err != nil {
				return err
			}
			o, err := svc.Whoami(cmd.Context())
			if err != nil {
				return err
			}
			kit, err := svc.Kit(cmd.Context())
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
		},
	}
}
