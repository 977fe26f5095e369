package main

import (
	"sort"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Every help text has its Indonesian: a new command or flag without one
// fails here, with the texts to translate.
func TestEveryHelpTextInIndonesian(t *testing.T) {
	root := newRootCommand(testApp())
	localize(root, "en")
	missing := map[string]bool{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, s := range []string{c.Short, c.Long} {
			if !hasID(s) {
				missing[s] = true
			}
		}
		each := func(f *pflag.Flag) {
			if !hasID(f.Usage) {
				missing[f.Usage] = true
			}
		}
		c.LocalFlags().VisitAll(each)
		c.PersistentFlags().VisitAll(each)
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	var list []string
	for s := range missing {
		list = append(list, s)
	}
	sort.Strings(list)
	for _, s := range list {
		t.Errorf("no Indonesian for help text %q (add it to helpID)", s)
	}
}
