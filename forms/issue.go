package forms

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/jemput/jemput/lang"
)

// Severity says what an issue does to an application.
type Severity int

const (
	// Error blocks saving.
	Error Severity = iota
	// Overridable blocks saving unless the officer records a reason:
	// civil records contain mistakes, and the officer sees the documents.
	Overridable
	// Warning is shown and recorded but does not block.
	Warning
)

var severityNames = [...]string{"error", "overridable", "warning"}

func (s Severity) String() string {
	if s >= 0 && int(s) < len(severityNames) {
		return severityNames[s]
	}
	return fmt.Sprintf("severity(%d)", int(s))
}

// ParseSeverity reads "error", "overridable" or "warning".
func ParseSeverity(s string) (Severity, error) {
	for i, n := range severityNames {
		if s == n {
			return Severity(i), nil
		}
	}
	return 0, fmt.Errorf("unknown severity %q (want error, overridable or warning)", s)
}

func (s Severity) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

func (s *Severity) UnmarshalJSON(b []byte) error {
	var name string
	if err := json.Unmarshal(b, &name); err != nil {
		return fmt.Errorf("severity must be a string: %w", err)
	}
	v, err := ParseSeverity(name)
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Issue is one finding about one field. Code is for programs (stable,
// snake_case); Message is for people, in both languages, and names the field.
type Issue struct {
	Field      string    `json:"field"`
	Code       string    `json:"code"`
	Severity   Severity  `json:"severity"`
	Message    lang.Text `json:"message"`
	Suggestion string    `json:"suggestion,omitempty"`
	// Reason is the officer's justification, set only on overridden issues.
	Reason string `json:"reason,omitempty"`
	// Related names the other fields a cross-field issue involves (the sex
	// a NIK disagrees with): changing any of them may fix it.
	Related []string `json:"related,omitempty"`
}

// Fields is every field the issue involves: its own, then the related ones.
func (i Issue) Fields() []string {
	out := []string{}
	if i.Field != "" {
		out = append(out, i.Field)
	}
	for _, r := range i.Related {
		if r != i.Field && !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

func (i Issue) String() string {
	return fmt.Sprintf("%s: %s [%s] %s", i.Field, i.Severity, i.Code, i.Message.EN)
}

// CheckError is what the stand-alone parsers (ParseNIK, ParseKK, ParseNIP)
// return: a code a program can test and a message a person can read.
type CheckError struct {
	Code    string
	Message lang.Text
}

// Error returns the English message; use errors.As for the code and the
// Indonesian text.
func (e *CheckError) Error() string { return e.Message.EN }

// msg builds a bilingual message. Both format strings take the same
// arguments, in the same order.
func msg(idFmt, enFmt string, args ...any) lang.Text {
	return lang.Text{ID: fmt.Sprintf(idFmt, args...), EN: fmt.Sprintf(enFmt, args...)}
}

// labelled builds a message whose first argument is the field's label in the
// message's own language, so every message names its field.
func labelled(label lang.Text, idFmt, enFmt string, args ...any) lang.Text {
	return lang.Text{
		ID: fmt.Sprintf(idFmt, append([]any{label.ID}, args...)...),
		EN: fmt.Sprintf(enFmt, append([]any{label.EN}, args...)...),
	}
}

// fill substitutes {label} and {value} in a message written in a form
// definition.
func fill(t lang.Text, label lang.Text, value string) lang.Text {
	r := func(s, l string) string {
		return strings.NewReplacer("{label}", l, "{value}", value).Replace(s)
	}
	return lang.Text{ID: r(t.ID, label.ID), EN: r(t.EN, label.EN)}
}
