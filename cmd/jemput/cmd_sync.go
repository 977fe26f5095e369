package main

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jemput/jemput/cmd/internal/cli"
	"github.com/jemput/jemput/internal/atomicfile"
	"github.com/jemput/jemput/sync/kitside"

	"github.com/jemput/jemput/intake"
	ksync "github.com/jemput/jemput/sync"
	"github.com/spf13/cobra"
)

type enrollOptions struct {
	Central      string
	Token        string
	InsecureHTTP bool
}

func newEnrollCommand(app *App, runF func(context.Context, *enrollOptions) error) *cobra.Command {
	opts := &enrollOptions{}
	cmd := &cobra.Command{
		Use:   "enroll --central URL --token TOKEN",
		Short: "Register this kit with the central office (supervisors; needs a link)",
		Long: `Register this kit with the central office, using the one-time token the
office made with 'jemput-central kit add'. The token names the office's key:
the kit checks it is talking to that office before it sends anything.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runEnroll(cmd.Context(), app, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Central, "central", "", "the central office's address, e.g. https://sync.imigrasi-batulicin.go.id")
	cmd.Flags().StringVar(&opts.Token, "token", "", "the one-time token from the office (jemput-central kit add)")
	cmd.Flags().BoolVar(&opts.InsecureHTTP, "insecure-http", false, "allow plain http to an office that is not on this machine (applicant data then crosses the link unencrypted)")
	cmd.MarkFlagRequired("central")
	cmd.MarkFlagRequired("token")
	return cmd
}

func runEnroll(ctx context.Context, app *App, opts *enrollOptions) error {
	svc, err := app.service(ctx)
	if err != nil {
		return err
	}
	if _, err := svc.Authorize(ctx, intake.RoleSupervisor); err != nil {
		return err
	}
	if err := checkOfficeURL(opts.Central, opts.InsecureHTTP); err != nil {
		return err
	}
	tok, err := ksync.ParseToken(opts.Token)
	if err != nil {
		return cli.Usagef("--token: %v", err)
	}
	kit, err := svc.Kit(ctx)
	if err != nil {
		return err
	}
	if tok.Kit != kit.Code {
		return cli.Usagef("%s", fmt.Sprintf(app.T("token ini untuk kit %s, bukan %s", "this token is for kit %s, not %s"), tok.Kit, kit.Code))
	}
	key, err := app.deviceKey()
	if err != nil {
		return err
	}
	info, _, err := ksync.Enroll(ctx, opts.Central, tok, kit.Code, key)
	if err != nil {
		return explainSync(err, kit.Code)
	}
	o := intake.Office{URL: opts.Central, Name: info.Office, SigningKey: info.SigningKey, SealingRecipient: info.SealingRecipient, TLSCertSHA256: info.TLSCertSHA256}
	if err := svc.SetOffice(ctx, o); err != nil {
		return err
	}
	if app.JSON {
		return app.WriteJSON(map[string]any{"office": info.Office, "url": opts.Central, "fingerprint": ksync.Fingerprint(info.SigningKey)})
	}
	app.Say("Kit %s terdaftar di %s (%s), sidik kunci kantor %s.", "Kit %s enrolled with %s (%s), office key fingerprint %s.", kit.Code, info.Office, opts.Central, ksync.Fingerprint(info.SigningKey))
	return nil
}

type syncOptions struct {
	DryRun     bool
	Backup     bool          // also send a sealed backup of what is not approved yet
	Continuous bool          // sync with the backup again and again until interrupted
	Every      time.Duration // how often, with Continuous
}

func newSyncCommand(app *App, runF func(context.Context, *syncOptions) error) *cobra.Command {
	opts := &syncOptions{}
	cmd := &cobra.Command{
		Use:   "sync [--dry-run] [--backup] [--continuous [--every 5m]]",
		Short: "Send approved applications to the office and fetch its statuses (supervisors)",
		Long: `Send every approved application not yet held by the office, with its
photo, then fetch what the office says (accepted, rejected, ready for pickup).
Works over a poor link: photos go in small frames that resume where a cut
left them, and everything can be sent again safely. Interrupt it at any
moment and run it again.

With --backup it also sends the office a sealed backup of every application
captured but not yet approved (sealed to the office's key and signed by the
kit, as an export file is): the office keeps it apart from the applications
it receives, replacing the kit's previous backup, and nothing is approved
or marked as sent. With --continuous it does both again every --every
(default 5 minutes) while the link lasts, until interrupted; a round that
fails (no link) is tried again at the next.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runSync(cmd.Context(), app, opts)
		},
	}
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "say what would be sent, send nothing")
	cmd.Flags().BoolVar(&opts.Backup, "backup", false, "also send the office a sealed backup of the applications captured but not approved (it approves nothing)")
	cmd.Flags().BoolVar(&opts.Continuous, "continuous", false, "while there is a link: sync with --backup again and again (see --every) until Ctrl-C")
	cmd.Flags().DurationVar(&opts.Every, "every", 5*time.Minute, "with --continuous: how long between two syncs")
	cmd.AddCommand(newSyncExportCommand(app, nil), newSyncImportAcksCommand(app, nil), newSyncLimitsCommand(app, nil))
	return cmd
}

