package main

import (
	"context"
	"strings"

	"github.com/jemput/jemput/cmd/internal/cli"
	"github.com/jemput/jemput/forms"
	"github.com/jemput/jemput/intake"
	"github.com/spf13/cobra"
)

// Shell completion (jemput completion bash|zsh|fish|powershell): the
// values of --type, --form, --status and --format, and application numbers
// where a command takes one, each with its meaning in the officer's
// language.

// numberCommands take application numbers as arguments.
var numberCommands = map[string]bool{
	"jemput app show": true, "jemput app edit": true, "jemput app void": true, "jemput app history": true,
	"jemput receipt": true, "jemput handover": true, "jemput review approve": true, "jemput review return": true,
}

// addCompletions registers the completions on every command under root.
func addCompletions(app *App, root *cobra.Command) {
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Flags().Lookup("type") != nil && c.CommandPath() == "jemput event open" {
			c.RegisterFlagCompletionFunc("type", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
				var out []string
				for _, t := range intake.EventTypes {
					out = append(out, string(t)+"\t"+eventTypeLabel(app, t))
				}
				return out, cobra.ShellCompDirectiveNoFileComp
			})
		}
		if c.Flags().Lookup("form") != nil {
			c.RegisterFlagCompletionFunc("form", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
				var out []string
				for _, id := range forms.Names() {
					if f, err := forms.Get(id); err == nil {
						out = append(out, id+"\t"+f.Title.In(app.Lang))
					}
				}
				return out, cobra.ShellCompDirectiveNoFileComp
			})
		}
		if c.Flags().Lookup("status") != nil && c.CommandPath() == "jemput app list" {
			c.RegisterFlagCompletionFunc("status", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
				var out []string
				for _, s := range intake.Statuses {
					out = append(out, string(s)+"\t"+s.Label().In(app.Lang))
				}
				return out, cobra.ShellCompDirectiveNoFileComp
			})
		}
		if c.Flags().Lookup("format") != nil {
			c.RegisterFlagCompletionFunc("format", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
				return []string{"a4\t" + app.T("kertas A4", "A4 paper"), "80mm\t" + app.T("gulungan struk 80 mm", "80 mm receipt roll")}, cobra.ShellCompDirectiveNoFileComp
			})
		}
		if numberCommands[c.CommandPath()] && c.ValidArgsFunction == nil {
			c.ValidArgsFunction = func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
				return completeNumbers(cmd, app, toComplete), cobra.ShellCompDirectiveNoFileComp
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// completeNumbers lists the kit's application numbers that start with
// toComplete, newest first. Completion runs without the root's pre-run, so
// the kit home and the language come from the flags here; any trouble (no
// kit, nobody logged in) simply completes nothing.
func completeNumbers(cmd *cobra.Command, app *App, toComplete string) []string {
	if app.Home == "" {
		if f := cmd.Flag("home"); f != nil && f.Value.String() != "" {
			app.Home = f.Value.String()
		} else {
			app.Home = defaultHome(app.Getenv)
		}
	}
	if f := cmd.Flag("lang"); f != nil && (f.Value.String() == "id" || f.Value.String() == "en") {
		app.Lang = f.Value.String()
	}
	if app.Now == nil {
		now, err := cli.Clock(app.Getenv)
		if err != nil {
			return nil
		}
		app.Now = now
	}
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	svc, err := app.service(ctx)
	if err != nil {
		return nil
	}
	list, err := svc.Applications(ctx, intake.Filter{Limit: 500})
	if err != nil {
		return nil
	}
	var out []string
	prefix := intake.NormalizeNumber(toComplete)
	for _, a := range list {
		if a.Number == "" || !strings.HasPrefix(a.Number, prefix) {
			continue
		}
		name := ""
		if f, err := forms.Get(a.FormID); err == nil {
			name = f.RoleValue(forms.RoleName, a.Doc.Values)
		}
		out = append(out, a.Number+"\t"+name+" ("+a.Status.Label().In(app.Lang)+")")
	}
	return out
}

func eventTypeLabel(app *App, t intake.EventType) string {
	switch t {
	case intake.EventEazyPaspor:
		return app.T("layanan kolektif Eazy Paspor", "Eazy Paspor collective service")
	case intake.EventBerkala:
		return app.T("kunjungan berkala", "periodic visit")
	case intake.EventPosTerpadu:
		return app.T("pos pelayanan terpadu", "integrated service post")
	case intake.EventULP:
		return app.T("unit layanan paspor", "passport service unit")
	}
	return string(t)
}
