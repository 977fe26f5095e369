package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/jemput/jemput/intake"
	"github.com/jemput/jemput/receipt"
)

type receiptOptions struct {
	Out     string // path; "" = receipts/NUMBER[-copy-N].pdf in the kit home
	Format  string
	Print   bool
	Printer string
}

// writeReceipt renders the receipt of an application, writes it and, when
// asked, prints it. copy is 0 for the original given at capture.
func (a *App) writeReceipt(ctx context.Context, svc *intake.Service, app intake.Application, copy int, opts receiptOptions) (string, error) {
	r, err := svc.ReceiptFor(ctx, app)
	if err != nil {
		return "", err
	}
	r.Copy = copy
	return a.renderReceipt(ctx, svc, r, opts)
}

func (a *App) renderReceipt(ctx context.Context, svc *intake.Service, r intake.ReceiptIssue, opts receiptOptions) (string, error) {
	key, err := a.deviceKey()
	if err != nil {
		return "", err
	}
	var photo []byte
	if p := r.App.Doc.Photo; p != nil {
		if photo, err = svc.Photo(ctx, p.SHA256); err != nil {
			return "", err
		}
	}
	d, err := receipt.ForApplication(r, photo, key)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := receipt.Render(&buf, d, receipt.Format(opts.Format)); err != nil {
		return "", err
	}
	path := opts.Out
	if path == "" {
		name := r.App.Number
		if r.Copy > 0 {
			name += fmt.Sprintf("-salinan-%d", r.Copy)
		}
		path = filepath.Join(a.receiptDir(), name+".pdf")
	}
	if err := writeFileAtomic(path, buf.Bytes()); err != nil {
		return "", err
	}
	if opts.Print {
		if err := printPDF(ctx, path, opts.Printer, r.App.Number); err != nil {
			return path, err
		}
	}
	return path, nil
}

// writeFileAtomic writes through a temporary file and a rename, so that a
// crash never leaves half a receipt where a whole one is expected.
func writeFileAtomic(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".receipt-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// printPDF sends a PDF to CUPS with lp.
func printPDF(ctx context.Context, path, printer, title string) error {
	lp, err := exec.LookPath("lp")
	if err != nil {
		return intake.Errorf(intake.CodeInternal, "lp (CUPS) tidak ditemukan; tanda terima tersimpan di %s", "lp (CUPS) not found; the receipt is saved at %s", path).
			WithHint("pasang cups-client, atau cetak berkas PDF itu dengan cara lain", "install cups-client, or print that PDF another way")
	}
	args := []string{"-t", title}
	if printer != "" {
		args = append(args, "-d", printer)
	}
	args = append(args, "--", path)
	out, err := exec.CommandContext(ctx, lp, args...).CombinedOutput()
	if err != nil {
		return intake.Errorf(intake.CodeInternal, "pencetakan gagal: %s; tanda terima tersimpan di %s", "printing failed: %s; the receipt is saved at %s",
			strings.TrimSpace(string(out)), path).WithHint("periksa pencetak dengan: lpstat -p", "check the printer with: lpstat -p")
	}
	return nil
}