func runSync(ctx context.Context, app *App, opts *syncOptions) error {
	k, err := app.syncKit(ctx, !opts.DryRun)
	if err != nil {
		return err
	}
	svc, kit, office := k.svc, k.kit, k.office
	side := kitside.New(svc, kit.Code)
	if opts.Continuous && !opts.DryRun {
		return runSyncContinuous(ctx, app, opts, k)
	}
	if opts.DryRun {
		rep, err := ksync.DryRun(ctx, side)
		if err != nil {
			return err
		}
		if app.JSON {
			return app.WriteJSON(map[string]any{"records": rep.Records, "photo_bytes": rep.PhotoBytes})
		}
		app.Say("Akan dikirim: %d permohonan, foto %d KB.", "Would send: %d applications, %d KB of photos.", rep.Records, rep.PhotoBytes>>10)
		return nil
	}
	key, err := app.deviceKey()
	if err != nil {
		return err
	}
	client, err := ksync.NewClient(office.URL, kit.Code, key, office.TLSCertSHA256, app.Now)
	if err != nil {
		return err
	}
	client.TrustOffice(office.SigningKey)
	started := time.Now()
	// Quiet unless JEMPUT_LOG asks: the officer sees the progress and the
	// summary; a technician looking into a bad link sets JEMPUT_LOG=debug.
	log, err := cli.NewLogger(app.Err, app.Getenv, "off")
	if err != nil {
		return cli.Usagef("%v", err)
	}
	rep, err := ksync.Run(ctx, client, side, ksync.RunOptions{Progress: app.progress(), Log: log})
	if err != nil {
		return explainSync(err, kit.Code)
	}
	var backup ksync.BackupResult
	if opts.Backup {
		if backup, err = app.sendBackup(ctx, client, side, k, key); err != nil {
			return err
		}
	}
	if app.JSON {
		m := map[string]any{"records": rep.Records, "stored": rep.Stored, "duplicate": rep.Duplicate, "conflict": rep.Conflict,
			"missing": rep.Missing, "photo_bytes": rep.PhotoBytes, "statuses": rep.Statuses, "rejected": len(side.Rejected), "attempts": rep.Attempts}
		if opts.Backup {
			m["backup"] = map[string]any{"records": backup.Records, "photos": backup.Photos}
		}
		return app.WriteJSON(m)
	}
	app.Say("Terkirim %d permohonan: %d baru, %d sudah ada di kantor, %d konflik; %d status dari kantor (%s, %d percobaan).",
		"Sent %d applications: %d new, %d already at the office, %d conflicts; %d statuses from the office (%s, %d attempts).",
		rep.Records, rep.Stored, rep.Duplicate, rep.Conflict, rep.Statuses, time.Since(started).Round(time.Second), rep.Attempts)
	for _, c := range rep.Conflicts {
		app.Note("konflik: %s — %s", "conflict: %s — %s", c.ID, c.Message)
	}
	for _, r := range side.Rejected {
		app.Note("ditolak kantor: %s — %s", "rejected by the office: %s — %s", r.Number, r.Reason)
	}
	if opts.Backup {
		app.Say("Cadangan tersegel di kantor: %d permohonan belum disetujui, %d foto (tidak disetujui, tidak dianggap terkirim).",
			"Sealed backup at the office: %d applications not approved yet, %d photos (nothing approved, nothing marked as sent).", backup.Records, backup.Photos)
	}
	return nil
}

