package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/jemput/jemput/cmd/internal/cli"
	"github.com/jemput/jemput/internal/atomicfile"

	"github.com/jemput/jemput/central"
	"github.com/jemput/jemput/central/report"
	"github.com/spf13/cobra"
)

func newReportCommand(app *App) *cobra.Command {
	cmd := &cobra.Command{Use: "report", Short: "Reports for the office's planning"}
	cmd.AddCommand(newReportDemandCommand(app, nil))
	return cmd
}

type reportDemandOptions struct {
	By       string
	From, To string
	Out      string // the PDF study, every view
	CSV      string // the view of --by
	Force    bool
}

func newReportDemandCommand(app *App, runF func(context.Context, *reportDemandOptions) error) *cobra.Command {
	opts := &reportDemandOptions{}
	cmd := &cobra.Command{
		Use:   "demand [--by district|event|month|purpose] [--from D] [--to D] [--out FILE.pdf] [--csv FILE]",
		Short: "The demand study: applications and people turned away by district (named), visit, month or purpose; --out prints every view with its chart",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !contains(central.DemandViews, opts.By) {
				return cli.Usagef("--by %q: %s district, event, month, purpose", opts.By, app.T("pilih", "want"))
			}
			if opts.Out != "" && !strings.HasSuffix(strings.ToLower(opts.Out), ".pdf") {
				return cli.Usagef("--out %q: %s", opts.Out, app.T("nama berkas harus berakhiran .pdf", "the file name must end in .pdf"))
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runReportDemand(cmd.Context(), app, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.By, "by", central.ByDistrict, "district, event, month or purpose")
	f.StringVar(&opts.From, "from", "", "first event date, YYYY-MM-DD")
	f.StringVar(&opts.To, "to", "", "last event date, YYYY-MM-DD")
	f.StringVar(&opts.Out, "out", "", "write the study as a PDF: one page per view with its chart, and the page on a ULP")
	f.StringVar(&opts.CSV, "csv", "", "write the view of --by as CSV")
	f.BoolVar(&opts.Force, "force", false, "overwrite files that exist")
	return cmd
}

func runReportDemand(ctx context.Context, app *App, opts *reportDemandOptions) error {
	for _, p := range []string{opts.Out, opts.CSV} {
		if _, err := os.Lstat(p); p != "" && err == nil && !opts.Force {
			return cli.Usagef("%s: %s", p, app.T("sudah ada; timpa dengan --force", "exists already; overwrite it with --force"))
		}
	}
	office, err := app.openOffice(ctx)
	if err != nil {
		return err
	}
	st, err := office.DemandStudy(ctx, central.DemandQuery{From: opts.From, To: opts.To})
	if err != nil {
		return err
	}
	if opts.Out != "" {
		var b bytes.Buffer
		if err := report.WritePDF(&b, st, office.Name(), office.Now(), true); err != nil {
			return err
		}
		if err := atomicfile.WriteFile(opts.Out, b.Bytes(), 0o644, opts.Force); err != nil {
			return err
		}
	}
	if opts.CSV != "" {
		var b bytes.Buffer
		if err := report.WriteCSV(&b, st, opts.By); err != nil {
			return err
		}
		if err := atomicfile.WriteFile(opts.CSV, b.Bytes(), 0o644, opts.Force); err != nil {
			return err
		}
	}
	if app.JSON {
		return app.WriteJSON(demandJSON(st, opts.By))
	}
	tw := tabwriter.NewWriter(app.Out, 0, 4, 2, ' ', 0)
	switch opts.By {
	case central.ByDistrict:
		fmt.Fprintln(tw, app.T("KODE\tKECAMATAN\tKABUPATEN\tPERMOHONAN", "CODE\tDISTRICT\tREGENCY\tAPPLICATIONS"))
		for _, d := range st.Districts {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\n", dash(d.Code), dash(d.District), dash(d.Regency), d.Applications)
		}
	case central.ByEvent:
		fmt.Fprintln(tw, app.T("TANGGAL\tKUNJUNGAN\tTEMPAT\tJENIS\tKUOTA\tPERMOHONAN\tTAK TERLAYANI", "DATE\tVISIT\tPLACE\tTYPE\tCAPACITY\tAPPLICATIONS\tTURNED AWAY"))
		for _, e := range st.Events {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%d\n", e.Date, dash(e.Name), dash(e.Place), dash(e.Type), e.Capacity, e.Applications, e.TurnedAway)
		}
	case central.ByMonth:
		fmt.Fprintln(tw, app.T("BULAN\tPERMOHONAN\tTAK TERLAYANI", "MONTH\tAPPLICATIONS\tTURNED AWAY"))
		for _, m := range st.Months {
			fmt.Fprintf(tw, "%s\t%d\t%d\n", m.Month, m.Applications, m.TurnedAway)
		}
	case central.ByPurpose:
		fmt.Fprintln(tw, app.T("TUJUAN\tPERMOHONAN", "PURPOSE\tAPPLICATIONS"))
		for _, p := range st.Purposes {
			fmt.Fprintf(tw, "%s\t%d\n", report.PurposeLabel(p.Purpose).In(app.Lang), p.Applications)
		}
	}
	fmt.Fprintf(tw, app.T("JUMLAH\t%d permohonan, %d tidak terlayani\n", "TOTAL\t%d applications, %d turned away\n"), st.Applications, st.TurnedAway)
	if err := tw.Flush(); err != nil {
		return err
	}
	if opts.Out != "" {
		app.Note("kajian: %s", "study: %s", opts.Out)
	}
	return nil
}

func demandJSON(st central.Study, by string) map[string]any {
	rows := []map[string]any{}
	switch by {
	case central.ByDistrict:
		for _, d := range st.Districts {
			rows = append(rows, map[string]any{"district": d.Code, "label": report.DistrictLabel(d), "district_name": d.District,
				"regency_name": d.Regency, "applications": d.Applications})
		}
	case central.ByEvent:
		for _, e := range st.Events {
			rows = append(rows, map[string]any{"kit": e.Kit, "event": e.EventID, "visit": e.Visit, "label": report.EventLabel(e), "name": e.Name,
				"place": e.Place, "date": e.Date, "type": e.Type, "capacity": e.Capacity, "applications": e.Applications,
				"turned_away": e.TurnedAway, "below_group": e.BelowGroup, "over_capacity": e.CapacityExceeded})
		}
	case central.ByMonth:
		for _, m := range st.Months {
			rows = append(rows, map[string]any{"month": m.Month, "applications": m.Applications, "turned_away": m.TurnedAway})
		}
	case central.ByPurpose:
		for _, p := range st.Purposes {
			rows = append(rows, map[string]any{"purpose": p.Purpose, "label": report.PurposeLabel(p.Purpose).EN, "applications": p.Applications})
		}
	}
	return map[string]any{"by": by, "rows": rows, "applications": st.Applications, "turned_away": st.TurnedAway,
		"turned_away_by_reason": st.TurnedBy, "verdict": report.Verdict(st).EN}
}
