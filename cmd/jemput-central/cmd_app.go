package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/jemput/jemput/cmd/internal/cli"

	"github.com/jemput/jemput/central"
	ksync "github.com/jemput/jemput/sync"
	"github.com/spf13/cobra"
)

func newAppCommand(app *App) *cobra.Command {
	cmd := &cobra.Command{Use: "app", Short: "Applications received and the office's decisions"}
	cmd.AddCommand(newAppListCommand(app, nil), newAppStatusCommand(app, nil))
	return cmd
}

var appStatuses = []string{central.StatusReceived, ksync.StatusAccepted, ksync.StatusRejected, ksync.StatusReady}

type appListOptions struct {
	Status string
	Kit    string
}

func newAppListCommand(app *App, runF func(context.Context, *appListOptions) error) *cobra.Command {
	opts := &appListOptions{}
	cmd := &cobra.Command{
		Use:   "list [--status S] [--kit K]",
		Short: "List applications, by number",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Status != "" && !contains(appStatuses, opts.Status) {
				return cli.Usagef("--status %q: %s received, accepted, rejected, ready", opts.Status, app.T("pilih", "want"))
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runAppList(cmd.Context(), app, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Status, "status", "", "only this status: received, accepted, rejected, ready")
	f.StringVar(&opts.Kit, "kit", "", "only this kit's applications")
	return cmd
}

func runAppList(ctx context.Context, app *App, opts *appListOptions) error {
	office, err := app.openOffice(ctx)
	if err != nil {
		return err
	}
	list, err := office.Apps(ctx, central.AppFilter{Status: opts.Status, Kit: opts.Kit})
	if err != nil {
		return err
	}
	if app.JSON {
		out := []map[string]any{}
		for _, a := range list {
			out = append(out, appJSON(a))
		}
		return app.WriteJSON(out)
	}
	tw := tabwriter.NewWriter(app.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, app.T("NOMOR\tKIT\tVERSI\tSTATUS\tKECAMATAN\tKEGIATAN\tDITERIMA", "NUMBER\tKIT\tVERSION\tSTATUS\tDISTRICT\tEVENT\tRECEIVED"))
	for _, a := range list {
		status := a.Status
		switch {
		case a.Reason != "":
			status += " (" + a.Reason + ")"
		case a.Pickup != "":
			status += " (" + a.Pickup + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%s\n", a.Number, a.Kit, a.Version, status, dash(a.District), dash(a.Event.Name), formatTime(a.ReceivedAt))
	}
	return tw.Flush()
}

func appJSON(a central.Application) map[string]any {
	m := map[string]any{
		"id": a.AppID, "number": a.Number, "kit": a.Kit, "version": a.Version, "form": a.Form, "form_version": a.FormVersion,
		"kit_status": a.KitStatus, "status": a.Status, "event": a.Event, "district": a.District, "regency": a.Regency,
		"province": a.Province, "created_at": a.CreatedAt, "received_at": a.ReceivedAt, "updated_at": a.UpdatedAt,
	}
	if a.Reason != "" {
		m["reason"] = a.Reason
	}
	if a.Pickup != "" {
		m["pickup"] = a.Pickup
	}
	return m
}

type appStatusOptions struct {
	ID     string
	Set    string
	Reason string
	Pickup string
	Visit  string // the planned visit where a ready passport is handed over
}

func newAppStatusCommand(app *App, runF func(context.Context, *appStatusOptions) error) *cobra.Command {
	opts := &appStatusOptions{}
	cmd := &cobra.Command{
		Use:   "status ID|NUMBER --set accepted|rejected|ready [--reason R] [--pickup TEXT | --visit ID]",
		Short: "Set the office's decision on an application; the kit gets it at its next sync",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ID = args[0]
			switch opts.Set {
			case ksync.StatusAccepted:
			case ksync.StatusRejected:
				if opts.Reason == "" {
					return cli.Usagef("%s", app.T("penolakan perlu alasan: --reason ALASAN", "a rejection needs a reason: --reason REASON"))
				}
			case ksync.StatusReady:
				if opts.Pickup == "" && opts.Visit == "" {
					return cli.Usagef("%s", app.T("paspor siap perlu tempat/kunjungan pengambilan: --visit ID (jemput-central visit list) atau --pickup TEKS", "a ready passport needs a pickup visit: --visit ID (jemput-central visit list) or --pickup TEXT"))
				}
			default:
				return cli.Usagef("--set %q: %s accepted, rejected, ready", opts.Set, app.T("pilih", "want"))
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runAppStatus(cmd.Context(), app, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Set, "set", "", "accepted, rejected or ready")
	f.StringVar(&opts.Reason, "reason", "", "why it was rejected (required with --set rejected)")
	f.StringVar(&opts.Pickup, "pickup", "", "where and when to collect the passport (with --set ready, unless --visit)")
	f.StringVar(&opts.Visit, "visit", "", "the planned visit where the passport is handed over (with --set ready)")
	cmd.MarkFlagRequired("set")
	cmd.MarkFlagsMutuallyExclusive("pickup", "visit")
	return cmd
}

func runAppStatus(ctx context.Context, app *App, opts *appStatusOptions) error {
	office, err := app.openOffice(ctx)
	if err != nil {
		return err
	}
	var st ksync.Status
	if opts.Visit != "" {
		if opts.Set != ksync.StatusReady {
			return cli.Usagef("--visit: %s", app.T("hanya dengan --set ready", "only with --set ready"))
		}
		st, err = office.SetReady(ctx, opts.ID, opts.Visit)
	} else {
		st, err = office.SetStatus(ctx, opts.ID, opts.Set, opts.Reason, opts.Pickup)
	}
	if err != nil {
		return err
	}
	if app.JSON {
		return app.WriteJSON(st)
	}
	app.Say("%s: %s (urutan %d); kit menerimanya saat sinkronisasi berikutnya.", "%s: %s (seq %d); the kit gets it at its next sync.", st.Number, st.Status, st.Seq)
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
