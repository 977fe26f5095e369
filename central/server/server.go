// Package server is the office's HTTP face: every endpoint of
// docs/protocol.md over a central.Office, and the listener that serves
// them with TLS and a graceful shutdown.
package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/jemput/jemput/central"
	ksync "github.com/jemput/jemput/sync"
)

// Request body limits.
const (
	MaxBatchBytes  = 64 << 20  // a batch, compressed and decompressed
	MaxUploadBytes = 512 << 20 // one upload request of frames
	maxSmallBody   = 1 << 20   // enroll, attachment state
)

// Server is the office's HTTP face: every endpoint of docs/protocol.md.
type Server struct {
	office *central.Office
	log    *slog.Logger
	mux    *http.ServeMux
}

// New makes the handler for office, logging to log.
func New(office *central.Office, log *slog.Logger) *Server {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{office: office, log: log, mux: http.NewServeMux()}
	s.mux.HandleFunc("GET /healthz", s.handleHealth)
	s.mux.Handle("GET /v1/office", s.handle(s.handleOffice))
	s.mux.Handle("POST /v1/enroll", s.handle(s.handleEnroll))
	s.mux.Handle("POST /v1/attachments/state", s.handle(s.signed(maxSmallBody, s.handleState)))
	s.mux.Handle("POST /v1/attachments/upload", s.handle(s.handleUpload))
	s.mux.Handle("POST /v1/batches", s.handle(s.signed(MaxBatchBytes, s.handleBatch)))
	s.mux.Handle("GET /v1/statuses", s.handle(s.signed(4<<10, s.handleStatuses)))
	s.mux.Handle("POST /v1/backups", s.handle(s.signed(central.MaxBackupBytes, s.handleBackup)))
	s.mux.Handle("/", s.handle(func(w http.ResponseWriter, r *http.Request) error {
		return ksync.Errorf(ksync.CodeNotFound, "no endpoint %s %s", r.Method, r.URL.Path)
	}))
	return s
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &recorder{ResponseWriter: w, status: http.StatusOK}
	// Kits correct their clocks from Date: it must be the clock that
	// checks their signatures.
	w.Header().Set("Date", s.office.Now().UTC().Format(http.TimeFormat))
	s.mux.ServeHTTP(rec, r)
	level := slog.LevelInfo
	if r.URL.Path == "/healthz" {
		level = slog.LevelDebug
	}
	s.log.Log(r.Context(), level, "request", "method", r.Method, "path", r.URL.Path, "status", rec.status,
		"kit", r.Header.Get(ksync.HeaderKit), "bytes_out", rec.bytes, "ms", time.Since(start).Milliseconds(), "remote", r.RemoteAddr)
}

// recorder remembers the status and size of an answer, for the log.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (r *recorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// handle turns a handler's error into a JSON error answer, said once.
func (s *Server) handle(h func(http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.fail(w, r, err)
		}
	})
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var ke *ksync.Error
	var mb *http.MaxBytesError
	status := 0
	switch {
	case errors.As(err, &ke):
	case errors.As(err, &mb):
		ke = ksync.Errorf(ksync.CodeTooLarge, "the request body is larger than %d bytes", mb.Limit)
	case errors.Is(err, central.ErrBusy):
		ke = ksync.Errorf(ksync.CodeUnavailable, "the office database is busy; try again")
	case errors.Is(err, context.Canceled) && r.Context().Err() != nil:
		s.log.Debug("request abandoned by the client", "path", r.URL.Path, "err", err)
		return
	default:
		s.log.Error("internal error", "method", r.Method, "path", r.URL.Path, "kit", r.Header.Get(ksync.HeaderKit), "err", err)
		ke = ksync.Errorf(ksync.CodeUnavailable, "internal error at the office; try again later")
		status = http.StatusInternalServerError // the office failed, not the request
	}
	if status == 0 {
		status = ksync.HTTPStatus(ke.Code)
	}
	if status >= 500 {
		ke.Retry = true
	}
	if status < 500 {
		s.log.Warn("refused", "method", r.Method, "path", r.URL.Path, "kit", r.Header.Get(ksync.HeaderKit), "code", ke.Code, "message", ke.Message)
	}
	ksync.WriteError(w, status, ke)
}

func badRequestf(format string, args ...any) *ksync.Error {
	return ksync.Errorf(ksync.CodeBadRequest, format, args...)
}

func malformedf(format string, args ...any) *ksync.Error {
	return ksync.Errorf(ksync.CodeMalformed, format, args...)
}

func writeJSON(w http.ResponseWriter, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, err = w.Write(append(b, '\n'))
	return err
}

// readBody reads a whole request body of at most limit bytes.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	return io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
}

// signed reads the body (at most limit bytes), checks the request's
// signature and calls h with the kit that signed it.
func (s *Server) signed(limit int64, h func(w http.ResponseWriter, r *http.Request, kit string, body []byte) error) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		// Who is it, and is it fresh? Asked before reading up to limit
		// bytes, so that a stranger cannot make the office buffer them.
		if err := s.precheck(r); err != nil {
			return err
		}
		body, err := readBody(w, r, limit)
		if err != nil {
			return err
		}
		kit, err := ksync.VerifyRequest(r.Context(), r, body, s.office.KeyFor(r.Context()), s.office, s.office.Now())
		if err != nil {
			return err
		}
		return s.signAnswer(w, r, func(w http.ResponseWriter) error { return h(w, r, kit, body) })
	}
}

