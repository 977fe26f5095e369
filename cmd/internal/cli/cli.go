// Package cli holds the conventions both command lines (jemput and
// jemput-central) keep alike: exit statuses, usage errors, the language of
// messages, and the clock.
package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"
)

// Exit statuses.
const (
	ExitOK    = 0
	ExitError = 1 // the command failed or refused its input
	ExitUsage = 2 // the command was called wrongly
)

// UsageError is a mistake in how a command was called. Msg is in English;
// ID, when set, is the same in Indonesian.
type UsageError struct{ Msg, ID string }

func (e *UsageError) Error() string { return e.Msg }

// Usagef builds a UsageError.
func Usagef(format string, args ...any) error {
	return &UsageError{Msg: fmt.Sprintf(format, args...)}
}

// UsageT builds a UsageError in both languages; both formats take args.
func UsageT(id, en string, args ...any) error {
	return &UsageError{Msg: fmt.Sprintf(en, args...), ID: fmt.Sprintf(id, args...)}
}

// IsUsage reports whether err is a usage mistake: a UsageError, or one of
// cobra's own argument and flag errors.
func IsUsage(err error) bool {
	var ue *UsageError
	if errors.As(err, &ue) {
		return true
	}
	s := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "flag needs an argument",
		"invalid argument", "accepts ", "requires at least", "required flag", "if any flags in the group"} {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}

// DefaultLang reads JEMPUT_LANG, LC_ALL, LC_MESSAGES and LANG: Indonesian
// unless they say English.
func DefaultLang(getenv func(string) string) string {
	for _, k := range []string{"JEMPUT_LANG", "LC_ALL", "LC_MESSAGES", "LANG"} {
		v := strings.ToLower(getenv(k))
		switch {
		case v == "" || v == "c" || v == "posix" || strings.HasPrefix(v, "c."):
			continue
		case strings.HasPrefix(v, "en"):
			return "en"
		default:
			return "id"
		}
	}
	return "id"
}

// Pick returns the text in lang.
func Pick(lang, id, en string) string {
	if lang == "en" {
		return en
	}
	return id
}

// fakeClock is "allowed" only in test builds: the tests' binaries call
// AllowFakeClock, and binaries built for tests get it with
// -ldflags "-X github.com/jemput/jemput/cmd/internal/cli.fakeClock=allowed".
// A kit in the field never takes its time from the environment: a false
// clock would lock accounts for decades, keep sessions alive forever and
// date records wrongly.
var fakeClock = ""

// TestLDFlags builds a binary whose clock JEMPUT_NOW may set.
const TestLDFlags = "-X github.com/jemput/jemput/cmd/internal/cli.fakeClock=allowed"

// AllowFakeClock lets JEMPUT_NOW set the clock; for tests only.
func AllowFakeClock() { fakeClock = "allowed" }

// Clock is the real clock, or, in a test build, JEMPUT_NOW (RFC 3339), so
// that dates on receipts and numbers can be fixed in tests.
func Clock(getenv func(string) string) (func() time.Time, error) {
	v := getenv("JEMPUT_NOW")
	if v == "" {
		return time.Now, nil
	}
	if fakeClock != "allowed" {
		return nil, fmt.Errorf("JEMPUT_NOW is set, but only test builds take their time from it: unset it")
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return nil, fmt.Errorf("JEMPUT_NOW=%q: want an RFC 3339 time like 2026-11-27T09:00:00+08:00", v)
	}
	return func() time.Time { return t }, nil
}

// NewLogger logs text lines to w at the level JEMPUT_LOG names (debug,
// info, warn, error); def is the level when it is unset, "off" for none.
func NewLogger(w io.Writer, getenv func(string) string, def string) (*slog.Logger, error) {
	level := strings.ToLower(strings.TrimSpace(getenv("JEMPUT_LOG")))
	if level == "" {
		level = def
	}
	var l slog.Level
	switch level {
	case "off":
		return slog.New(slog.NewTextHandler(io.Discard, nil)), nil
	case "debug":
		l = slog.LevelDebug
	case "info":
		l = slog.LevelInfo
	case "warn", "warning":
		l = slog.LevelWarn
	case "error":
		l = slog.LevelError
	default:
		return nil, fmt.Errorf("JEMPUT_LOG=%q: want debug, info, warn or error", level)
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l})), nil
}

// IO is a command line's streams and language: data goes to Out, messages
// for people to Err, both in Lang.
type IO struct {
	Lang string // "id" or "en"
	In   io.Reader
	Out  io.Writer
	Err  io.Writer
}

// T returns the text in the command line's language.
func (c *IO) T(id, en string) string { return Pick(c.Lang, id, en) }

// Say writes a line for people on stdout.
func (c *IO) Say(id, en string, args ...any) { fmt.Fprintf(c.Out, c.T(id, en)+"\n", args...) }

// Note writes a line for people on stderr.
func (c *IO) Note(id, en string, args ...any) { fmt.Fprintf(c.Err, c.T(id, en)+"\n", args...) }

// WriteJSON writes v as indented JSON on stdout, HTML left as it is.
func (c *IO) WriteJSON(v any) error {
	enc := json.NewEncoder(c.Out)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