// sendBackup seals every application captured but not approved, with its
// photos, to the office's key, signs it with the device key and sends it.
func (a *App) sendBackup(ctx context.Context, client *ksync.Client, side *kitside.Side, k syncingKit, key ed25519.PrivateKey) (ksync.BackupResult, error) {
	recs, photos, err := side.Backup(ctx)
	if err != nil {
		return ksync.BackupResult{}, err
	}
	e := ksync.Export{Kit: k.kit.Code, Created: a.Now().UTC(),
		Batch:       ksync.Batch{BatchID: fmt.Sprintf("%s-backup-%d", k.kit.Code, a.Now().UnixNano()), Kit: k.kit.Code, Records: recs},
		Attachments: map[string][]byte{}}
	for _, p := range photos {
		b, err := side.Photo(ctx, p.SHA256)
		if err != nil {
			return ksync.BackupResult{}, err
		}
		e.Attachments[p.SHA256] = b
	}
	sealed, err := ksync.SealBackup(k.office.SealingRecipient, key, e)
	if err != nil {
		return ksync.BackupResult{}, err
	}
	return client.SendBackup(ctx, sealed)
}

// runSyncContinuous syncs with a backup, waits, and again, until the
// command is interrupted. A round that fails is said and tried again.
func runSyncContinuous(ctx context.Context, app *App, opts *syncOptions, k syncingKit) error {
	if opts.Every < time.Second {
		return cli.Usagef("--every must be at least 1s, not %s", opts.Every)
	}
	once := *opts
	once.Continuous, once.Backup = false, true
	for round := 1; ; round++ {
		app.Note("sinkron %d (%s)", "sync %d (%s)", round, app.Now().Format("15:04:05"))
		if err := runSync(ctx, app, &once); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			app.printError(err)
			app.Note("dicoba lagi dalam %s", "trying again in %s", opts.Every)
		}
		select {
		case <-ctx.Done():
			app.Note("sinkron berkelanjutan berhenti", "continuous sync stopped")
			return nil
		case <-time.After(opts.Every):
		}
	}
}

type syncExportOptions struct {
	Out   string
	Force bool
}

