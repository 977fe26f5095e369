package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
)

type purgeOptions struct {
	DryRun bool
}

func newPurgeCommand(app *App, runF func(context.Context, *purgeOptions) error) *cobra.Command {
	opts := &purgeOptions{}
	cmd := &cobra.Command{
		Use:   "purge [--dry-run]",
		Short: "Remove the applicant data of applications the office has confirmed (supervisors only); numbers, hashes, statuses and the audit log stay",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runPurge(cmd.Context(), app, opts)
		},
	}
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "say what would be removed, remove nothing")
	return cmd
}

func runPurge(ctx context.Context, app *App, opts *purgeOptions) error {
	svc, err := app.service(ctx)
	if err != nil {
		return err
	}
	res, err := svc.Purge(ctx, opts.DryRun)
	if err != nil {
		return err
	}
	if !opts.DryRun && len(res.Apps) > 0 {
		// The removed bytes leave the file and the WAL too.
		if err := app.db.Compact(ctx); err != nil {
			return err
		}
	}
	if app.JSON {
		numbers := []string{}
		for _, a := range res.Apps {
			numbers = append(numbers, a.Number)
		}
		return app.WriteJSON(map[string]any{"dry_run": opts.DryRun, "applications": numbers, "versions": res.Versions, "photos": res.Photos})
	}
	for _, a := range res.Apps {
		fmt.Fprintf(app.Out, "%s\t%s\n", a.Number, a.Status)
	}
	if opts.DryRun {
		app.Say("Akan dihapus: data pemohon dari %d permohonan yang sudah dikonfirmasi kantor.", "Would remove: the applicant data of %d applications the office has confirmed.", len(res.Apps))
		return nil
	}
	app.Say("Dihapus: data pemohon dari %d permohonan (%d versi, %d foto). Nomor, hash, status dan log audit tetap ada.",
		"Removed: the applicant data of %d applications (%d versions, %d photos). Numbers, hashes, statuses and the audit log stay.", len(res.Apps), res.Versions, res.Photos)
	return nil
}