// signAnswer runs h with a buffer for its answer, then sends the answer
// with the office's signature over it and the request's nonce.
func (s *Server) signAnswer(w http.ResponseWriter, r *http.Request, h func(http.ResponseWriter) error) error {
	buf := &answerBuffer{header: http.Header{}}
	if err := h(buf); err != nil {
		return err
	}
	for k, v := range buf.header {
		w.Header()[k] = v
	}
	w.Header().Set(ksync.HeaderAnswerSignature, s.office.SignAnswer(r.Header.Get(ksync.HeaderNonce), buf.body.Bytes()))
	if buf.status != 0 {
		w.WriteHeader(buf.status)
	}
	_, err := w.Write(buf.body.Bytes())
	return err
}

// answerBuffer holds an answer until it is signed.
type answerBuffer struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *answerBuffer) Header() http.Header         { return b.header }
func (b *answerBuffer) Write(p []byte) (int, error) { return b.body.Write(p) }
func (b *answerBuffer) WriteHeader(status int)      { b.status = status }

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	_ = writeJSON(w, map[string]bool{"ok": true})
}

func (s *Server) handleOffice(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, s.office.Info())
}

func decodeJSON(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badRequestf("the request body is not the JSON expected: %v", err)
	}
	return nil
}

func (s *Server) handleEnroll(w http.ResponseWriter, r *http.Request) error {
	body, err := readBody(w, r, maxSmallBody)
	if err != nil {
		return err
	}
	var req ksync.EnrollRequest
	if err := decodeJSON(body, &req); err != nil {
		return err
	}
	res, err := s.office.Enroll(r.Context(), req)
	if err != nil {
		return err
	}
	return writeJSON(w, res)
}

func (s *Server) handleState(w http.ResponseWriter, r *http.Request, kit string, body []byte) error {
	var req struct {
		SHA256 []string `json:"sha256"`
	}
	if err := decodeJSON(body, &req); err != nil {
		return err
	}
	st, err := s.office.AttachmentState(r.Context(), req.SHA256)
	if err != nil {
		return err
	}
	return writeJSON(w, st)
}

// handleUpload verifies the headers only (the body is a stream of frames,
// signed as ksync.StreamBodyHash) and commits each frame as it arrives.
func (s *Server) handleUpload(w http.ResponseWriter, r *http.Request) error {
	kit, err := ksync.VerifyStreamRequest(r.Context(), r, s.office.KeyFor(r.Context()), s.office, s.office.Now())
	if err != nil {
		return err
	}
	fr := ksync.NewFrameReader(http.MaxBytesReader(w, r.Body, MaxUploadBytes))
	st, err := s.office.Upload(r.Context(), kit, fr)
	if err != nil {
		return err
	}
	return s.signAnswer(w, r, func(w http.ResponseWriter) error { return writeJSON(w, st) })
}

func (s *Server) handleBatch(w http.ResponseWriter, r *http.Request, kit string, body []byte) error {
	b, err := ksync.DecodeBatch(bytes.NewReader(body), MaxBatchBytes)
	if err != nil {
		var ke *ksync.Error
		if errors.As(err, &ke) {
			return ke
		}
		return malformedf("batch: %v", err)
	}
	acks, err := s.office.ReceiveBatch(r.Context(), kit, b)
	if err != nil {
		return err
	}
	return writeJSON(w, ksync.BatchResult{Acks: acks})
}

// handleBackup keeps a kit's sealed backup of its applications not yet
// approved, apart from the applications received.
func (s *Server) handleBackup(w http.ResponseWriter, r *http.Request, kit string, body []byte) error {
	res, err := s.office.ReceiveBackup(r.Context(), kit, body)
	if err != nil {
		return err
	}
	return writeJSON(w, res)
}

func (s *Server) handleStatuses(w http.ResponseWriter, r *http.Request, kit string, _ []byte) error {
	var after int64
	if v := r.URL.Query().Get("after"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return badRequestf("after=%q: want a number, 0 or more", v)
		}
		after = n
	}
	st, err := s.office.Statuses(r.Context(), kit, after)
	if err != nil {
		return err
	}
	return writeJSON(w, st)
}

// precheck refuses, from the headers alone, a request from an unknown kit
// or with a stale time; the signature is checked once the body is read.
func (s *Server) precheck(r *http.Request) error {
	kit := r.Header.Get(ksync.HeaderKit)
	if kit == "" || r.Header.Get(ksync.HeaderSignature) == "" {
		return ksync.Errorf(ksync.CodeBadSignature, "the request is not signed")
	}
	if _, known, err := s.office.KeyFor(r.Context())(kit); err != nil {
		return err
	} else if !known {
		return ksync.Errorf(ksync.CodeUnknownKit, "unknown kit %q", kit)
	}
	at, err := time.Parse(time.RFC3339, r.Header.Get(ksync.HeaderTime))
	if err != nil {
		return ksync.Errorf(ksync.CodeBadSignature, "the request has no valid %s header", ksync.HeaderTime)
	}
	if d := at.Sub(s.office.Now()); d > ksync.MaxClockSkew || d < -ksync.MaxClockSkew {
		return ksync.Errorf(ksync.CodeStale, "the request's time %s is %v from the office's", at.UTC().Format(time.RFC3339), d.Round(time.Second))
	}
	return nil
}