func newSyncExportCommand(app *App, runF func(context.Context, *syncExportOptions) error) *cobra.Command {
	opts := &syncExportOptions{}
	cmd := &cobra.Command{
		Use:   "export --out FILE",
		Short: "Write the batches to a sealed file for a USB stick, when there is no link at all",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runSyncExport(cmd.Context(), app, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Out, "out", "", "the file to write (on the USB stick)")
	cmd.Flags().BoolVar(&opts.Force, "force", false, "overwrite the file if it exists")
	cmd.MarkFlagRequired("out")
	return cmd
}

func runSyncExport(ctx context.Context, app *App, opts *syncExportOptions) error {
	if err := app.checkNewFile(opts.Out, opts.Force); err != nil {
		return err
	}
	k, err := app.syncKit(ctx, true)
	if err != nil {
		return err
	}
	svc, kit, office := k.svc, k.kit, k.office
	key, err := app.deviceKey()
	if err != nil {
		return err
	}
	side := kitside.New(svc, kit.Code)
	// Streamed: a page of records and one photo at a time are in memory;
	// the batch and the compressed payload wait in the kit's home (beside
	// its database, not on the stick) until the batch's length and the
	// payload's hash are known. What the file holds is kept as ids only,
	// to mark exported once it is written.
	var ids []string
	photos := 0
	seen := map[string]bool{}
	src := ksync.ExportSource{Kit: kit.Code, Created: app.Now().UTC(),
		Batch: ksync.Batch{BatchID: fmt.Sprintf("%s-%d", kit.Code, app.Now().UnixNano()), Kit: kit.Code},
		Records: func(fn func([]ksync.Record, []ksync.Photo) error) error {
			ids, photos, seen = nil, 0, map[string]bool{}
			return side.Pending(ctx, func(recs []ksync.Record, ps []ksync.Photo) error {
				for _, r := range recs {
					ids = append(ids, r.ID())
				}
				for _, p := range ps {
					if !seen[p.SHA256] {
						seen[p.SHA256] = true
						photos++
					}
				}
				return fn(recs, ps)
			})
		},
		Audit: func(fn func([]ksync.AuditEntry) error) error { return side.Audit(ctx, 2000, fn) },
		Photo: func(sha string) ([]byte, error) { return side.Photo(ctx, sha) }}
	abs, err := filepath.Abs(opts.Out)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o700); err != nil {
		return err
	}
	var size int64
	err = atomicfile.Write(abs, 0o600, opts.Force, func(w io.Writer) error {
		cw := &countingWriter{w: w}
		err := ksync.SealExportFrom(cw, app.Home, office.SealingRecipient, key, src)
		size = cw.n
		return err
	})
	if err != nil {
		return err
	}
	if err := svc.MarkExported(ctx, ids, opts.Out); err != nil {
		return err
	}
	if app.JSON {
		return app.WriteJSON(map[string]any{"file": opts.Out, "records": len(ids), "photos": photos, "bytes": size})
	}
	app.Say("%s: %d permohonan, %d foto, %d KB, tersegel untuk %s.", "%s: %d applications, %d photos, %d KB, sealed for %s.", opts.Out, len(ids), photos, size>>10, office.Name)
	app.Note("bawa ke kantor: jemput-central import %s; lalu: jemput sync import-acks %s.acks", "take it to the office: jemput-central import %s; then: jemput sync import-acks %s.acks", opts.Out, opts.Out)
	return nil
}

type syncImportAcksOptions struct {
	File string
}

func newSyncImportAcksCommand(app *App, runF func(context.Context, *syncImportAcksOptions) error) *cobra.Command {
	opts := &syncImportAcksOptions{}
	return &cobra.Command{
		Use:   "import-acks FILE",
		Short: "Read the office's acknowledgment file for an export back into the kit",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runSyncImportAcks(cmd.Context(), app, opts)
		},
	}
}

func runSyncImportAcks(ctx context.Context, app *App, opts *syncImportAcksOptions) error {
	k, err := app.syncKit(ctx, true)
	if err != nil {
		return err
	}
	svc, kit, office := k.svc, k.kit, k.office
	f, err := os.Open(opts.File)
	if err != nil {
		return err
	}
	defer f.Close()
	af, err := ksync.ReadAckFile(f)
	if err != nil {
		return err
	}
	if err := af.Verify(office.SigningKey); err != nil {
		return intake.Errorf(intake.CodeInvalid, "berkas jawaban tidak sah: %v", "the acknowledgment file is not valid: %v", err)
	}
	if af.Kit != kit.Code {
		return intake.Errorf(intake.CodeInvalid, "berkas jawaban untuk kit %s, bukan %s", "the acknowledgment file is for kit %s, not %s", af.Kit, kit.Code)
	}
	side := kitside.New(svc, kit.Code)
	if err := side.SaveAcks(ctx, af.Acks); err != nil {
		return err
	}
	if err := side.SaveStatuses(ctx, ksync.Statuses{Statuses: af.Statuses, Visits: af.Visits}); err != nil {
		return err
	}
	held := 0
	for _, a := range af.Acks {
		if a.Result == ksync.AckStored || a.Result == ksync.AckDuplicate {
			held++
		}
	}
	app.Say("%d jawaban dibaca: %d permohonan ada di kantor; %d status.", "%d answers read: %d applications held by the office; %d statuses.", len(af.Acks), held, len(af.Statuses))
	return nil
}

