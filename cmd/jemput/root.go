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
	// --lang and --json anywhere on the line, read before the commands are
	// built: the help texts, and an error in the flags themselves, are then
	// in the language asked for, and JSON when asked for.
	app.Lang, app.JSON = scanLangJSON(args, app.Lang)
	root := newRootCommand(app)
	localize(root, app.Lang)
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

// scanLangJSON finds --lang id|en (or --lang=…) and --json before a "--".
func scanLangJSON(args []string, def string) (lang string, asJSON bool) {
	lang = def
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return lang, asJSON
		case a == "--json" || a == "--json=true":
			asJSON = true
		case a == "--lang" && i+1 < len(args):
			if v := args[i+1]; v == "id" || v == "en" {
				lang = v
			}
			i++
		case strings.HasPrefix(a, "--lang="):
			if v := strings.TrimPrefix(a, "--lang="); v == "id" || v == "en" {
				lang = v
			}
		}
	}
	return lang, asJSON
}

func newRootCommand(app *App) *cobra.Command {
	var home, lang string
	root := &cobra.Command{
		Use:   "jemput",
		Short: "Field kit for offline passport intake",
		Long: `jemput takes passport applicants offline at a mobile service event
(jemput bola, Eazy Paspor), stores them in a local database and prints each
applicant a receipt; at the end of the day the supervisor approves the day's
work and sends it to the central office (jemput sync), or on a USB stick
(jemput sync export). Messages, help included, follow --lang id|en (anywhere
on the line), else LANG. See README.md for a day at an event.`,
		Version: version,
		// Args set, so that cobra does not guess at subcommands before it
		// knows the persistent flags (--lang id was read as command "id").
		Args:          cobra.NoArgs,
		RunE:          func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
		SilenceErrors: true,
		SilenceUsage:  true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			app.Home = home
			if app.Home == "" {
				app.Home = defaultHome(app.Getenv)
			}
			if lang != "" {
				if lang != "id" && lang != "en" {
					return cli.UsageT("--lang harus id atau en, bukan %q", "--lang must be id or en, not %q", lang)
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
		newZoneCommand(app, nil),
		newMirrorCommand(app),
		newRestoreCommand(app, nil),
	)
	root.SetHelpCommand(newHelpCommand(app, root, nil))
	addCompletions(app, root)
	return root
}

// printError says what went wrong once, on stderr: one "error:" line, the
// fields at fault below it when there are several, and a hint where one
// helps. A library's or the system's own error is first put into a
// sentence with a hint (explain). With --json the same is also printed on
// stdout as one object: {"code", "message", "hint", "errors": [...]}.
func (a *App) printError(err error) {
	e := explain(err)
	pre := a.T("galat: ", "error: ")
	var hints []string
	var lines []string
	switch len(e.Issues) {
	case 0:
		msg := e.Message.In(a.Lang)
		if e.Code == intake.CodeInternal && e.Err != nil && e.Message.IsZero() {
			msg = a.T("terjadi kesalahan", "something went wrong")
		}
		lines = append(lines, pre+msg)
	case 1:
		is := e.Issues[0]
		if is.Message != e.Message {
			lines = append(lines, pre+e.Message.In(a.Lang), "  "+a.issueLine(is))
			break
		}
		if is.Field != "" {
			lines = append(lines, pre+is.Field+": "+is.Message.In(a.Lang))
		} else {
			lines = append(lines, pre+is.Message.In(a.Lang))
		}
		hints = a.issueHints(is)
	default:
		msg := e.Message.In(a.Lang)
		if e.Code == intake.CodeInvalid && msg == a.T("data ditolak", "input refused") {
			msg = fmt.Sprintf(a.T("data ditolak: %d masalah", "input refused: %d problems"), len(e.Issues))
		}
		lines = append(lines, pre+msg)
		for _, is := range e.Issues {
			lines = append(lines, "  "+a.issueLine(is))
		}
	}
	if e.Err != nil && e.Code == intake.CodeInternal {
		lines = append(lines, fmt.Sprintf("  (%v)", e.Err))
	}
	h := hintFor(e).In(a.Lang)
	if h == "" && e.Code == intake.CodeInternal {
		h = a.T("jalankan jemput doctor; bila berulang, sampaikan pesan ini kepada pengawas",
			"run jemput doctor; if it happens again, give this message to the supervisor")
	}
	if h != "" {
		hints = append(hints, h)
	}
	for _, l := range lines {
		fmt.Fprintln(a.Err, l)
	}
	for _, h := range hints {
		fmt.Fprintf(a.Err, "%s%s\n", a.T("petunjuk: ", "hint: "), h)
	}
	if a.JSON {
		m := map[string]any{"code": e.Code, "message": strings.TrimPrefix(lines[0], pre)}
		if len(hints) > 0 {
			m["hint"] = strings.Join(hints, "; ")
		}
		if len(e.Issues) > 0 {
			m["errors"] = a.issuesJSON(e.Issues)
		}
		if e.Err != nil && e.Code == intake.CodeInternal {
			m["cause"] = e.Err.Error()
		}
		a.WriteJSON(m)
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
