package main

import (
	"context"
	"embed"
	"fmt"
	"strings"

	"github.com/jemput/jemput/cmd/internal/cli"
	"github.com/jemput/jemput/lang"
	"github.com/spf13/cobra"
)

// helpFiles are the officers' guides for a day at an event, one file per
// topic and language: help/TOPIC.id.txt and help/TOPIC.en.txt.
//
//go:embed help/*.txt
var helpFiles embed.FS

// helpTopic is one guide: its name, the Indonesian names it also answers
// to, and what it is about.
type helpTopic struct {
	Name    string
	Aliases []string
	Title   lang.Text
}

var helpTopics = []helpTopic{
	{"setup", []string{"persiapan"}, lang.T("persiapan sebelum berangkat", "setting up before the trip")},
	{"intake", []string{"penerimaan"}, lang.T("menerima pemohon di meja", "taking applicants at the desk")},
	{"end-of-day", []string{"akhir-hari"}, lang.T("akhir hari: periksa, setujui, laporan, tutup", "end of day: review, approve, report, close")},
	{"sync", []string{"sinkronisasi"}, lang.T("mengirim ke kantor", "sending to the office")},
	{"usb", []string{"ekspor", "export"}, lang.T("ekspor USB tanpa jaringan", "USB export with no link")},
	{"lost-laptop", []string{"laptop-hilang"}, lang.T("laptop hilang", "a lost laptop")},
}

func findTopic(name string) (helpTopic, bool) {
	name = strings.ToLower(name)
	for _, t := range helpTopics {
		if t.Name == name {
			return t, true
		}
		for _, a := range t.Aliases {
			if a == name {
				return t, true
			}
		}
	}
	return helpTopic{}, false
}

// topicText is a guide in a language.
func topicText(t helpTopic, language string) (string, error) {
	b, err := helpFiles.ReadFile("help/" + t.Name + "." + language + ".txt")
	return string(b), err
}

type helpOptions struct {
	Args []string // a topic, or a command path
}

// newHelpCommand replaces cobra's help: `jemput help TOPIC` shows a guide
// in the language of --lang, `jemput help COMMAND` the command's help as
// before, `jemput help` both lists.
func newHelpCommand(app *App, root *cobra.Command, runF func(context.Context, *helpOptions) error) *cobra.Command {
	opts := &helpOptions{}
	return &cobra.Command{
		Use:   "help [TOPIC|COMMAND]",
		Short: "Guides for a day at an event (setup, intake, end-of-day, sync, usb, lost-laptop), or a command's help",
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Args = args
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runHelp(app, root, opts)
		},
	}
}

func runHelp(app *App, root *cobra.Command, opts *helpOptions) error {
	if len(opts.Args) == 0 {
		fmt.Fprintln(app.Out, app.T("Panduan (jemput help TOPIK, --lang id|en):", "Guides (jemput help TOPIC, --lang id|en):"))
		for _, t := range helpTopics {
			fmt.Fprintf(app.Out, "  %-12s %s\n", t.Name, t.Title.In(app.Lang))
		}
		fmt.Fprintln(app.Out, app.T("\nPerintah (jemput help PERINTAH, atau jemput PERINTAH --help):", "\nCommands (jemput help COMMAND, or jemput COMMAND --help):"))
		for _, c := range root.Commands() {
			if c.IsAvailableCommand() {
				fmt.Fprintf(app.Out, "  %-12s %s\n", c.Name(), c.Short)
			}
		}
		return nil
	}
	if len(opts.Args) == 1 {
		if t, ok := findTopic(opts.Args[0]); ok {
			s, err := topicText(t, app.Lang)
			if err != nil {
				return err
			}
			fmt.Fprint(app.Out, s)
			return nil
		}
	}
	c, _, err := root.Find(opts.Args)
	if err != nil || c == root {
		var names []string
		for _, t := range helpTopics {
			names = append(names, t.Name)
		}
		return cli.Usagef("%s: %s %s", strings.Join(opts.Args, " "),
			app.T("tidak ada topik atau perintah itu; topik:", "no such topic or command; topics:"), strings.Join(names, ", "))
	}
	c.SetOut(app.Out)
	return c.Help()
}
