package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/jemput/jemput/central"
	"github.com/spf13/cobra"
)

func newVisitCommand(app *App) *cobra.Command {
	cmd := &cobra.Command{Use: "visit", Short: "The office's plan of visits, which kits receive at sync"}
	cmd.AddCommand(newVisitAddCommand(app, nil), newVisitListCommand(app, nil))
	return cmd
}

type visitAddOptions struct {
	Place    string
	Date     string
	Type     string
	Capacity int
}

func newVisitAddCommand(app *App, runF func(context.Context, *visitAddOptions) error) *cobra.Command {
	opts := &visitAddOptions{}
	cmd := &cobra.Command{
		Use:   "add --place P --date YYYY-MM-DD [--type eazy-paspor|berkala|pos-terpadu] [--capacity N]",
		Short: "Plan a visit; kits learn it at their next sync, and receipts name it as the pickup",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runVisitAdd(cmd.Context(), app, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Place, "place", "", "where: the same words the kit's event uses")
	f.StringVar(&opts.Date, "date", "", "the day, YYYY-MM-DD")
	f.StringVar(&opts.Type, "type", "berkala", "eazy-paspor, berkala or pos-terpadu")
	f.IntVar(&opts.Capacity, "capacity", 0, "how many applicants the visit can take (0 = not set)")
	cmd.MarkFlagRequired("place")
	cmd.MarkFlagRequired("date")
	return cmd
}

func runVisitAdd(ctx context.Context, app *App, opts *visitAddOptions) error {
	office, err := app.openOffice(ctx)
	if err != nil {
		return err
	}
	v, err := office.AddVisit(ctx, opts.Place, opts.Date, opts.Type, opts.Capacity)
	if err != nil {
		return err
	}
	if app.JSON {
		return app.WriteJSON(visitJSON(v))
	}
	app.Say("Kunjungan %s direncanakan: %s, %s (%s).", "Visit %s planned: %s, %s (%s).", v.ID, v.Place, v.Date, v.Type)
	return nil
}

type visitListOptions struct {
	All bool
}

func newVisitListCommand(app *App, runF func(context.Context, *visitListOptions) error) *cobra.Command {
	opts := &visitListOptions{}
	cmd := &cobra.Command{
		Use:   "list [--all]",
		Short: "The planned visits from today on (--all: past ones too)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runVisitList(cmd.Context(), app, opts)
		},
	}
	cmd.Flags().BoolVar(&opts.All, "all", false, "past visits too")
	return cmd
}

func runVisitList(ctx context.Context, app *App, opts *visitListOptions) error {
	office, err := app.openOffice(ctx)
	if err != nil {
		return err
	}
	from := office.Now().Format("2006-01-02")
	if opts.All {
		from = ""
	}
	list, err := office.Visits(ctx, from)
	if err != nil {
		return err
	}
	if app.JSON {
		out := []map[string]any{}
		for _, v := range list {
			out = append(out, visitJSON(v))
		}
		return app.WriteJSON(out)
	}
	if len(list) == 0 {
		app.Note("belum ada kunjungan yang direncanakan: jemput-central visit add --place TEMPAT --date TTTT-BB-HH",
			"no visits planned yet: jemput-central visit add --place PLACE --date YYYY-MM-DD")
		return nil
	}
	tw := tabwriter.NewWriter(app.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, app.T("ID\tTANGGAL\tJENIS\tTEMPAT\tKUOTA", "ID\tDATE\tTYPE\tPLACE\tCAPACITY"))
	for _, v := range list {
		capacity := "-"
		if v.Capacity > 0 {
			capacity = fmt.Sprint(v.Capacity)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", v.ID, v.Date, v.Type, v.Place, capacity)
	}
	return tw.Flush()
}

func visitJSON(v central.Visit) map[string]any {
	return map[string]any{"id": v.ID, "place": v.Place, "date": v.Date, "type": v.Type, "capacity": v.Capacity}
}
