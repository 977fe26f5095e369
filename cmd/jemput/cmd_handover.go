package main

import (
	"context"

	"github.com/spf13/cobra"
)

type handoverOptions struct {
	Number string
}

func newHandoverCommand(app *App, runF func(context.Context, *handoverOptions) error) *cobra.Command {
	opts := &handoverOptions{}
	return &cobra.Command{
		Use:   "handover NUMBER",
		Short: "Record that the applicant collected the passport the office marked ready",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Number = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runHandover(cmd.Context(), app, opts)
		},
	}
}

func runHandover(ctx context.Context, app *App, opts *handoverOptions) error {
	svc, err := app.service(ctx)
	if err != nil {
		return err
	}
	a, err := svc.Handover(ctx, opts.Number)
	if err != nil {
		return err
	}
	if app.JSON {
		return app.WriteJSON(appJSON(app, a))
	}
	app.Say("%s: paspor diserahkan.", "%s: passport handed over.", a.Number)
	return nil
}
