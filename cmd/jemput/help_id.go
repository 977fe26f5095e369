package main

import (
	"regexp"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Every --help text exists in Indonesian: the commands are written with
// their English texts, and helpID gives each one in Indonesian. localize
// puts them in place, with cobra's own headings and generated commands,
// when the officer's language is Indonesian. help_test.go fails for a text
// without its Indonesian.

// localize puts root's help in lang: every Short, Long and flag usage, the
// generated help and completion commands, and the usage template.
func localize(root *cobra.Command, lang string) {
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.InitDefaultHelpFlag()
		if c == root {
			c.InitDefaultVersionFlag()
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	if lang != "id" {
		return
	}
	cobra.AddTemplateFunc("idUse", func(s string) string { return placeholdersID.Replace(strings.Replace(s, "[flags]", "[flag]", 1)) })
	cobra.AddTemplateFunc("idFlags", func(s string) string {
		return flagTypesID.ReplaceAllStringFunc(strings.ReplaceAll(s, "(default ", "(bawaan "), func(m string) string {
			name, typ, _ := strings.Cut(m, " ")
			// as long as pflag's word, so that the columns stay aligned
			return name + " " + map[string]string{"string": "teks  ", "int": "bil", "stringArray": "teks...    ", "duration": "waktu   "}[typ]
		})
	})
	root.SetUsageTemplate(usageTemplateID)
	walk = func(c *cobra.Command) {
		c.Short = toID(c.Short)
		if c.Parent() != nil && c.Parent().Name() == "completion" {
			// cobra's long texts of how to install each script
			c.Long = "Buat skrip pelengkap otomatis jemput untuk shell " + c.Name() + ".\n\n" +
				"Untuk sesi ini, misalnya:\n\n\tsource <(jemput completion " + c.Name() + ")\n\n" +
				"Cara memasangnya untuk setiap sesi: jemput completion " + c.Name() + " --help --lang en."
		} else {
			c.Long = toID(c.Long)
		}
		each := func(f *pflag.Flag) { f.Usage = toID(f.Usage) }
		c.LocalFlags().VisitAll(each)
		c.PersistentFlags().VisitAll(each)
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// toID is s in Indonesian: its own entry, or for the texts cobra makes
// ("help for app"), the pattern's.
func toID(s string) string {
	if s == "" {
		return s
	}
	if t, ok := helpID[s]; ok {
		return t
	}
	for _, p := range helpPatternsID {
		if rest, ok := strings.CutPrefix(s, p.en); ok {
			return p.id + rest
		}
	}
	return s
}

// hasID reports whether s has its Indonesian (for the test).
func hasID(s string) bool { return s == "" || toID(s) != s }

// placeholdersID are the names of what a command takes, in Indonesian.
var placeholdersID = strings.NewReplacer("NUMBER", "NOMOR", "FILE", "BERKAS", "FIELD", "ISIAN", "REASON", "ALASAN",
	"TEXT", "TEKS", "NAME", "NAMA", "CODE", "KODE", "PATH", "JALUR", "ZONE", "ZONA", "TOKEN", "TOKEN", "URL", "URL",
	"TOPIC", "TOPIK", "COMMAND", "PERINTAH")

// flagTypesID finds pflag's names of flag types after a flag's name.
var flagTypesID = regexp.MustCompile(`--[a-z0-9-]+ (stringArray|string|int|duration)\b`)

var helpPatternsID = []struct{ en, id string }{
	{"help for ", "bantuan untuk "},
	{"version for ", "versi "},
	{"Generate the autocompletion script for ", "Buat skrip pelengkap otomatis untuk "},
}

const usageTemplateID = `Pemakaian:{{if .Runnable}}
  {{idUse .UseLine}}{{end}}{{if .HasAvailableSubCommands}}
  {{.CommandPath}} [perintah]{{end}}{{if gt (len .Aliases) 0}}

Nama lain:
  {{.NameAndAliases}}{{end}}{{if .HasExample}}

Contoh:
{{.Example}}{{end}}{{if .HasAvailableSubCommands}}

Perintah:{{range .Commands}}{{if (or .IsAvailableCommand (eq .Name "help"))}}
  {{rpad .Name .NamePadding }} {{.Short}}{{end}}{{end}}{{end}}{{if .HasAvailableLocalFlags}}

Flag:
{{.LocalFlags.FlagUsages | idFlags | trimTrailingWhitespaces}}{{end}}{{if .HasAvailableInheritedFlags}}

Flag umum:
{{.InheritedFlags.FlagUsages | idFlags | trimTrailingWhitespaces}}{{end}}{{if .HasAvailableSubCommands}}

Ketik "{{.CommandPath}} [perintah] --help" untuk keterangan satu perintah.{{end}}
`
