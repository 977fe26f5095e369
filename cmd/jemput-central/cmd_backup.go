package main

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jemput/jemput/cmd/internal/cli"
	"github.com/spf13/cobra"
)

type kitBackupOptions struct {
	Code string
}

func newKitBackupCommand(app *App, runF func(context.Context, *kitBackupOptions) error) *cobra.Command {
	opts := &kitBackupOptions{}
	cmd := &cobra.Command{
		Use:   "backup --code CODE",
		Short: "Open a kit's newest sealed backup (jemput sync --backup): its applications not approved yet, as JSON",
		Long: `backup opens the newest sealed backup a kit sent (jemput sync --backup or
--continuous) with this office's key and prints its applications, not yet
approved on the kit, as JSON on stdout. They are kept apart from the
applications the office received: they are not in app list, reports or
statuses. When a laptop is lost with its mirror, this is what the office
can give back. Keep what it prints as carefully as the kit itself.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Code == "" {
				return cli.Usagef("--code is required")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runKitBackup(cmd.Context(), app, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Code, "code", "", "the kit's code")
	return cmd
}

func runKitBackup(ctx context.Context, app *App, opts *kitBackupOptions) error {
	office, err := app.openOffice(ctx)
	if err != nil {
		return err
	}
	b, e, err := office.OpenBackup(ctx, opts.Code)
	if err != nil {
		return err
	}
	list := make([]map[string]any, 0, len(e.Batch.Records))
	for _, r := range e.Batch.Records {
		var doc struct {
			Values map[string]any `json:"values"`
		}
		json.Unmarshal(r.Doc, &doc)
		_, photo := e.Attachments[r.Photo]
		list = append(list, map[string]any{"id": r.AppID, "number": r.Number, "version": r.Version, "status": r.Status, "form": r.Form,
			"created_at": r.CreatedAt, "values": doc.Values, "photo": r.Photo, "photo_held": photo})
	}
	app.Note("Cadangan kit %s dari %s: %d permohonan belum disetujui, %d foto.", "Backup of kit %s made %s: %d applications not approved yet, %d photos.",
		opts.Code, b.CreatedAt.Format(time.RFC3339), b.Records, b.Photos)
	return app.WriteJSON(map[string]any{"kit_code": opts.Code, "created_at": b.CreatedAt, "received_at": b.ReceivedAt, "applications": list})
}
