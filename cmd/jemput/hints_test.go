package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/jemput/jemput/intake"
)

func TestHintsInBothLanguages(t *testing.T) {
	for code, h := range hints {
		if strings.TrimSpace(h.ID) == "" || strings.TrimSpace(h.EN) == "" {
			t.Errorf("the hint for %s needs both languages: %+v", code, h)
		}
	}
	e := intake.Errorf(intake.CodeStillDraft, "x", "x").About("0f3c9a1e")
	if got := hintFor(e).EN; got != "go on with: jemput intake --resume 0f3c9a1e" {
		t.Errorf("hint for a draft: %q", got)
	}
	own := intake.Errorf(intake.CodeNotLoggedIn, "x", "x").WithHint("sendiri", "its own")
	if got := hintFor(own).EN; got != "its own" {
		t.Errorf("an error's own hint must win: %q", got)
	}
}

// commandInText finds a jemput command named in a string literal.
var commandInText = regexp.MustCompile(`"[^"\n]*\bjemput [a-z][^"\n]*"`)

// TestDomainNamesNoCommand keeps commands out of the domain and the store:
// what to run is the command line's to say (hints.go), keyed by error code.
func TestDomainNamesNoCommand(t *testing.T) {
	for _, dir := range []string{"../../intake", "../../store"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no Go files in %s: %v", dir, err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for i, line := range strings.Split(string(b), "\n") {
				if strings.HasPrefix(strings.TrimSpace(line), "//") {
					continue
				}
				if m := commandInText.FindString(line); m != "" {
					t.Errorf("%s:%d names a command in a message: %s (give the error a code and its hint in cmd/jemput/hints.go)", f, i+1, m)
				}
			}
		}
	}
}