// syncingKit is what the sync commands start from.
type syncingKit struct {
	svc    *intake.Service
	kit    intake.Kit
	office intake.Office
}

// syncKit opens the kit for a supervisor, with its office when enrolled
// (and an error when needOffice and it is not).
func (a *App) syncKit(ctx context.Context, needOffice bool) (syncingKit, error) {
	var k syncingKit
	var err error
	if k.svc, err = a.service(ctx); err != nil {
		return k, err
	}
	if _, err := k.svc.Authorize(ctx, intake.RoleSupervisor); err != nil {
		return k, err
	}
	if k.kit, err = k.svc.Kit(ctx); err != nil {
		return k, err
	}
	if k.office, err = k.svc.Office(ctx); err != nil && (needOffice || !intake.IsCode(err, intake.CodeNotEnrolled)) {
		return k, err
	}
	return k, nil
}

type syncLimitsOptions struct {
	Days, Apps       int
	DaysSet, AppsSet bool // --days, --apps given: set them
}

func newSyncLimitsCommand(app *App, runF func(context.Context, *syncLimitsOptions) error) *cobra.Command {
	opts := &syncLimitsOptions{}
	cmd := &cobra.Command{
		Use:   "limits [--days N] [--apps N]",
		Short: "Show or set how long approved applications may wait for a sync before intake stops (supervisors)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.DaysSet, opts.AppsSet = cmd.Flags().Changed("days"), cmd.Flags().Changed("apps")
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runSyncLimits(cmd.Context(), app, opts)
		},
	}
	cmd.Flags().IntVar(&opts.Days, "days", 0, "days the oldest approved application may wait")
	cmd.Flags().IntVar(&opts.Apps, "apps", 0, "approved applications that may wait")
	return cmd
}

func runSyncLimits(ctx context.Context, app *App, opts *syncLimitsOptions) error {
	k, err := app.syncKit(ctx, false)
	if err != nil {
		return err
	}
	if opts.DaysSet || opts.AppsSet {
		st, err := k.svc.SyncState(ctx)
		if err != nil {
			return err
		}
		l := intake.Limits{MaxDays: opts.Days, MaxApps: opts.Apps}
		if !opts.DaysSet {
			l.MaxDays = st.Limits.MaxDays
		}
		if !opts.AppsSet {
			l.MaxApps = st.Limits.MaxApps
		}
		// Checked here, not before the run, so that a caller who may not
		// set limits hears that first, as before.
		if l.MaxDays < 0 || l.MaxApps < 0 {
			return cli.UsageT("--days dan --apps harus 0 (tanpa batas) atau lebih", "--days and --apps must be 0 (no limit) or more")
		}
		if err := k.svc.SetLimits(ctx, l); err != nil {
			return err
		}
	}
	st, err := k.svc.SyncState(ctx)
	if err != nil {
		return err
	}
	if app.JSON {
		return app.WriteJSON(map[string]any{"max_days": st.Limits.MaxDays, "max_apps": st.Limits.MaxApps, "waiting": st.Waiting, "over": st.Over})
	}
	app.Say("Batas: %d hari atau %d permohonan disetujui yang belum sampai di kantor (0 = tanpa batas). Sekarang menunggu: %d.",
		"Limits: %d days or %d approved applications not at the office (0 = no limit). Waiting now: %d.", st.Limits.MaxDays, st.Limits.MaxApps, st.Waiting)
	return nil
}

