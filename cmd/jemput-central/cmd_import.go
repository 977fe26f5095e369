package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/jemput/jemput/central"
	"github.com/jemput/jemput/internal/atomicfile"
	ksync "github.com/jemput/jemput/sync"
	"github.com/spf13/cobra"
)

type importOptions struct {
	File string
	Acks string
}

func newImportCommand(app *App, runF func(context.Context, *importOptions) error) *cobra.Command {
	opts := &importOptions{}
	cmd := &cobra.Command{
		Use:   "import FILE [--acks OUT]",
		Short: "Import a sealed export file from a kit (USB) and write its signed acks",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = args[0]
			if opts.Acks == "" {
				opts.Acks = opts.File + ".acks"
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runImport(cmd.Context(), app, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Acks, "acks", "", "where to write the ack file for the kit (default FILE.acks)")
	return cmd
}

func runImport(ctx context.Context, app *App, opts *importOptions) error {
	office, err := app.openOffice(ctx)
	if err != nil {
		return err
	}
	in, err := os.Open(opts.File)
	if err != nil {
		return err
	}
	defer in.Close()
	acks, err := office.Import(ctx, in)
	if err != nil {
		return err
	}
	if err := writeAckFile(opts.Acks, acks); err != nil {
		return fmt.Errorf("%s (%s)", err, app.T("data sudah tersimpan; impor ulang untuk membuat berkas ack lagi", "the data is stored; import again to write the ack file again"))
	}
	s := central.Summarize(acks.Acks)
	if app.JSON {
		return app.WriteJSON(map[string]any{"kit": acks.Kit, "stored": s.Stored, "duplicate": s.Duplicate, "conflict": s.Conflict,
			"missing_attachment": s.MissingAttachment, "statuses": len(acks.Statuses), "acks": opts.Acks})
	}
	app.Say("Kit %s: %d tersimpan, %d duplikat, %d konflik, %d foto kurang.", "Kit %s: %d stored, %d duplicate, %d conflict, %d missing attachment.",
		acks.Kit, s.Stored, s.Duplicate, s.Conflict, s.MissingAttachment)
	app.Say("Berkas ack (%d status): %s — bawa ke kit: jemput sync import-acks FILE", "Ack file (%d statuses): %s — take it to the kit: jemput sync import-acks FILE",
		len(acks.Statuses), opts.Acks)
	return nil
}

// writeAckFile writes the ack file whole or not at all.
func writeAckFile(path string, f *ksync.AckFile) error {
	return atomicfile.Write(path, 0o600, true, func(w io.Writer) error { return ksync.WriteAckFile(w, *f) })
}
