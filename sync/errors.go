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

	// Issue 8: the office holds against hostile clients.
	CodeKitRevoked  = "kit_revoked"       // the kit's key was revoked (lost or stolen laptop)
	CodeKitReplaced = "kit_replaced"      // the kit enrolled again with another key
	CodeNotOwner    = "not_owner"         // an application id or number of another kit
	CodeTooMany     = "too_many_requests" // the office is at a limit of requests or memory: wait and retry
	CodeTimeout     = "timeout"           // the request's body came too slowly

	// Said by the kit's client about the link, never by the office.
	CodePlainHTTP        = "plain_http"        // an https address answered in plain http
	CodeWrongCertificate = "wrong_certificate" // the TLS certificate is not the one pinned at enrollment
)

// Error is a protocol error: a code a program can test, a message a person
// can read, and whether trying again may help. The HTTP status it travels
// with follows from the code (HTTPStatus).
type Error struct {
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
func Errorf(code, format string, args ...any) *Error {
	return &Error{
		Code:    code,
		Message: fmt.Sprintf(format, args...),
		Retry:   code == CodeUnavailable || code == CodeOffsetMismatch || code == CodeTooMany,
	}
}

// Shorthands used inside the package.
func malformedf(format string, args ...any) *Error {
	return Errorf(CodeMalformed, format, args...)
}

func tooLargef(format string, args ...any) *Error {
	return Errorf(CodeTooLarge, format, args...)
}

func badSignaturef(format string, args ...any) *Error {
	return Errorf(CodeBadSignature, format, args...)
}

// statuses is the table of docs/protocol.md, "Errors": the one place that
// says which HTTP status each code travels with.
var statuses = map[string]int{
	CodeBadRequest:       http.StatusBadRequest,
	CodeMalformed:        http.StatusBadRequest,
	CodeUnknownKit:       http.StatusUnauthorized,
	CodeBadSignature:     http.StatusUnauthorized,
	CodeStale:            http.StatusUnauthorized,
	CodeReplayed:         http.StatusUnauthorized,
	CodeTokenUnknown:     http.StatusForbidden,
	CodeTokenUsed:        http.StatusForbidden,
	CodeTokenExpired:     http.StatusForbidden,
	CodeTokenKitMismatch: http.StatusForbidden,
	CodeNotFound:         http.StatusNotFound,
	CodeOffsetMismatch:   http.StatusConflict,
	CodeTooLarge:         http.StatusRequestEntityTooLarge,
	CodeUnavailable:      http.StatusServiceUnavailable,
	CodeKitRevoked:       http.StatusForbidden,
	CodeKitReplaced:      http.StatusForbidden,
	CodeNotOwner:         http.StatusForbidden,
	CodeTooMany:          http.StatusTooManyRequests,
	CodeTimeout:          http.StatusRequestTimeout,
}

// HTTPStatus is the HTTP status an error with code travels with; 500 for
// a code the protocol does not name.
func HTTPStatus(code string) int {
	if s, ok := statuses[code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// WriteError answers an HTTP request with e as JSON and status, normally
// HTTPStatus(e.Code). The table lets unavailable travel with any 5xx: the
// office answers 503 for a busy database and 500 for a failure of its own.
func WriteError(w http.ResponseWriter, status int, e *Error) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(e)
}

// ReadError turns a non-2xx answer into an *Error. It reads (at most 64 KiB
// of) the body but does not close it. An answer that is not our JSON, which
// a proxy or a captive portal may give, is unavailable and worth retrying,
// except the too_large status, which no retry will cure.
func ReadError(resp *http.Response) *Error {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var e Error
	if err := json.Unmarshal(body, &e); err == nil && e.Code != "" {
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
	switch resp.StatusCode {
	case HTTPStatus(CodeTooLarge):
		return &Error{Code: CodeTooLarge, Message: msg}
	case HTTPStatus(CodeTooMany):
		return &Error{Code: CodeTooMany, Message: msg, Retry: true}
	}
	return &Error{Code: CodeUnavailable, Message: msg, Retry: true}
}

// ErrorCode returns the code of the *Error in err's chain, or "".
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}
