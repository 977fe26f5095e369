package main

import "github.com/spf13/cobra"

func newHandoverCommand(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "handover NUMBER",
		Short: "Record that the applicant collected the passport the office marked ready",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, err := app.service(cmd.Context())
			if err != nil {
				return err
			}
			a, err := svc.Handover(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			if app.JSON {
				return app.WriteJSON(appJSON(app, a))
			}
			app.Say("%s: paspor diserahkan.", "%s: passport handed over.", a.Number)
			return nil
		},
	}
}
