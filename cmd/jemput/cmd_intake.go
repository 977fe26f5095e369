package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/jemput/jemput/cmd/internal/cli"
	"github.com/jemput/jemput/lang"

	"github.com/jemput/jemput/intake"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

type intakeOptions struct {
	Form          string
	Data          string
	FromRoster    int
	ConfirmRoster bool
	Resume        string
	Photo         string
	Overrides     []string
	Receipt       string
	Format        string
	Print         bool
	Printer       string
	Interactive   bool

	OverrideReasons map[string]string // Overrides parsed, before the run
}

func newIntakeCommand(app *App, runF func(context.Context, *intakeOptions) error) *cobra.Command {
	opts := &intakeOptions{}
	cmd := &cobra.Command{
		Use:   "intake [--form passport|stay-permit] [--data FILE.json|-] [--from-roster N] [--photo FILE.jpg] [--override FIELD=REASON]... [--receipt PATH] [--print [--printer NAME]]",
		Short: "Take one applicant: from a data file, or field by field at the terminal",
		Long: `Take one applicant into the open event.

With --data, the applicant's fields come from a JSON file (or - for standard
input); the application number is printed on success. A refused applicant
changes nothing and every failing field is named.

Without --data, at a terminal, intake asks field by field: values derived
from the NIK are offered as defaults, a bad answer is asked again with the
reason, and a summary is shown before saving. Interrupting (Ctrl-C, Ctrl-D)
keeps the entry as a draft: resume it with --resume ID.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if opts.OverrideReasons, err = parseOverrides(opts.Overrides); err != nil {
				return err
			}
			if err := checkReceiptOutput(receiptOutput{Format: opts.Format, Print: opts.Print, Printer: opts.Printer}); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runIntake(cmd.Context(), app, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Form, "form", "", "form: passport or stay-permit (default: the data's \"form\", else passport)")
	f.StringVar(&opts.Data, "data", "", "applicant data as JSON: a file, or - for standard input")
	f.IntVar(&opts.FromRoster, "from-roster", 0, "complete entry N of the event's roster (see jemput roster list)")
	f.BoolVar(&opts.ConfirmRoster, "confirm-roster", false, "complete the roster entry even though the name or NIK disagrees with it")
	f.StringVar(&opts.Resume, "resume", "", "resume the draft with this id")
	f.StringVar(&opts.Photo, "photo", "", "applicant photo (JPEG)")
	f.StringArrayVar(&opts.Overrides, "override", nil, "accept an overridable error on FIELD, with the reason: FIELD=REASON (repeatable)")
	f.StringVar(&opts.Receipt, "receipt", "", "where to write the receipt PDF (default: receipts/NUMBER.pdf in the kit home)")
	f.StringVar(&opts.Format, "format", "a4", "receipt paper: a4 or 80mm")
	f.BoolVar(&opts.Print, "print", false, "print the receipt with lp (CUPS)")
	f.StringVar(&opts.Printer, "printer", "", "printer name for --print (default: the system default)")
	f.BoolVar(&opts.Interactive, "interactive", false, "ask field by field even when standard input is not a terminal")
	return cmd
}

// parseOverrides reads FIELD=REASON pairs.
func parseOverrides(list []string) (map[string]string, error) {
	m := map[string]string{}
	for _, o := range list {
		field, reason, ok := strings.Cut(o, "=")
		field, reason = strings.TrimSpace(field), strings.TrimSpace(reason)
		if !ok || field == "" || reason == "" {
			return nil, cli.UsageT("--override %q: tulis ISIAN=ALASAN, dengan alasannya", "--override %q: want FIELD=REASON, with a reason", o)
		}
		m[field] = reason
	}
	return m, nil
}

// readData reads an applicant JSON object from a file or standard input.
func (a *App) readData(path string) (map[string]any, error) {
	var b []byte
	var err error
	if path == "-" {
		b, err = io.ReadAll(io.LimitReader(a.In, 1<<20))
	} else {
		b, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, err
	}
	return decodeApplicant(b, path)
}

func decodeApplicant(b []byte, name string) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var data map[string]any
	if err := dec.Decode(&data); err != nil || data == nil {
		why := "not a JSON object"
		if err != nil {
			why = err.Error()
		}
		return nil, intake.Errorf(intake.CodeInvalid, "%s bukan JSON yang sah: %s", "%s is not valid JSON: %s", name, why).
			WithHint("berkas data berisi satu objek JSON: {\"nama_field\": nilai, ...}; daftar field: jemput forms show passport", "a data file holds one JSON object: {\"field_id\": value, ...}; the fields: jemput forms show passport")
	}
	if dec.More() {
		return nil, intake.Errorf(intake.CodeInvalid, "%s berisi lebih dari satu objek JSON", "%s holds more than one JSON object", name)
	}
	return data, nil
}

func runIntake(ctx context.Context, app *App, opts *intakeOptions) error {
	overrides := opts.OverrideReasons
	if opts.Receipt != "" {
		if err := app.checkNewFile(opts.Receipt, false); err != nil {
			return err
		}
	}
	svc, err := app.service(ctx)
	if err != nil {
		return err
	}
	photo, err := readPhoto(opts.Photo)
	if err != nil {
		return err
	}
	// One path for every way in: the service starts from the roster entry
	// and the draft, puts the data (or the answers) on top, and checks them
	// in the same context at the terminal as in Capture.
	in := intake.CaptureInput{FormID: opts.Form, Overrides: overrides, Photo: photo, RosterNo: opts.FromRoster, DraftID: opts.Resume, RosterConfirmed: opts.ConfirmRoster}
	if opts.Data != "" {
		if in.Data, err = app.readData(opts.Data); err != nil {
			return err
		}
		return app.capture(ctx, svc, in, *opts)
	}
	if !opts.Interactive && !app.isTerminal() {
		return cli.Usagef("%s", app.T("tidak ada --data dan masukan bukan terminal: beri --data FILE.json, atau --interactive",
			"no --data and standard input is not a terminal: give --data FILE.json, or --interactive"))
	}
	// Say who and where, and check the roster entry and the draft, before
	// asking anything.
	entry, err := svc.Begin(ctx, in)
	if err != nil {
		return err
	}
	in.FormID, in.DraftID = entry.Form.ID, entry.Draft.ID
	return newPrompter(app, svc, entry).run(ctx, entry.Values, in, *opts, entry.Draft.ID != "")
}

// readPhoto reads and checks the photo given with --photo; nil for none.
func readPhoto(path string) ([]byte, error) {
	if path == "" {
		return nil, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if _, err := intake.CheckPhoto(b); err != nil {
		return nil, err
	}
	return b, nil
}

func (a *App) isTerminal() bool {
	f, ok := a.In.(*os.File)
	return ok && isTerminalFile(f)
}

func isTerminalFile(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// capture saves the applicant, then writes (and prints) the receipt.
func (a *App) capture(ctx context.Context, svc *intake.Service, in intake.CaptureInput, opts intakeOptions) error {
	c, err := svc.Capture(ctx, in)
	if err != nil {
		return err
	}
	path, rerr := a.writeReceipt(ctx, svc, c.App, 0, receiptOutput{Out: opts.Receipt, Format: opts.Format, Print: opts.Print, Printer: opts.Printer})
	if rerr == nil && (opts.Print || opts.Receipt != "") {
		// The original is given once it is printed or written where the
		// officer asked. A PDF only kept in the kit's receipts folder has
		// not reached the applicant: the first receipt printed with
		// `jemput receipt`, on whatever paper, is still the original.
		rerr = svc.ReceiptWritten(ctx, c.App.ID)
	}
	if a.JSON {
		m := appJSON(a, c.App)
		m["warnings"] = a.issuesJSON(c.Warnings)
		if path != "" {
			m["receipt"] = path
		}
		if err := a.WriteJSON(m); err != nil {
			return err
		}
	} else {
		fmt.Fprintln(a.Out, c.App.Number)
		for _, w := range c.Warnings {
			fmt.Fprintf(a.Err, a.T("peringatan: %s\n", "warning: %s\n"), a.issueLine(w))
		}
		if c.App.Status == intake.StatusIncomplete {
			a.Note("status: belum lengkap — dokumen kurang: %s", "status: incomplete — documents missing: %s", strings.Join(docLabels(a, c.App), ", "))
		}
		if path != "" {
			a.Note("tanda terima: %s", "receipt: %s", path)
		}
		a.noteQuota(ctx, svc, c.App.EventID)
	}
	if rerr != nil {
		return &intake.Error{Code: intake.CodeInternal, Err: rerr,
			Message: lang.Text{ID: "permohonan " + c.App.Number + " tersimpan, tetapi tanda terima gagal dibuat", EN: "application " + c.App.Number + " is saved, but its receipt failed"},
			Hint:    lang.Text{ID: "cetak ulang dengan: jemput receipt " + c.App.Number, EN: "print it again with: jemput receipt " + c.App.Number}}
	}
	return nil
}
