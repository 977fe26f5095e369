package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/jemput/jemput/cmd/internal/cli"

	"github.com/jemput/jemput/central"
	"github.com/jemput/jemput/forms"
	"github.com/spf13/cobra"
)

func newReportCommand(app *App) *cobra.Command {
	cmd := &cobra.Command{Use: "report", Short: "Reports for the office's planning"}
	cmd.AddCommand(newReportDemandCommand(app, nil))
	return cmd
}

type reportDemandOptions struct {
	By string
}

func newReportDemandCommand(app *App, runF func(context.Context, *reportDemandOptions) error) *cobra.Command {
	opts := &reportDemandOptions{}
	cmd := &cobra.Command{
		Use:   "demand [--by district|event|month]",
		Short: "Applications received by district (from the NIK), event or month",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.By != central.ByDistrict && opts.By != central.ByEvent && opts.By != central.ByMonth {
				return cli.Usagef("--by %q: %s district, event, month", opts.By, app.T("pilih", "want"))
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runReportDemand(cmd.Context(), app, opts)
		},
	}
	cmd.Flags().StringVar(&opts.By, "by", central.ByDistrict, "district, event or month")
	return cmd
}

func runReportDemand(ctx context.Context, app *App, opts *reportDemandOptions) error {
	office, err := app.openOffice(ctx)
	if err != nil {
		return err
	}
	rows, err := office.Demand(ctx, opts.By)
	if err != nil {
		return err
	}
	label := func(r central.DemandRow) string {
		if opts.By == central.ByDistrict {
			if name, ok := forms.DefaultTables().Regency(r.Regency); ok {
				return name
			}
		}
		return r.Label
	}
	if app.JSON {
		out := []map[string]any{}
		for _, r := range rows {
			out = append(out, map[string]any{opts.By: r.Key, "label": label(r), "applications": r.Applications,
				"accepted": r.Accepted, "rejected": r.Rejected, "ready": r.Ready})
		}
		return app.WriteJSON(out)
	}
	head := map[string][2]string{
		central.ByDistrict: {"KECAMATAN\tKABUPATEN", "DISTRICT\tREGENCY"},
		central.ByEvent:    {"KEGIATAN\tNAMA", "EVENT\tNAME"},
		central.ByMonth:    {"BULAN\t", "MONTH\t"},
	}[opts.By]
	tw := tabwriter.NewWriter(app.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, app.T(head[0]+"\tPERMOHONAN\tDITERIMA\tDITOLAK\tSIAP", head[1]+"\tAPPLICATIONS\tACCEPTED\tREJECTED\tREADY"))
	total := 0
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\n", dash(r.Key), dash(label(r)), r.Applications, r.Accepted, r.Rejected, r.Ready)
		total += r.Applications
	}
	fmt.Fprintf(tw, "%s\t\t%d\t\t\t\n", app.T("JUMLAH", "TOTAL"), total)
	return tw.Flush()
}
