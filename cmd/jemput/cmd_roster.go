package main

import (
	"context"
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/jemput/jemput/forms"
	"github.com/jemput/jemput/intake"
	"github.com/spf13/cobra"
)

func newRosterCommand(app *App) *cobra.Command {
	cmd := &cobra.Command{Use: "roster", Short: "Pre-registered lists for collective (Eazy Paspor) services"}
	cmd.AddCommand(newRosterImportCommand(app, nil), newRosterListCommand(app, nil))
	return cmd
}

type rosterImportOptions struct {
	File        string
	EventID     string
	SkipInvalid bool
}

func newRosterImportCommand(app *App, runF func(context.Context, *rosterImportOptions) error) *cobra.Command {
	opts := &rosterImportOptions{}
	cmd := &cobra.Command{
		Use:   "import FILE.csv [--event ID] [--skip-invalid]",
		Short: "Import a roster (supervisors only): every row is checked first, nothing is imported if one is bad",
		Long: `Import a roster CSV. The header names the columns; required:
full_name,nik,birth_date,application_type,phone. Every row is checked first;
bad rows are named with their line and field, and nothing is imported unless
--skip-invalid is given. Names may still carry titles here: the officer fixes
them when completing the entry (jemput intake --from-roster N).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runRosterImport(cmd.Context(), app, opts)
		},
	}
	cmd.Flags().StringVar(&opts.EventID, "event", "", "event id (default the open event)")
	cmd.Flags().BoolVar(&opts.SkipInvalid, "skip-invalid", false, "import the good rows and skip the bad ones")
	return cmd
}

func runRosterImport(ctx context.Context, app *App, opts *rosterImportOptions) error {
	svc, err := app.service(ctx)
	if err != nil {
		return err
	}
	f, err := os.Open(opts.File)
	if err != nil {
		return err
	}
	defer f.Close()
	rep, err := svc.ImportRoster(ctx, f, opts.EventID, opts.SkipInvalid)
	if err != nil {
		return err
	}
	if app.JSON {
		return app.WriteJSON(map[string]any{"event_id": rep.Event.ID, "rows": rep.Rows, "imported": len(rep.Imported), "skipped": rep.Skipped,
			"problems": rosterProblemsJSON(app, rep.Problems), "warnings": rosterProblemsJSON(app, rep.Warnings)})
	}
	for _, p := range rep.Problems {
		fmt.Fprintf(app.Err, app.T("dilewati baris %d: %s\n", "skipped line %d: %s\n"), p.Line, app.issueLine(p.Issue))
	}
	for _, p := range rep.Warnings {
		fmt.Fprintf(app.Err, app.T("peringatan baris %d: %s\n", "warning line %d: %s\n"), p.Line, app.issueLine(p.Issue))
	}
	app.Say("%d dari %d baris diimpor ke acara %s.", "%d of %d rows imported into event %s.", len(rep.Imported), rep.Rows, rep.Event.Name)
	return nil
}

func rosterProblemsJSON(app *App, ps []intake.RosterProblem) []map[string]any {
	out := []map[string]any{}
	for _, p := range ps {
		m := app.issuesJSON([]forms.Issue{p.Issue})[0]
		m["line"] = p.Line
		out = append(out, m)
	}
	return out
}

type rosterListOptions struct {
	EventID string
}

func newRosterListCommand(app *App, runF func(context.Context, *rosterListOptions) error) *cobra.Command {
	opts := &rosterListOptions{}
	cmd := &cobra.Command{
		Use:   "list [--event ID]",
		Short: "List the roster of the open event and which entries are done",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runRosterList(cmd.Context(), app, opts)
		},
	}
	cmd.Flags().StringVar(&opts.EventID, "event", "", "event id (default the open event)")
	return cmd
}

func runRosterList(ctx context.Context, app *App, opts *rosterListOptions) error {
	svc, err := app.service(ctx)
	if err != nil {
		return err
	}
	_, list, err := svc.RosterEntries(ctx, opts.EventID)
	if err != nil {
		return err
	}
	if app.JSON {
		out := []map[string]any{}
		for _, e := range list {
			m := map[string]any{"no": e.No, "line": e.Line, "values": e.Values, "state": "waiting"}
			if e.App != nil {
				m["application_id"], m["number"], m["status"] = e.App.ID, e.App.Number, string(e.App.Status)
				m["state"] = "done"
				if e.App.Status == intake.StatusDraft {
					m["state"] = "draft"
				}
			}
			out = append(out, m)
		}
		return app.WriteJSON(out)
	}
	tw := tabwriter.NewWriter(app.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, app.T("NO\tNAMA\tNIK\tJENIS\tKEADAAN\tPERMOHONAN", "NO\tNAME\tNIK\tTYPE\tSTATE\tAPPLICATION"))
	for _, e := range list {
		state, ref := app.T("menunggu", "waiting"), "-"
		if e.App != nil {
			state, ref = app.T("selesai", "done"), e.App.Ref()
			if e.App.Status == intake.StatusDraft {
				state, ref = app.T("draf", "draft"), e.App.ID[:8]
			}
		}
		nik, _ := e.Values["nik"].(string)
		typ := fmt.Sprint(e.Values["application_type"])
		if f, err := forms.Get(intake.DefaultForm); err == nil {
			if fd, ok := f.Field("application_type"); ok {
				if c, ok := fd.Choice(typ); ok {
					typ = c.Label.In(app.Lang)
				}
			}
		}
		fmt.Fprintf(tw, "%d\t%v\t%s\t%s\t%s\t%s\n", e.No, e.Values["full_name"], maskNIK(nik), typ, state, ref)
	}
	return tw.Flush()
}

// maskNIK keeps the first 6 and last 4 digits of a NIK: enough to match a
// person at the desk, not enough to misuse.
func maskNIK(nik string) string {
	if len(nik) != 16 {
		return nik
	}
	return nik[:6] + "******" + nik[12:]
}
