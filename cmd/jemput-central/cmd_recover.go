package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/jemput/jemput/cmd/internal/cli"
	"github.com/jemput/jemput/intake"
	"github.com/jemput/jemput/store"
	"github.com/spf13/cobra"
)

type kitRecoverOptions struct {
	Home string
}

func newKitRecoverCommand(app *App, runF func(context.Context, *kitRecoverOptions) error) *cobra.Command {
	opts := &kitRecoverOptions{}
	cmd := &cobra.Command{
		Use:   "recover --kit-home DIR",
		Short: "Open a kit's data with this office's key (a kit whose officers are gone): prints its applications as JSON",
		Long: `recover opens a kit home (or a copy of it) with the recovery slot the kit
sealed to this office's key when it enrolled, and prints every application
with its current document as JSON on stdout. It needs no PIN and no
session; it changes nothing in the kit but what its database migrations
do. Keep what it prints as carefully as the kit itself.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Home == "" {
				return cli.Usagef("--kit-home is required")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runKitRecover(cmd.Context(), app, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Home, "kit-home", "", "the kit's home folder, or a copy of it")
	return cmd
}

func runKitRecover(ctx context.Context, app *App, opts *kitRecoverOptions) error {
	path := filepath.Join(opts.Home, "kit.db")
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("no kit database in %s: %w", opts.Home, err)
	}
	office, err := app.openOffice(ctx)
	if err != nil {
		return err
	}
	db, err := store.Open(ctx, path)
	if err != nil {
		return err
	}
	defer db.Close()
	var slot []byte
	var uid string
	if err := db.SQL().QueryRowContext(ctx, `SELECT recovery, uid FROM kit WHERE id = 1`).Scan(&slot, &uid); errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s holds no kit", path)
	} else if err != nil {
		return err
	}
	secret, err := office.OpenRecovery(slot)
	if err != nil {
		return err
	}
	svc := intake.NewService(db, intake.WithClock(app.Now))
	now := app.Now()
	// The office acts as the kit's supervisor for this process only.
	var sup string
	if err := db.SQL().QueryRowContext(ctx, `SELECT id FROM officers WHERE role = 'supervisor' ORDER BY created_at LIMIT 1`).Scan(&sup); err != nil {
		return err
	}
	if err := svc.Unlock(ctx, secret, sup, now, now.Add(time.Hour)); err != nil {
		return err
	}
	kit, err := svc.Kit(ctx)
	if err != nil {
		return err
	}
	apps, err := svc.Applications(ctx, intake.Filter{})
	if err != nil {
		return err
	}
	list := make([]map[string]any, 0, len(apps))
	for _, a := range apps {
		list = append(list, map[string]any{"id": a.ID, "number": a.Number, "status": a.Status, "form": a.FormID, "version": a.Version,
			"created_at": a.CreatedAt, "values": a.Doc.Values, "photo": a.Doc.Photo, "purged": !a.PurgedAt.IsZero()})
	}
	app.Note("Kit %s dibuka dengan kunci kantor: %d permohonan.", "Kit %s opened with the office's key: %d applications.", kit.Code, len(apps))
	return app.WriteJSON(map[string]any{"kit_code": kit.Code, "kit_id": uid, "applications": list})
}
