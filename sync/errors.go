package sync

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// Error codes, as they cross HTTP (docs/protocol.md, "Errors").
const (
	CodeBadRequest       = "bad_request"
	CodeMalformed        = "malformed"
	CodeUnknownKit       = "unknown_kit"
	CodeBadSignature     = "bad_signature"
	CodeStale            = "stale"
	CodeReplayed         = "replayed"
	CodeTokenUnknown     = "token_unknown"
	CodeTokenUsed        = "token_used"
	CodeTokenExpired     = "token_expired"
	CodeTokenKitMismatch = "token_kit_mismatch"
	CodeNotFound         = "not_found"
	CodeOffsetMismatch   = "offset_mismatch"
	CodeTooLarge         = "too_large"
	CodeUnavailable      = "unavailable"
)

// Error is a protocol error: a code a program can test, a message a person
// can read, and whether trying again may help. Status is the HTTP status it
// travels with; it is not part of the JSON.
type Error struct {
	Status  int    `json:"-"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Retry   bool   `json:"retry"`
}

func (e *Error) Error() string {
	if e.Message == "" {
		return e.Code
	}
	return e.Code + ": " + e.Message
}

// Errorf makes an *Error. Retry is set for the codes where trying again is
// the documented answer: unavailable and offset_mismatch.
func Errorf(status int, code, format string, args ...any) *Error {
	return &Error{
		Status:  status,
		Code:    code,
		Message: fmt.Sprintf(format, args...),
		Retry:   code == CodeUnavailable || code == CodeOffsetMismatch,
	}
}

// Shorthands used inside the package, with the status the table gives.
func malformedf(format string, args ...any) *Error {
	return Errorf(http.StatusBadRequest, CodeMalformed, format, args...)
}

func tooLargef(format string, args ...any) *Error {
	return Errorf(http.StatusRequestEntityTooLarge, CodeTooLarge, format, args...)
}

func badSignaturef(format string, args ...any) *Error {
	return Errorf(http.StatusUnauthorized, CodeBadSignature, format, args...)
}

// WriteError answers an HTTP request with e as JSON. A zero Status becomes
// 500.
func WriteError(w http.ResponseWriter, e *Error) {
	status := e.Status
	if status == 0 {
		status = http.StatusInternalServerError
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(e)
}

// ReadError turns a non-2xx answer into an *Error. It reads (at most 64 KiB
// of) the body but does not close it. An answer that is not our JSON, which
// a proxy or a captive portal may give, is unavailable and worth retrying,
// except 413, which no retry will cure.
func ReadError(resp *http.Response) *Error {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var e Error
	if err := json.Unmarshal(body, &e); err == nil && e.Code != "" {
		e.Status = resp.StatusCode
		if resp.StatusCode >= 500 {
			e.Retry = true
		}
		return &e
	}
	snippet := strings.TrimSpace(string(body))
	if len(snippet) > 200 {
		snippet = snippet[:200] + "..."
	}
	msg := fmt.Sprintf("the server answered %s", resp.Status)
	if snippet != "" {
		msg += ": " + snippet
	}
	if resp.StatusCode == http.StatusRequestEntityTooLarge {
		return &Error{Status: resp.StatusCode, Code: CodeTooLarge, Message: msg}
	}
	return &Error{Status: resp.StatusCode, Code: CodeUnavailable, Message: msg, Retry: true}
}

// ErrorCode returns the code of the *Error in err's chain, or "".
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}
