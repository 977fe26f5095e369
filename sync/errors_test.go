package sync

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestHTTPStatus holds the table of docs/protocol.md, "Errors".
func TestHTTPStatus(t *testing.T) {
	for status, codes := range map[int][]string{
		400: {CodeBadRequest, CodeMalformed},
		401: {CodeUnknownKit, CodeBadSignature, CodeStale, CodeReplayed},
		403: {CodeTokenUnknown, CodeTokenUsed, CodeTokenExpired, CodeTokenKitMismatch},
		404: {CodeNotFound},
		409: {CodeOffsetMismatch},
		413: {CodeTooLarge},
		503: {CodeUnavailable},
		500: {"", "whatever"},
	} {
		for _, code := range codes {
			if got := HTTPStatus(code); got != status {
				t.Errorf("HTTPStatus(%q) = %d, want %d", code, got, status)
			}
		}
	}
}

func TestErrorRoundTrip(t *testing.T) {
	for _, c := range []struct {
		status int
		err    *Error
		retry  bool
	}{
		{409, Errorf(CodeOffsetMismatch, "held 10"), true},
		{401, Errorf(CodeStale, "an hour off"), false},
		{500, Errorf(CodeUnavailable, "internal"), true},
	} {
		rec := httptest.NewRecorder()
		WriteError(rec, c.status, c.err)
		resp := rec.Result()
		if resp.StatusCode != c.status {
			t.Errorf("%s: status %d, want %d", c.err.Code, resp.StatusCode, c.status)
		}
		back := ReadError(resp)
		if back.Code != c.err.Code || back.Message != c.err.Message || back.Retry != c.retry {
			t.Errorf("%s: read back %+v", c.err.Code, back)
		}
	}

	// Not our JSON (a proxy's page): unavailable and retried, except 413.
	page := func(status int) *http.Response {
		return &http.Response{StatusCode: status, Status: http.StatusText(status), Body: io.NopCloser(strings.NewReader("<html>no</html>"))}
	}
	if e := ReadError(page(502)); e.Code != CodeUnavailable || !e.Retry {
		t.Errorf("a proxy's 502: %+v", e)
	}
	if e := ReadError(page(413)); e.Code != CodeTooLarge || e.Retry {
		t.Errorf("a proxy's 413: %+v", e)
	}
}
