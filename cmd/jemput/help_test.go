package main

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
)

// Every guide exists in Indonesian and English, and every jemput command
// line it shows is a command of this kit with flags it has: a guide that
// tells an officer to type something that fails is worse than none.
func TestHelpTopics(t *testing.T) {
	root := newRootCommand(testApp())
	root.InitDefaultHelpCmd() // as Execute does
	cmdLine := regexp.MustCompile(`(?:^|[\s(:])jemput ((?:[a-z][a-z-]*)(?: [a-z][a-z-]*)?)((?: [^\s#)]+)*)`)
	for _, topic := range helpTopics {
		for _, l := range []string{"id", "en"} {
			text, err := topicText(topic, l)
			if err != nil || len(text) < 400 {
				t.Errorf("topic %s in %s: %d characters, %v", topic.Name, l, len(text), err)
				continue
			}
			seen := 0
			// Lines ending in a backslash go on on the next line.
			joined := strings.ReplaceAll(text, "\\\n", " ")
			for _, line := range strings.Split(joined, "\n") {
				for _, m := range cmdLine.FindAllStringSubmatch(line, -1) {
					c, rest, err := root.Find(strings.Fields(m[1]))
					if err != nil || c == root {
						t.Errorf("topic %s (%s): %q is not a jemput command", topic.Name, l, "jemput "+m[1])
						continue
					}
					seen++
					for _, w := range append(rest, strings.Fields(m[2])...) {
						name, ok := strings.CutPrefix(w, "--")
						if !ok {
							continue
						}
						name, _, _ = strings.Cut(name, "=")
						if c.Flags().Lookup(name) == nil && c.InheritedFlags().Lookup(name) == nil {
							t.Errorf("topic %s (%s): %s has no flag --%s", topic.Name, l, c.CommandPath(), name)
						}
					}
				}
			}
			if seen == 0 {
				t.Errorf("topic %s (%s) shows no command", topic.Name, l)
			}
		}
	}
}

// jemput help lists the guides, jemput help TOPIC shows one in the
// language asked for (also by its Indonesian name), jemput help COMMAND
// still shows the command's help, and anything else is a usage error.
func TestHelpCommand(t *testing.T) {
	for _, c := range []struct {
		args     []string
		want     string
		wantCode int
	}{
		{[]string{"help"}, "lost-laptop", 0},
		{[]string{"--lang", "id", "help"}, "laptop hilang", 0},
		{[]string{"help", "end-of-day"}, "END OF DAY", 0},
		{[]string{"--lang", "id", "help", "end-of-day"}, "AKHIR HARI", 0},
		{[]string{"--lang", "id", "help", "akhir-hari"}, "AKHIR HARI", 0},
		{[]string{"help", "usb"}, "jemput sync export --out", 0},
		{[]string{"help", "report", "day"}, "--csv", 0},
		{[]string{"help", "pasar-malam"}, "no such topic or command", 2},
	} {
		var out, errb bytes.Buffer
		code := run(t.Context(), c.args, strings.NewReader(""), &out, &errb, func(k string) string {
			switch k {
			case "HOME":
				return t.TempDir()
			case "LANG":
				return "en_US.UTF-8"
			}
			return ""
		})
		if code != c.wantCode || !strings.Contains(out.String()+errb.String(), c.want) {
			t.Errorf("jemput %s: exit %d, want %d, and %q in\n%s%s", strings.Join(c.args, " "), code, c.wantCode, c.want, out.String(), errb.String())
		}
	}
}
