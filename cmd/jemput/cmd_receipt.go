package main

import (
	"context"
	"crypto/ed25519"
	"errors"

	"github.com/jemput/jemput/cmd/internal/cli"

	"github.com/jemput/jemput/intake"
	"github.com/jemput/jemput/receipt"
	"github.com/spf13/cobra"
)

type receiptOptions struct {
	Ref string // NUMBER|ID
	receiptOutput
}

func newReceiptCommand(app *App, runF func(context.Context, *receiptOptions) error) *cobra.Command {
	opts := &receiptOptions{}
	cmd := &cobra.Command{
		Use:   "receipt NUMBER|ID [--out PATH] [--format a4|80mm] [--print [--printer NAME]]",
		Short: "Print a receipt: the original if the applicant has none yet, else a copy marked SALINAN / COPY n",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ref = args[0]
			if err := checkReceiptOutput(opts.receiptOutput); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runReceipt(cmd.Context(), app, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Out, "out", "", "where to write the PDF (default: receipts/ in the kit home)")
	f.StringVar(&opts.Format, "format", "a4", "paper: a4 or 80mm")
	f.BoolVar(&opts.Print, "print", false, "print with lp (CUPS)")
	f.StringVar(&opts.Printer, "printer", "", "printer name for --print")
	f.BoolVar(&opts.Force, "force", false, "overwrite the --out file if it exists")
	cmd.AddCommand(newReceiptVerifyCommand(app, nil))
	return cmd
}

// checkReceiptOutput refuses a paper or printer choice that cannot be
// right, before anything is opened.
func checkReceiptOutput(o receiptOutput) error {
	if o.Format != "a4" && o.Format != "80mm" {
		return cli.UsageT("--format harus a4 atau 80mm, bukan %q", "--format must be a4 or 80mm, not %q", o.Format)
	}
	if o.Printer != "" && !o.Print {
		return cli.UsageT("--printer hanya bersama --print", "--printer goes with --print")
	}
	return nil
}

func runReceipt(ctx context.Context, app *App, opts *receiptOptions) error {
	svc, err := app.service(ctx)
	if err != nil {
		return err
	}
	r, err := svc.IssueReceipt(ctx, opts.Ref)
	if err != nil {
		return err
	}
	path, err := app.renderReceipt(ctx, svc, r, opts.receiptOutput)
	if err != nil {
		return err
	}
	if err := svc.ReceiptGiven(ctx, r); err != nil {
		return err
	}
	if app.JSON {
		return app.WriteJSON(map[string]any{"number": r.App.Number, "copy": r.Copy, "receipt": path, "printed": opts.Print})
	}
	app.Say("%s", "%s", path)
	return nil
}

type receiptVerifyOptions struct {
	Text string // the QR code's text
}

func newReceiptVerifyCommand(app *App, runF func(context.Context, *receiptVerifyOptions) error) *cobra.Command {
	opts := &receiptVerifyOptions{}
	return &cobra.Command{
		Use:   "verify TEXT",
		Short: "Check a receipt's QR text: valid, or why not",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Text = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runReceiptVerify(cmd.Context(), app, opts)
		},
	}
}

func runReceiptVerify(ctx context.Context, app *App, opts *receiptVerifyOptions) error {
	svc, err := app.service(ctx)
	if err != nil {
		return err
	}
	kit, err := svc.Kit(ctx)
	if err != nil {
		return err
	}
	// A kit knows its own key; the central office knows every kit's.
	keyFor := func(code string) (ed25519.PublicKey, bool) {
		if code == kit.Code {
			return ed25519.PublicKey(kit.PublicKey), true
		}
		return nil, false
	}
	p, err := receipt.Verify(opts.Text, keyFor)
	if err != nil {
		var re *receipt.Error
		if errors.As(err, &re) {
			if app.JSON {
				app.WriteJSON(map[string]any{"valid": false, "code": re.Code, "reason": re.Message})
			}
			return intake.Errorf(intake.CodeInvalid, "tanda terima TIDAK sah: %s", "receipt NOT valid: %s", re.Message)
		}
		return err
	}
	if app.JSON {
		return app.WriteJSON(map[string]any{"valid": true, "kit": p.Kit, "number": p.Number, "nik_masked": p.NIKMasked, "name": p.Name,
			"issued": app.inZone(p.Issued), "fee": p.Fee, "version": p.Version, "copy": p.Copy})
	}
	app.Say("SAH: %s, %s, NIK %s, diterbitkan %s oleh kit %s", "VALID: %s, %s, NIK %s, issued %s by kit %s",
		p.Number, p.Name, p.NIKMasked, app.when(p.Issued), p.Kit)
	return nil
}
