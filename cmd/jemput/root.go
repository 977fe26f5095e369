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

	"github.com/jemput/jemput/cmd/internal/cli"

	"github.com/jemput/jemput/forms"
	"github.com/jemput/jemput/intake"
	"github.com/spf13/cobra"
)

// Main runs the command line with the process's streams and environment and
// returns the exit status.
func Main() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
}

// exitCodeError ends a command with a given status after it has said what
// it had to say itself.
type exitCodeError struct{ code int }

func (e *exitCodeError) Error() string { return fmt.Sprintf("exit %d", e.code) }

func run(ctx context.Context, args []string, in io.Reader, out, errw io.Writer, getenv func(string) string) int {
	app := &App{IO: cli.IO{In: in, Out: out, Err: errw, Lang: cli.DefaultLang(getenv)}, Getenv: getenv}
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
	var ec *exitCodeError
	if errors.As(err, &ec) {
		return ec.code
	}
	app.printError(err)
	if cli.IsUsage(err) {
		return cli.ExitUsage
	}
	return cli.ExitError
}

func newRootCommand(app *App) *cobra.Command {
	var home, lang string
	root := &cobra.Command{
		Use:   "jemput",
		Short: "Field kit for offline passport intake / Kit lapangan penerimaan permohonan paspor tanpa jaringan",
		Long: `jemput takes passport applicants offline at a mobile service event
(jemput bola, Eazy Paspor), stores them in a local database and prints each
applicant a receipt; at the end of the day the supervisor approves the day's
work and sends it to the central office (jemput sync), or on a USB stick
(jemput sync export). Messages follow --lang id|en. See README.md for a day
at an event.

jemput menerima pemohon paspor tanpa jaringan di acara layanan keliling,
menyimpannya di basis data lokal dan mencetak tanda terima; di akhir hari
pengawas menyetujui dan mengirimkannya ke kantor pusat.`,
		Version:       version,
		SilenceErrors: true,
		SilenceUsage:  true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			app.Home = home
			if app.Home == "" {
				app.Home = defaultHome(app.Getenv)
			}
			if lang != "" {
				if lang != "id" && lang != "en" {
					return cli.Usagef("--lang must be id or en, not %q", lang)
				}
				app.Lang = lang
			}
			now, err := cli.Clock(app.Getenv)
			if err != nil {
				return cli.Usagef("%v", err)
			}
			app.Now = now
			// Who may run it: one table for every command (roles.go).
			return app.gate(cmd.Context(), cmd)
		},
	}
	root.PersistentFlags().StringVar(&home, "home", "", "kit folder (default $JEMPUT_HOME, else the XDG data folder)")
	root.PersistentFlags().StringVar(&lang, "lang", "", "language of messages: id or en (default from LANG)")
	root.PersistentFlags().BoolVar(&app.JSON, "json", false, "machine-readable output")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return cli.Usagef("%v\n%s", err, cli.Pick(app.Lang, "lihat: "+c.CommandPath()+" --help", "see: "+c.CommandPath()+" --help"))
	})
	root.AddCommand(
		newInitCommand(app, nil),
		newOfficerCommand(app),
		newLoginCommand(app, nil),
		newLogoutCommand(app, nil),
		newWhoamiCommand(app, nil),
		newEventCommand(app),
		newRosterCommand(app),
		newFormsCommand(app),
		newIntakeCommand(app, nil),
		newAppCommand(app),
		newReceiptCommand(app, nil),
		newReviewCommand(app, nil),
		newEnrollCommand(app, nil),
		newSyncCommand(app, nil),
		newHandoverCommand(app, nil),
		newAuditCommand(app),
		newPurgeCommand(app, nil),
		newDoctorCommand(app, nil),
		newReportCommand(app),
		newMirrorCommand(app),
		newRestoreCommand(app, nil),
	)
	root.SetHelpCommand(newHelpCommand(app, root, nil))
	return root
}

// printError says what went wrong once, on stderr: one "error:" line, the
// fields at fault below it when there are several, and a hint where one
// helps. With --json a refused input is also printed on stdout as an object
// with its errors.
func (a *App) printError(err error) {
	var e *intake.Error
	if !errors.As(err, &e) {
		fmt.Fprintf(a.Err, "error: %v\n", err)
		return
	}
	if a.JSON && len(e.Issues) > 0 {
		a.WriteJSON(map[string]any{"code": e.Code, "errors": a.issuesJSON(e.Issues)})
	}
	var hints []string
	switch len(e.Issues) {
	case 0:
		fmt.Fprintf(a.Err, "error: %s\n", e.Message.In(a.Lang))
	case 1:
		is := e.Issues[0]
		if is.Message != e.Message {
			fmt.Fprintf(a.Err, "error: %s\n", e.Message.In(a.Lang))
			fmt.Fprintf(a.Err, "  %s\n", a.issueLine(is))
			break
		}
		if is.Field != "" {
			fmt.Fprintf(a.Err, "error: %s: %s\n", is.Field, is.Message.In(a.Lang))
		} else {
			fmt.Fprintf(a.Err, "error: %s\n", is.Message.In(a.Lang))
		}
		hints = a.issueHints(is)
	default:
		msg := e.Message.In(a.Lang)
		if e.Code == intake.CodeInvalid && msg == a.T("data ditolak", "input refused") {
			msg = fmt.Sprintf(a.T("data ditolak: %d masalah", "input refused: %d problems"), len(e.Issues))
		}
		fmt.Fprintf(a.Err, "error: %s\n", msg)
		for _, is := range e.Issues {
			fmt.Fprintf(a.Err, "  %s\n", a.issueLine(is))
		}
	}
	if e.Err != nil && e.Code == intake.CodeInternal {
		fmt.Fprintf(a.Err, "  (%v)\n", e.Err)
	}
	if h := hintFor(e).In(a.Lang); h != "" {
		hints = append(hints, h)
	}
	for _, h := range hints {
		fmt.Fprintf(a.Err, "hint: %s\n", h)
	}
}

// issueHints says how to get past one issue: an override, a suggestion.
func (a *App) issueHints(is forms.Issue) []string {
	var h []string
	if is.Severity == forms.Overridable {
		h = append(h, a.T("bila dokumen asli memang begitu, terima dengan --override "+is.Field+"=ALASAN",
			"if the original documents really say so, accept it with --override "+is.Field+"=REASON"))
	}
	if is.Suggestion != "" && !strings.Contains(is.Message.In(a.Lang), is.Suggestion) {
		h = append(h, a.T("saran: ", "suggestion: ")+is.Suggestion)
	}
	return h
}

func (a *App) issueLine(is forms.Issue) string {
	s := is.Field + ": " + is.Message.In(a.Lang)
	if is.Severity == forms.Overridable {
		s += a.T(" (bisa diterima dengan --override "+is.Field+"=ALASAN)", " (can be accepted with --override "+is.Field+"=REASON)")
	}
	if is.Suggestion != "" && !strings.Contains(is.Message.In(a.Lang), is.Suggestion) {
		s += a.T(" — saran: ", " — suggestion: ") + is.Suggestion
	}
	return s
}

func (a *App) issuesJSON(issues []forms.Issue) []map[string]any {
	list := []map[string]any{}
	for _, is := range issues {
		m := map[string]any{"field": is.Field, "code": is.Code, "severity": is.Severity.String(), "message": is.Message.In(a.Lang)}
		if is.Suggestion != "" {
			m["suggestion"] = is.Suggestion
		}
		if is.Reason != "" {
			m["reason"] = is.Reason
		}
		list = append(list, m)
	}
	return list
}
