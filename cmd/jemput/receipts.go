package main

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/jemput/jemput/intake"
	"github.com/jemput/jemput/internal/atomicfile"
	"github.com/jemput/jemput/receipt"
)

// receiptOutput says where a receipt goes: which file, which paper, and
// whether to print it.
type receiptOutput struct {
	Out     string // path; "" = receipts/NUMBER[-copy-N].pdf in the kit home
	Format  string
	Print   bool
	Printer string
	Force   bool // overwrite an existing file
}

// writeReceipt renders the receipt of an application, writes it and, when
// asked, prints it. copy is 0 for the original given at capture.
func (a *App) writeReceipt(ctx context.Context, svc *intake.Service, app intake.Application, copy int, opts receiptOutput) (string, error) {
	r, err := svc.ReceiptFor(ctx, app)
	if err != nil {
		return "", err
	}
	r.Copy = copy
	return a.renderReceipt(ctx, svc, r, opts)
}

func (a *App) renderReceipt(ctx context.Context, svc *intake.Service, r intake.ReceiptIssue, opts receiptOutput) (string, error) {
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
	path, force := opts.Out, opts.Force
	if path == "" {
		name := r.App.Number
		if r.Copy > 0 {
			name += fmt.Sprintf("-salinan-%d", r.Copy)
		}
		path = filepath.Join(a.receiptDir(), name+".pdf")
		// A receipt of this number already in the kit's folder was never
		// given (the original kept at intake without --print, or a copy
		// whose print failed: neither was counted), so the one given now,
		// perhaps on other paper, replaces it.
		force = true
	}
	if err := a.writeNewFile(path, buf.Bytes(), force); err != nil {
		return "", err
	}
	if opts.Print {
		var lpOpts []string
		if receipt.Format(opts.Format) == receipt.Roll80 {
			if m, ok := rollMedia(buf.Bytes()); ok {
				lpOpts = append(lpOpts, "-o", m)
			}
		}
		if err := printPDF(ctx, path, opts.Printer, r.App.Number, lpOpts...); err != nil {
			return path, err
		}
	}
	return path, nil
}

// mediaBox is the size of a PDF page as gofpdf writes it, in points; the
// first is the page's own, before the document's default.
var mediaBox = regexp.MustCompile(`/MediaBox \[0 0 ([0-9.]+) ([0-9.]+)\]`)

// rollMedia is the lp option that gives CUPS a roll receipt's own paper:
// 80 mm wide and as long as the receipt. Without it CUPS lays the page on
// the queue's default paper (A4 or Letter) and cuts off what does not fit,
// the number at the top among it.
func rollMedia(pdf []byte) (string, bool) {
	m := mediaBox.FindSubmatch(pdf)
	if m == nil {
		return "", false
	}
	w, err1 := strconv.ParseFloat(string(m[1]), 64)
	h, err2 := strconv.ParseFloat(string(m[2]), 64)
	if err1 != nil || err2 != nil || w <= 0 || h <= 0 {
		return "", false
	}
	mm := func(pt float64) int { return int(math.Ceil(pt * 25.4 / 72)) }
	return fmt.Sprintf("media=Custom.%dx%dmm", mm(w), mm(h)), true
}

// writeNewFile writes a file the kit makes for people (a receipt, an
// export for the USB stick) through a temporary file, fsync and a rename,
// so that a crash or a pulled stick never leaves half a file where a whole
// one is expected. It never overwrites an existing file unless force, and
// never writes into the kit's own folder except its receipts: a typo in
// --out must not destroy the kit's database.
func (a *App) writeNewFile(path string, b []byte, force bool) error {
	if err := a.checkNewFile(path, force); err != nil {
		return err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	dir := filepath.Dir(abs)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return atomicfile.WriteFile(abs, b, 0o600, force)
}

// checkNewFile says why path must not be written (see writeNewFile), so
// that a command can refuse before it does anything else.
func (a *App) checkNewFile(path string, force bool) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	home, _ := filepath.Abs(a.Home)
	receipts, _ := filepath.Abs(a.receiptDir())
	if within(abs, home) && !within(abs, receipts) {
		return intake.Errorf(intake.CodeInvalid, "tidak menulis ke folder kit (%s): pilih tempat lain", "will not write into the kit's folder (%s): choose another place", home)
	}
	if _, err := os.Lstat(abs); err == nil && !force {
		return intake.Errorf(intake.CodeConflict, "%s sudah ada", "%s already exists", path).
			WithHint("pilih nama lain, atau timpa dengan --force", "choose another name, or overwrite it with --force")
	}
	return nil
}

// within reports whether path is dir or inside it.
func within(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// printPDF sends a PDF to CUPS with lp, with lp's -o options if any.
func printPDF(ctx context.Context, path, printer, title string, lpOpts ...string) error {
	lp, err := exec.LookPath("lp")
	if err != nil {
		return intake.Errorf(intake.CodeInternal, "lp (CUPS) tidak ditemukan; tanda terima tersimpan di %s", "lp (CUPS) not found; the receipt is saved at %s", path).
			WithHint("pasang cups-client, atau cetak berkas PDF itu dengan cara lain", "install cups-client, or print that PDF another way")
	}
	args := []string{"-t", title}
	if printer != "" {
		args = append(args, "-d", printer)
	}
	args = append(args, lpOpts...)
	args = append(args, "--", path)
	out, err := exec.CommandContext(ctx, lp, args...).CombinedOutput()
	if err != nil {
		e := intake.Errorf(intake.CodeInternal, "pencetakan gagal: %s; tanda terima tersimpan di %s", "printing failed: %s; the receipt is saved at %s",
			strings.TrimSpace(string(out)), path)
		if printer == "" {
			return e.WithHint("jemput doctor memeriksa pencetak; pilih satu dengan --printer NAMA atau jadikan bawaan: lpoptions -d NAMA",
				"jemput doctor checks the printer; name one with --printer NAME or make it the default: lpoptions -d NAME")
		}
		return e.WithHint("jemput doctor --printer "+printer+" memeriksa pencetak itu; daftar pencetak: lpstat -p",
			"jemput doctor --printer "+printer+" checks that printer; the printers there are: lpstat -p")
	}
	return nil
}
