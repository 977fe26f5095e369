package main

import (
	"bytes"
	"context"
	"strings"

	"github.com/jemput/jemput/cmd/internal/cli"
	"github.com/jemput/jemput/report"
	"github.com/spf13/cobra"
)

func newReportCommand(app *App) *cobra.Command {
	cmd := &cobra.Command{Use: "report", Short: "Printed reports: the day report the supervisor signs"}
	cmd.AddCommand(newReportDayCommand(app, nil))
	return cmd
}

type reportDayOptions struct {
	EventID string
	Date    string
	Out     string
	CSV     string
	Force   bool
}

func newReportDayCommand(app *App, runF func(context.Context, *reportDayOptions) error) *cobra.Command {
	opts := &reportDayOptions{}
	cmd := &cobra.Command{
		Use:   "day [--event ID] [--date YYYY-MM-DD] --out FILE.pdf [--csv FILE.csv]",
		Short: "The day report of an event (supervisors only): totals, fees, every application, voids and returns, what reached the office",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !strings.HasSuffix(strings.ToLower(opts.Out), ".pdf") {
				return cli.Usagef("--out %q: %s", opts.Out, app.T("nama berkas harus berakhiran .pdf", "the file name must end in .pdf"))
			}
			if opts.CSV != "" && !strings.HasSuffix(strings.ToLower(opts.CSV), ".csv") {
				return cli.Usagef("--csv %q: %s", opts.CSV, app.T("nama berkas harus berakhiran .csv", "the file name must end in .csv"))
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runReportDay(cmd.Context(), app, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.EventID, "event", "", "the event (default the open one, else the latest)")
	f.StringVar(&opts.Date, "date", "", "only applications taken that day, YYYY-MM-DD (default every day of the event)")
	f.StringVar(&opts.Out, "out", "", "the PDF to write")
	f.StringVar(&opts.CSV, "csv", "", "also a CSV for a spreadsheet, one line per application")
	f.BoolVar(&opts.Force, "force", false, "overwrite files that exist")
	cmd.MarkFlagRequired("out")
	return cmd
}

func runReportDay(ctx context.Context, app *App, opts *reportDayOptions) error {
	// Refuse a bad path before anything is read.
	if err := app.checkNewFile(opts.Out, opts.Force); err != nil {
		return err
	}
	if opts.CSV != "" {
		if err := app.checkNewFile(opts.CSV, opts.Force); err != nil {
			return err
		}
	}
	svc, err := app.service(ctx)
	if err != nil {
		return err
	}
	r, err := svc.DayReport(ctx, opts.EventID, opts.Date)
	if err != nil {
		return err
	}
	var pdfBuf, csvBuf bytes.Buffer
	if err := report.WriteDayPDF(&pdfBuf, r, true); err != nil {
		return err
	}
	if opts.CSV != "" {
		if err := report.WriteCSV(&csvBuf, r); err != nil {
			return err
		}
	}
	if err := app.writeNewFile(opts.Out, pdfBuf.Bytes(), opts.Force); err != nil {
		return err
	}
	if opts.CSV != "" {
		if err := app.writeNewFile(opts.CSV, csvBuf.Bytes(), opts.Force); err != nil {
			return err
		}
	}
	if app.JSON {
		return app.WriteJSON(map[string]any{"event_id": r.Event.ID, "date": r.Date, "applications": len(r.Apps), "drafts": r.Drafts,
			"pdf": opts.Out, "csv": opts.CSV})
	}
	app.Say("Laporan harian %s: %d permohonan, %d draf. %s", "Day report of %s: %d applications, %d drafts. %s",
		r.Event.Name, len(r.Apps), r.Drafts, opts.Out)
	if opts.CSV != "" {
		app.Say("CSV: %s", "CSV: %s", opts.CSV)
	}
	return nil
}
