package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/jemput/jemput/cmd/internal/cli"

	"github.com/jemput/jemput/central"
	"github.com/jemput/jemput/central/postgres"
	"github.com/jemput/jemput/central/sqlite"
	ksync "github.com/jemput/jemput/sync"
	"github.com/spf13/cobra"
)

// version is set by the Makefile from git describe.
var version = "dev"

// Main runs the command line with the process's streams and environment and
// returns the exit status.
func Main() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
}

// App is what every command shares: the streams, the language, the
// database and the office once opened.
type App struct {
	DB             string
	Keys           string // the office's key file
	PassphraseFile string
	cli.IO
	JSON bool

	Getenv func(string) string
	Now    func() time.Time

	store  central.Store
	office *central.Office
}

func run(ctx context.Context, args []string, in io.Reader, out, errw io.Writer, getenv func(string) string) int {
	app := &App{IO: cli.IO{In: in, Out: out, Err: errw, Lang: cli.DefaultLang(getenv)}, Getenv: getenv, Now: time.Now}
	defer app.Close()
	root := newRootCommand(app)
	root.SetArgs(args)
	root.SetIn(in)
	root.SetOut(out)
	root.SetErr(errw)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return cli.ExitOK
	}
	app.printError(err)
	if cli.IsUsage(err) {
		return cli.ExitUsage
	}
	return cli.ExitError
}

func newRootCommand(app *App) *cobra.Command {
	var lang string
	root := &cobra.Command{
		Use:   "jemput-central",
		Short: "Central office endpoint for jemput kits / Server kantor pusat untuk kit jemput",
		Long: `jemput-central enrolls field kits, receives their applications (over the
network or from a USB stick), and sends the office's decisions back.
Every command works on one database (--db), also while serve runs.`,
		Version:       version,
		SilenceErrors: true,
		SilenceUsage:  true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			if lang != "" {
				if lang != "id" && lang != "en" {
					return cli.Usagef("--lang must be id or en, not %q", lang)
				}
				app.Lang = lang
			}
			if app.DB == "" {
				app.DB = defaultDB(app.Getenv)
			}
			if app.Keys == "" {
				app.Keys = defaultKeys(app.Getenv, app.DB)
			}
			now, err := cli.Clock(app.Getenv)
			if err != nil {
				return cli.Usagef("%v", err)
			}
			app.Now = now
			return nil
		},
	}
	pf := root.PersistentFlags()
	pf.StringVar(&app.DB, "db", "", "office database: an SQLite file or a postgres:// URL (default $JEMPUT_CENTRAL_DB, else ./central.db)")
	pf.StringVar(&app.Keys, "keys", "", "the office's key file: its signing key and sealing identity, kept out of the database (default $JEMPUT_CENTRAL_KEYS, else the database's path + .keys)")
	pf.StringVar(&app.PassphraseFile, "passphrase-file", "", "file holding the passphrase the key file is sealed with (default $JEMPUT_CENTRAL_PASSPHRASE, else none)")
	pf.StringVar(&lang, "lang", "", "language of messages: id or en (default from LANG)")
	pf.BoolVar(&app.JSON, "json", false, "machine-readable output")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return cli.Usagef("%v\n%s", err, app.T("lihat: "+c.CommandPath()+" --help", "see: "+c.CommandPath()+" --help"))
	})
	root.AddCommand(
		newServeCommand(app, nil),
		newKitCommand(app),
		newKeysCommand(app),
		newAppCommand(app),
		newImportCommand(app, nil),
		newReportCommand(app),
		newVisitCommand(app),
	)
	return root
}

func defaultDB(getenv func(string) string) string {
	if p := getenv("JEMPUT_CENTRAL_DB"); p != "" {
		return p
	}
	return "central.db"
}

// defaultKeys is where the office's key file is: $JEMPUT_CENTRAL_KEYS, or
// beside an SQLite database, its name + ".keys". A PostgreSQL database has
// no "beside": "" (keyFile asks for --keys).
func defaultKeys(getenv func(string) string, db string) string {
	if p := getenv("JEMPUT_CENTRAL_KEYS"); p != "" {
		return p
	}
	if postgres.IsURL(db) {
		return ""
	}
	return strings.TrimPrefix(db, "sqlite:") + ".keys"
}

