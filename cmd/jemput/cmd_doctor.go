package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/jemput/jemput/cmd/internal/cli"
	"github.com/jemput/jemput/intake"
	"github.com/jemput/jemput/lang"
	"github.com/spf13/cobra"
)

type doctorOptions struct {
	Printer string // the printer --print --printer will name; "" = CUPS's default destination
}

func newDoctorCommand(app *App, runF func(context.Context, *doctorOptions) error) *cobra.Command {
	opts := &doctorOptions{}
	cmd := &cobra.Command{
		Use:   "doctor [--printer NAME]",
		Short: "Check the kit: database, encryption, keys, session, audit log, guards, printer, time zone",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runDoctor(cmd.Context(), app, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Printer, "printer", "", "check this printer instead of the default destination")
	return cmd
}

func runDoctor(ctx context.Context, app *App, opts *doctorOptions) error {
	svc, err := app.service(ctx)
	if err != nil {
		return err
	}
	bad := 0
	check := func(ok bool, id, en string, args ...any) {
		mark := app.T("ok   ", "ok  ")
		if !ok {
			mark, bad = app.T("GAGAL", "FAIL"), bad+1
		}
		fmt.Fprintf(app.Out, "%s %s\n", mark, fmt.Sprintf(app.T(id, en), args...))
	}
	kit, err := svc.Kit(ctx)
	check(err == nil, "kit %s (%s) di %s", "kit %s (%s) in %s", kit.Code, kit.Office, app.Home)
	// The laptop's own zone only matters as a warning: the kit dates
	// everything in its own zone, but an officer reading the laptop's clock
	// would see another hour.
	now := app.Now()
	kitNow := now.In(kit.Location())
	_, lapOff := now.In(time.Local).Zone()
	_, kitOff := kitNow.Zone()
	if lapOff == kitOff {
		check(true, "zona waktu kit %s (%s), sama dengan jam laptop", "kit time zone %s (%s), the same as the laptop's clock", kit.ZoneName(), intake.ZoneAbbrev(kitNow))
	} else {
		lapZone, _ := now.In(time.Local).Zone()
		fmt.Fprintf(app.Out, "%s %s\n", app.T("awas ", "warn"), fmt.Sprintf(app.T(
			"zona waktu kit %s (%s, sekarang %s), tetapi jam laptop memakai %s (UTC%s): kit tetap memakai zonanya sendiri; setel zona laptop (timedatectl set-timezone %s) agar jam layar sama",
			"kit time zone %s (%s, now %s), but the laptop's clock is in %s (UTC%s): the kit keeps to its own zone; set the laptop's (timedatectl set-timezone %s) so that the screen's clock agrees"),
			kit.ZoneName(), intake.ZoneAbbrev(kitNow), kitNow.Format("15:04"), lapZone, now.In(time.Local).Format("-07:00"), kit.ZoneName()))
	}
	h, err := app.db.Health(ctx)
	if err != nil {
		check(false, "basis data tidak bisa diperiksa: %v", "the database could not be checked: %v", err)
	} else {
		check(h.Integrity == "ok", "basis data utuh (integrity_check: %s)", "database intact (integrity_check: %s)", h.Integrity)
		check(h.JournalMode == "wal" && h.Synchronous == 2, "jurnal %s, synchronous=%d (2 = FULL)", "journal %s, synchronous=%d (2 = FULL)", h.JournalMode, h.Synchronous)
	}
	if st, err := os.Stat(app.dbPath()); err == nil {
		check(st.Mode().Perm()&0o077 == 0, "basis data hanya bisa dibaca pemiliknya (%v)", "database readable by its owner only (%v)", st.Mode().Perm())
	}
	app.doctorSecurity(ctx, kit, check)
	ev, err := svc.CurrentEvent(ctx)
	if err == nil {
		check(true, "acara dibuka: %s di %s", "open event: %s at %s", ev.Name, ev.Place)
	} else {
		fmt.Fprintln(app.Out, app.T("--    ", "--   ")+app.T("tidak ada acara yang dibuka", "no event is open"))
	}
	if st, err := svc.SyncState(ctx); err == nil {
		if st.Enrolled {
			check(true, "terdaftar di %s (%s)", "enrolled with %s (%s)", st.Office.Name, st.Office.URL)
		} else {
			fmt.Fprintln(app.Out, app.T("--    ", "--   ")+app.T("belum terdaftar di kantor pusat (jemput enroll)", "not enrolled with the central office (jemput enroll)"))
		}
		msg := fmt.Sprintf(app.T("%d permohonan disetujui menunggu dikirim", "%d approved applications waiting to be sent"), st.Waiting)
		if st.Waiting > 0 {
			msg += fmt.Sprintf(app.T(", yang tertua sejak %s", ", the oldest since %s"), app.when(st.Oldest))
		}
		check(!st.Over, "%s (batas %d hari / %d)", "%s (limits %d days / %d)", msg, st.Limits.MaxDays, st.Limits.MaxApps)
		check(len(st.Conflicts) == 0, "%d konflik dengan kantor", "%d conflicts with the office", len(st.Conflicts))
	}
	app.doctorMirrors(ctx, check)
	if _, err := os.Stat(app.tablesPath()); err == nil {
		check(true, "tabel kantor dipakai: %s", "office tables in use: %s", app.tablesPath())
	} else {
		fmt.Fprintln(app.Out, app.T("--    ", "--   ")+app.T("tabel bawaan (biaya, kode wilayah): tidak ada tables.json", "built-in tables (fees, region codes): no tables.json"))
	}
	if _, err := exec.LookPath("lp"); err == nil {
		p := checkPrinter(ctx, opts.Printer)
		if p.info {
			fmt.Fprintln(app.Out, app.T("--    ", "--   ")+app.T(p.msg.ID, p.msg.EN))
		} else {
			check(p.ok, "%s", "%s", app.T(p.msg.ID, p.msg.EN))
		}
		if !p.ok {
			fmt.Fprintln(app.Out, app.T("      ", "     ")+app.T(p.hint.ID, p.hint.EN))
		}
	} else {
		fmt.Fprintln(app.Out, app.T("--    ", "--   ")+app.T("lp (CUPS) tidak ada: tanda terima hanya disimpan sebagai PDF", "lp (CUPS) not found: receipts are saved as PDF only"))
	}
	if bad > 0 {
		return &exitCodeError{cli.ExitError}
	}
	return nil
}

// printerCheck is what doctor found about the printer --print uses.
type printerCheck struct {
	ok        bool
	info      bool // neither good nor bad: a kit with no printer at all keeps its receipts as PDF
	msg, hint lang.Text
}

// lpstatTimeout bounds each question to CUPS: a scheduler that does not
// answer must not hang doctor.
const lpstatTimeout = 5 * time.Second

// checkPrinter asks CUPS (lpstat) whether --print can print: the printer
// named, or else the default destination (lpoptions -d, or the LPDEST or
// PRINTER variable, as lp itself would choose), exists and accepts work.
// lp alone is not enough: without a destination every --print fails.
func checkPrinter(ctx context.Context, printer string) printerCheck {
	lpstat := func(args ...string) (string, error) {
		ctx, cancel := context.WithTimeout(ctx, lpstatTimeout)
		defer cancel()
		out, err := exec.CommandContext(ctx, "lpstat", args...).CombinedOutput()
		return strings.TrimSpace(string(out)), err
	}
	if _, err := exec.LookPath("lpstat"); err != nil {
		return printerCheck{msg: lang.Text{ID: "pencetak: lp ada, tetapi lpstat tidak: tujuan cetak tidak bisa diperiksa",
			EN: "printing: lp is there but lpstat is not: the destination cannot be checked"},
			hint: lang.Text{ID: "pasang cups-client", EN: "install cups-client"}}
	}
	how := lang.Text{ID: "pencetak " + printer, EN: "printer " + printer}
	if printer == "" {
		out, err := lpstat("-d")
		name, found := strings.CutPrefix(out, "system default destination: ")
		if err != nil || !found || name == "" {
			all, err := lpstat("-p")
			if strings.Contains(strings.ToLower(all), "not running") {
				return printerCheck{info: true,
					msg: lang.Text{ID: "lp (CUPS) ada, tetapi layanan CUPS tidak berjalan: tanda terima disimpan sebagai PDF, --print akan gagal",
						EN: "lp (CUPS) is there but the CUPS scheduler is not running: receipts are saved as PDF, --print will fail"},
					hint: lang.Text{ID: "jalankan CUPS (sudo service cups start), lalu periksa lagi dengan jemput doctor",
						EN: "start CUPS (sudo service cups start), then check again with jemput doctor"}}
			}
			if err != nil || !strings.HasPrefix(all, "printer ") {
				return printerCheck{info: true,
					msg: lang.Text{ID: "lp (CUPS) ada, tetapi belum ada pencetak: tanda terima disimpan sebagai PDF, --print akan gagal",
						EN: "lp (CUPS) is there but no printer is set up: receipts are saved as PDF, --print will fail"},
					hint: lang.Text{ID: "tambahkan pencetak di CUPS (lpadmin atau http://localhost:631), lalu pilih sebagai bawaan: lpoptions -d NAMA",
						EN: "add a printer to CUPS (lpadmin or http://localhost:631), then make it the default: lpoptions -d NAME"}}
			}
			return printerCheck{
				msg: lang.Text{ID: "pencetak: lp (CUPS) ada, tetapi tidak ada tujuan cetak bawaan: --print akan gagal (" + out + ")",
					EN: "printing: lp (CUPS) is there but there is no default destination: --print will fail (" + out + ")"},
				hint: lang.Text{ID: "pilih pencetak bawaan dengan: lpoptions -d NAMA (daftar: lpstat -p), atau beri --printer NAMA",
					EN: "choose a default printer with: lpoptions -d NAME (list: lpstat -p), or give --printer NAME"}}
		}
		printer = name
		how = lang.Text{ID: "pencetak bawaan " + printer, EN: "default printer " + printer}
	}
	out, err := lpstat("-p", printer)
	switch {
	case err != nil || !strings.HasPrefix(out, "printer "+printer+" "):
		return printerCheck{
			msg: lang.Text{ID: how.ID + " tidak dikenal CUPS: --print akan gagal (" + out + ")",
				EN: how.EN + " is not known to CUPS: --print will fail (" + out + ")"},
			hint: lang.Text{ID: "lihat pencetak yang ada dengan: lpstat -p", EN: "see the printers there are with: lpstat -p"}}
	case strings.Contains(out, "disabled"):
		return printerCheck{
			msg:  lang.Text{ID: how.ID + " dimatikan (" + out + ")", EN: how.EN + " is disabled (" + out + ")"},
			hint: lang.Text{ID: "nyalakan dengan: cupsenable " + printer, EN: "enable it with: cupsenable " + printer}}
	}
	return printerCheck{ok: true, msg: lang.Text{ID: "pencetak: " + how.ID + " siap (lp, CUPS)", EN: "printing: " + how.EN + " ready (lp, CUPS)"}}
}
