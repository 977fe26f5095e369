package intake

import (
	"errors"
	"fmt"

	"github.com/jemput/jemput/forms"
	"github.com/jemput/jemput/lang"
)

// Error codes a program can test. The same codes will cross HTTP, so that a
// kit can tell "conflict" from "unauthorised" from "try again".
//
// The domain says what went wrong; what a person can do about it, when that
// is a command to run, the command line says, keyed by these codes (see
// cmd/jemput hints.go), so that the domain never names a command.
const (
	CodeInvalid        = "invalid"         // bad input; Issues says which fields
	CodeNotFound       = "not_found"       // no such application, officer, event…
	CodeConflict       = "conflict"        // the state does not allow it
	CodeUnauthorized   = "unauthorized"    // wrong NIP or PIN
	CodeNotLoggedIn    = "not_logged_in"   // nobody is logged in
	CodeSessionExpired = "session_expired" // the login is over (or from a wrong clock)
	CodeForbidden      = "forbidden"       // logged in with the wrong role
	CodeLocked         = "locked"          // too many wrong PINs
	CodeNoEvent        = "no_event"        // intake needs an open event
	CodeEventOpen      = "event_open"      // another event is still open
	CodeOpenWork       = "open_work"       // an event to close still has drafts or unapproved applications
	CodeNotInit        = "not_initialized" // no kit here yet
	CodeKitExists      = "kit_exists"      // a kit is here already
	CodeNotEnrolled    = "not_enrolled"    // the kit has no office yet
	CodeNoRosterEntry  = "no_roster_entry" // no such entry in the event's roster
	CodeRosterRefused  = "roster_refused"  // a roster file with bad rows
	CodeRosterMismatch = "roster_mismatch" // the data is another person than the roster entry, unconfirmed
	CodeSyncOverdue    = "sync_overdue"    // too much waits to reach the office
	CodeNotReady       = "not_ready"       // the office has not said ready
	CodeOnItsWay       = "on_its_way"      // sent or exported, not answered yet
	CodeStillDraft     = "still_draft"     // a draft, to be completed first
	CodeIncomplete     = "incomplete"      // documents are missing
	CodeUnchanged      = "unchanged"       // an edit that changes nothing
	CodeBusy           = "busy"            // another process holds the database
	CodeDiskFull       = "disk_full"       // nothing could be written
	CodeTampered       = "tampered"        // kit.db was changed outside jemput
	CodeLegacyKit      = "legacy_kit"      // made before encryption; a supervisor's login converts it
	CodeNoKeySlot      = "no_key_slot"     // the officer has no key slot (needs a new PIN)
	CodeInternal       = "internal"
)

// Error is a domain error: a code for programs, a message for people in both
// languages, and, for refused input, the issues field by field.
type Error struct {
	Code    string
	Message lang.Text
	Hint    lang.Text
	Issues  []forms.Issue
	// Ref is the application (number or id) the error is about, when a
	// hint needs to name it.
	Ref string
	Err error // underlying cause, if any
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

// About returns e naming the application it is about.
func (e *Error) About(ref string) *Error {
	e.Ref = ref
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