// keyFile is the office's key file, with its passphrase if one is given
// (--passphrase-file, else $JEMPUT_CENTRAL_PASSPHRASE).
func (a *App) keyFile() (central.KeyFile, error) {
	k := central.KeyFile{Path: a.Keys, Passphrase: a.Getenv("JEMPUT_CENTRAL_PASSPHRASE")}
	if k.Path == "" {
		return k, cli.Usagef("--keys: %s", a.T(
			"dengan PostgreSQL berikan berkas kunci kantor (--keys FILE atau JEMPUT_CENTRAL_KEYS), salinan yang sama di setiap proses kantor",
			"with PostgreSQL give the office's key file (--keys FILE or JEMPUT_CENTRAL_KEYS), the same copy for every office process"))
	}
	if a.PassphraseFile != "" {
		b, err := os.ReadFile(a.PassphraseFile)
		if err != nil {
			return k, cli.Usagef("--passphrase-file: %v", err)
		}
		k.Passphrase = strings.TrimRight(string(b), "\r\n")
		if k.Passphrase == "" {
			return k, cli.Usagef("--passphrase-file %s: %s", a.PassphraseFile, a.T("berkasnya kosong", "the file is empty"))
		}
	}
	return k, nil
}

// openOffice opens the database (creating it and the office's keys the
// first time) once.
func (a *App) openOffice(ctx context.Context, opts ...central.Option) (*central.Office, error) {
	if a.office != nil {
		return a.office, nil
	}
	st, err := a.openStore(ctx)
	if err != nil {
		return nil, err
	}
	kf, err := a.keyFile()
	if err != nil {
		st.Close()
		return nil, err
	}
	o, err := central.NewOffice(ctx, st, append([]central.Option{central.WithClock(a.Now), central.WithKeys(kf)}, opts...)...)
	if err != nil {
		st.Close()
		return nil, err
	}
	a.store, a.office = st, o
	return o, nil
}

// openStore opens the store that --db names: a file, or sqlite:FILE, is
// SQLite; a postgres:// or postgresql:// URL is PostgreSQL, which several
// office processes may share. A URL's password is never said back.
func (a *App) openStore(ctx context.Context) (central.Store, error) {
	db := a.DB
	if postgres.IsURL(db) {
		st, err := postgres.Open(ctx, db)
		if err != nil {
			// err names the URL with its password hidden.
			return nil, fmt.Errorf("%s: %w", a.T("basis data PostgreSQL tidak dapat dibuka", "cannot open the PostgreSQL database"), err)
		}
		return st, nil
	}
	if path, ok := strings.CutPrefix(db, "sqlite:"); ok {
		if path == "" {
			return nil, cli.Usagef("--db sqlite: %s", a.T("berikan berkas sesudahnya, misalnya sqlite:central.db", "give a file after it, for example sqlite:central.db"))
		}
		db = path
	}
	return sqlite.Open(ctx, db)
}

// dbName says which database --db names, a URL without its password.
func (a *App) dbName() string {
	if postgres.IsURL(a.DB) {
		return postgres.Redact(a.DB)
	}
	return strings.TrimPrefix(a.DB, "sqlite:")
}

// Close releases the database.
func (a *App) Close() {
	if a.store != nil {
		a.store.Close()
	}
}

// printError says what went wrong once, on stderr, with a hint where one
// helps.
func (a *App) printError(err error) {
	var ke *ksync.Error
	if errors.As(err, &ke) {
		fmt.Fprintf(a.Err, "error: %s\n", ke.Message)
		if h := a.hint(ke.Code); h != "" {
			fmt.Fprintf(a.Err, "hint: %s\n", h)
		}
		return
	}
	if errors.Is(err, central.ErrBusy) {
		fmt.Fprintf(a.Err, "error: %s\n", a.T("basis data sedang dipakai proses lain", "the database is busy in another process"))
		fmt.Fprintf(a.Err, "hint: %s\n", a.T("coba lagi sebentar lagi", "try again in a moment"))
		return
	}
	fmt.Fprintf(a.Err, "error: %v\n", err)
}

func (a *App) hint(code string) string {
	switch code {
	case ksync.CodeNotFound:
		return a.T("lihat daftar dengan: jemput-central app list", "see the list with: jemput-central app list")
	case ksync.CodeUnknownKit:
		return a.T("daftarkan kit dengan: jemput-central kit add --code KODE, lalu jemput enroll di kit", "register the kit with: jemput-central kit add --code CODE, then jemput enroll on the kit")
	case ksync.CodeMalformed, ksync.CodeBadSignature:
		return a.T("berkas rusak, diubah, atau bukan untuk kantor ini; buat ulang dengan: jemput sync export", "the file is damaged, changed or not for this office; make it again with: jemput sync export")
	case ksync.CodeKitRevoked:
		return a.T("kit ini dicabut (jemput-central kit list); berkas darinya tidak diterima lagi", "this kit was revoked (jemput-central kit list); its files are no longer taken")
	case ksync.CodeKitReplaced:
		return a.T("kit ini sudah didaftarkan ulang dengan kunci lain; buat berkasnya di kit pengganti", "this kit was enrolled again with another key; make the file on the replacement kit")
	case ksync.CodeTooLarge:
		return a.T("berkas melebihi batas kantor; buat berkas yang lebih kecil di kit", "the file is over the office's limits; make smaller files on the kit")
	}
	return ""
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format("2006-01-02 15:04")
}
