package main

import (
	"context"

	"github.com/jemput/jemput/intake"
	"github.com/spf13/cobra"
)

type zoneOptions struct {
	Set string // "" = show
}

// newZoneCommand shows the kit's time zone, or changes it (supervisors).
func newZoneCommand(app *App, runF func(context.Context, *zoneOptions) error) *cobra.Command {
	opts := &zoneOptions{}
	cmd := &cobra.Command{
		Use:   "zone [ZONE]",
		Short: "Show the kit's time zone, or set it (supervisor): Asia/Jakarta (WIB), Asia/Makassar (WITA), Asia/Jayapura (WIT)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Set = args[0]
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runZone(cmd.Context(), app, opts)
		},
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return []string{"Asia/Jakarta\tWIB", "Asia/Pontianak\tWIB", "Asia/Makassar\tWITA", "Asia/Jayapura\tWIT"}, cobra.ShellCompDirectiveNoFileComp
		},
	}
	return cmd
}

func runZone(ctx context.Context, app *App, opts *zoneOptions) error {
	svc, err := app.service(ctx)
	if err != nil {
		return err
	}
	var kit intake.Kit
	if opts.Set == "" {
		kit, err = svc.Kit(ctx)
	} else {
		kit, err = svc.SetZone(ctx, opts.Set)
	}
	if err != nil {
		return err
	}
	now := app.Now().In(kit.Location())
	if app.JSON {
		return app.WriteJSON(map[string]any{"zone": kit.ZoneName(), "abbreviation": intake.ZoneAbbrev(now), "now": now.Format("2006-01-02T15:04:05-07:00")})
	}
	app.Say("%s (%s), sekarang %s", "%s (%s), now %s", kit.ZoneName(), intake.ZoneAbbrev(now), now.Format("2006-01-02 15:04"))
	return nil
}