// checkOfficeURL refuses plain http to another machine: names, NIKs and
// photos would cross the link unencrypted (requests and answers are signed,
// but signing hides nothing).
func checkOfficeURL(raw string, insecure bool) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return cli.UsageT("--central %q: tulis https://HOST[:PORT]", "--central %q: want https://HOST[:PORT]", raw)
	}
	if u.Scheme == "https" || insecure {
		return nil
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); host == "localhost" || (ip != nil && ip.IsLoopback()) {
		return nil
	}
	return intake.Errorf(intake.CodeInvalid, "kantor di %s tanpa TLS: nama, NIK dan foto pemohon akan lewat tanpa enkripsi", "the office at %s is plain http: applicants' names, NIKs and photos would cross the link unencrypted", raw).
		WithHint("pakai https:// (kantor menjalankan serve --tls-cert/--tls-key), atau --insecure-http di jaringan tepercaya",
			"use https:// (the office runs serve --tls-cert/--tls-key), or --insecure-http on a trusted network")
}

// explainSync says in both languages what the office's or the link's
// answer means for this kit when no retry will change it: the kit was
// revoked or replaced, the office does not accept its key, the https
// address answered in plain http, or the certificate is not the pinned one.
// Anything else is returned as it is.
func explainSync(err error, kit string) error {
	var pe *ksync.Error
	if !errors.As(err, &pe) {
		return err
	}
	switch pe.Code {
	case ksync.CodeKitRevoked:
		return intake.Errorf(intake.CodeForbidden, "kantor mencabut kit %s: permintaan dan berkas ekspornya ditolak (%s)", "the office revoked kit %s: its requests and export files are refused (%s)", kit, pe.Message).
			WithHint("laptop ini tidak bisa mengirim lagi; data yang belum terkirim tetap di sini: hubungi kantor",
				"this laptop can no longer send; what it has not sent stays here: call the office")
	case ksync.CodeKitReplaced:
		return intake.Errorf(intake.CodeForbidden, "kit %s sudah didaftarkan ulang di kantor dengan kunci lain (laptop pengganti): kunci laptop ini tidak diterima lagi", "kit %s was enrolled again at the office with another key (a replacement laptop): this laptop's key is no longer accepted", kit).
			WithHint("bila laptop ini memang kit "+kit+", minta token baru (jemput-central kit add --code "+kit+") lalu: jemput enroll --central URL --token TOKEN",
				"if this laptop is kit "+kit+" after all, get a new token (jemput-central kit add --code "+kit+") and run: jemput enroll --central URL --token TOKEN")
	case ksync.CodeBadSignature:
		if !strings.Contains(pe.Message, "does not know this kit") {
			return err
		}
		return intake.Errorf(intake.CodeForbidden, "kantor tidak menerima tanda tangan kit %s: kantor tidak mengenal kit ini dengan kunci ini", "the office does not accept kit %s's signature: it does not know this kit with this key", kit).
			WithHint("tanyakan ke kantor apakah kit ini terdaftar (jemput-central kit list); bila perlu daftarkan lagi dengan token baru: jemput enroll --central URL --token TOKEN",
				"ask the office whether this kit is enrolled (jemput-central kit list); if need be, enroll again with a new token: jemput enroll --central URL --token TOKEN")
	case ksync.CodePlainHTTP:
		return intake.Errorf(intake.CodeInvalid, "alamat https kantor menjawab dengan http biasa, tanpa TLS: tidak ada yang dikirim (%s)", "the office's https address answered in plain http, without TLS: nothing was sent (%s)", pe.Message).
			WithHint("periksa alamat dan port kantor (jemput enroll), atau jaringannya: sesuatu di jalan bukan kantor",
				"check the office's address and port (jemput enroll), or the link: something on the way is not the office")
	case ksync.CodeWrongCertificate:
		return intake.Errorf(intake.CodeInvalid, "sertifikat TLS di alamat kantor bukan yang disematkan saat pendaftaran: tidak ada yang dikirim (%s)", "the TLS certificate at the office's address is not the one pinned at enrollment: nothing was sent (%s)", pe.Message).
			WithHint("bila kantor mengganti sertifikatnya, daftarkan lagi dengan token baru; bila tidak, mungkin ada yang menyadap: jangan sinkron lewat jaringan ini",
				"if the office changed its certificate, enroll again with a new token; if not, someone may be in the middle: do not sync over this link")
	}
	return err
}

// countingWriter counts what passes through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
