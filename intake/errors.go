package intake

import (
	"errors"
	"fmt"

	"github.com/jemput/jemput/forms"
	"github.com/jemput/jemput/lang"
)

// Error codes a program can test. The same codes will cross HTTP, so that a
// kit can tell "conflict" from "unauthorised" from "try again".
const (
	CodeInvalid      = "invalid"      // bad input; Issues says which fields
	CodeNotFound     = "not_found"    // no such application, officer, event…
	CodeConflict     = "conflict"     // the state does not allow it
	CodeUnauthorized = "unauthorized" // not logged in, wrong NIP or PIN
	CodeForbidden    = "forbidden"    // logged in with the wrong role
	CodeLocked       = "locked"       // too many wrong PINs
	CodeNoEvent      = "no_event"     // intake needs an open event
	CodeNotInit      = "not_initialized"
	CodeInternal     = "internal"
)

// Error is a domain error: a code for programs, a message for people in both
// languages, and, for refused input, the issues field by field.
type Error struct {
	Code    string
	Message lang.Text
	Hint    lang.Text
	Issues  []forms.Issue
	Err     error // underlying cause, if any
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message.EN + ": " + e.Err.Error()
	}
	return e.Message.EN
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an Error with the same message in both languages' slots
// formatted from two format strings sharing args.
func Errorf(code, id, en string, args ...any) *Error {
	return &Error{Code: code, Message: lang.Text{ID: fmt.Sprintf(id, args...), EN: fmt.Sprintf(en, args...)}}
}

// WithHint returns e with a hint for the person reading it.
func (e *Error) WithHint(id, en string) *Error {
	e.Hint = lang.Text{ID: id, EN: en}
	return e
}

// ErrorCode returns the code of err, CodeInternal for a foreign error and ""
// for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// IsCode reports whether err carries code.
func IsCode(err error, code string) bool { return ErrorCode(err) == code }
