// Package server is the office's HTTP face: every endpoint of
// docs/protocol.md over a central.Office, and the listener that serves
// them with TLS and a graceful shutdown.
//
// It holds against hostile clients: a signed request is authenticated
// from its headers before a byte of its body is read, the body is then
// hashed as it streams and refused if it is not the one signed; the
// memory bodies may take is reserved from a budget (in total and per
// kit) before they are read, every body must keep arriving, and an
// unauthenticated caller learns nothing about which kits exist.
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

// Server is the office's HTTP face: every endpoint of docs/protocol.md.
type Server struct {
	office *central.Office
	log    *slog.Logger
	mux    *http.ServeMux
	limits Limits
	mem    *budget
	kits   *kitSlots
}

// New makes the handler for office, logging to log, with DefaultLimits.
func New(office *central.Office, log *slog.Logger) *Server {
	return NewWithLimits(office, log, DefaultLimits)
}

// NewWithLimits makes the handler for office with limits l.
func NewWithLimits(office *central.Office, log *slog.Logger, l Limits) *Server {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{office: office, log: log, mux: http.NewServeMux(), limits: l,
		mem: newBudget(l.Memory, l.KitMemory), kits: &kitSlots{max: l.KitRequests}}
	s.mux.HandleFunc("GET /healthz", s.handleHealth)
	s.mux.Handle("GET /v1/office", s.handle(s.handleOffice))
	s.mux.Handle("POST /v1/enroll", s.handle(s.handleEnroll))
	s.mux.Handle("POST /v1/attachments/state", s.handle(s.signed(bodySmall, s.handleState)))
	s.mux.Handle("POST /v1/attachments/upload", s.handle(s.signed(bodyStream, nil)))
	s.mux.Handle("POST /v1/batches", s.handle(s.signed(bodyBatch, s.handleBatch)))
	s.mux.Handle("GET /v1/statuses", s.handle(s.signed(bodyNone, s.handleStatuses)))
	s.mux.Handle("POST /v1/backups", s.handle(s.signed(bodyBackup, s.handleBackup)))
	s.mux.Handle("/", s.handle(func(w http.ResponseWriter, r *http.Request) error {
		return ksync.Errorf(ksync.CodeNotFound, "no endpoint %s %s", r.Method, r.URL.Path)
	}))
	return s
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &recorder{ResponseWriter: w, status: http.StatusOK, writeTimeout: s.limits.WriteTimeout}
	// Kits correct their clocks from Date: it must be the clock that
	// checks their signatures.
	w.Header().Set("Date", s.office.Now().UTC().Format(http.TimeFormat))
	s.mux.ServeHTTP(rec, r)
	level := slog.LevelInfo
	if r.URL.Path == "/healthz" {
		level = slog.LevelDebug
	}
	s.log.Log(r.Context(), level, "request", "method", r.Method, "path", r.URL.Path, "status", rec.status,
		"kit", rec.kit, "bytes_out", rec.bytes, "ms", time.Since(start).Milliseconds(), "remote", r.RemoteAddr)
}

// recorder remembers the status and size of an answer, and the kit that
// signed the request once it is known, for the log. When the answer
// starts it gives it writeTimeout to go out: counted from then, not from
// the request's start, since an upload over a satellite link takes
// minutes before its answer.
type recorder struct {
	http.ResponseWriter
	status       int
	bytes        int64
	kit          string
	writeTimeout time.Duration
	started      bool
}

func (r *recorder) start() {
	if !r.started {
		r.started = true
		if r.writeTimeout > 0 {
			_ = http.NewResponseController(r.ResponseWriter).SetWriteDeadline(time.Now().Add(r.writeTimeout))
		}
	}
}

func (r *recorder) WriteHeader(code int) {
	r.start()
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	r.start()
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

// fail answers err. A client's mistake is 4xx, logged at info, and never
// retry: true (429 excepted, where waiting is the cure); only the office's
// own failures are 5xx.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var ke *ksync.Error
	var mb *http.MaxBytesError
	var be bodyError
	status := 0
	switch {
	case errors.As(err, &ke):
	case errors.As(err, &mb):
		ke = ksync.Errorf(ksync.CodeTooLarge, "the request body is larger than %d bytes", mb.Limit)
	case errors.As(err, &be) && isTimeout(err):
		ke = ksync.Errorf(ksync.CodeTimeout, "the request body came too slowly (%v)", be.err)
	case errors.As(err, &be) && r.Context().Err() != nil:
		s.log.Debug("request abandoned by the client", "path", r.URL.Path, "err", err)
		return
	case errors.As(err, &be):
		ke = ksync.Errorf(ksync.CodeMalformed, "the request body could not be read: %v", be.err)
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
	e := *ke
	e.Retry = status >= 500 || status == http.StatusTooManyRequests || ke.Code == ksync.CodeOffsetMismatch
	if status < 500 {
		s.log.Info("refused", "method", r.Method, "path", r.URL.Path, "code", e.Code, "message", e.Message)
	}
	if status == http.StatusUnauthorized || status == http.StatusRequestEntityTooLarge || status == http.StatusRequestTimeout || status == http.StatusBadRequest {
		// Do not read on after a refusal: close the connection instead.
		w.Header().Set("Connection", "close")
	}
	ksync.WriteError(w, status, &e)
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

// readBody reads a whole request body of at most limit bytes, with the
// body deadlines of l.
func readBody(w http.ResponseWriter, r *http.Request, limit int64, l Limits) ([]byte, error) {
	if r.ContentLength > limit {
		return nil, &http.MaxBytesError{Limit: limit}
	}
	b, err := io.ReadAll(newBodyReader(w, http.MaxBytesReader(w, r.Body, limit), l))
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		return nil, mb
	}
	return b, err
}

// Kinds of signed request bodies.
type bodyKind int

const (
	bodyNone   bodyKind = iota // GET: empty
	bodySmall                  // attachment state: JSON of at most SmallBody
	bodyBatch                  // zstd JSON, BatchBody sent, BatchJSON decoded
	bodyStream                 // frames, signed as ksync.StreamBodyHash
	bodyBackup                 // a sealed export file of at most central.MaxBackupBytes
)

// signed authenticates a request from its headers, before a byte of its
// body is read; takes one of its kit's request slots and the memory its
// body may need (both answered 429 when there are none); reads and hashes
// the body against the hash it was signed with; then calls h with the kit
// and the body, and signs the answer.
func (s *Server) signed(kind bodyKind, h func(w http.ResponseWriter, r *http.Request, kit string, body []byte) error) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		kit, declared, err := ksync.Authenticate(ctx, r, s.office.KeysFor(ctx), s.office, s.office.Now())
		if err != nil {
			return err
		}
		if rec, ok := w.(*recorder); ok {
			rec.kit = kit
		}
		done, err := s.kits.acquire(kit)
		if err != nil {
			return err
		}
		defer done()
		if (kind == bodyStream) != (declared == ksync.StreamBodyHash) {
			return badRequestf("%s %s: body hash %q is not the kind this endpoint takes", r.Method, r.URL.Path, declared)
		}
		var limit, weight int64
		switch kind {
		case bodyNone:
			limit = 0
		case bodySmall:
			limit = s.limits.SmallBody
		case bodyBatch:
			limit = s.limits.BatchBody
			decoded, err := strconv.ParseInt(r.Header.Get(ksync.HeaderDecodedLength), 10, 64)
			if err != nil || decoded < 0 {
				return badRequestf("a batch needs its %s header (bytes once decompressed)", ksync.HeaderDecodedLength)
			}
			if decoded > s.limits.BatchJSON {
				return ksync.Errorf(ksync.CodeTooLarge, "batch of %d bytes decompressed, at most %d", decoded, s.limits.BatchJSON)
			}
			weight = decodeFactor*decoded + ksync.ZstdDecoderMemory
		case bodyStream:
			return s.upload(w, r, kit)
		case bodyBackup:
			// Opened in memory: the sealed bytes, the plain ones, the
			// records and photos they hold.
			limit = central.MaxBackupBytes
			if r.ContentLength > 0 {
				weight = 2 * r.ContentLength
			} else {
				weight = 2 * limit
			}
		}
		if r.ContentLength > limit {
			return ksync.Errorf(ksync.CodeTooLarge, "the request body of %d bytes is larger than %d", r.ContentLength, limit)
		}
		if r.ContentLength >= 0 {
			weight += r.ContentLength
		} else {
			weight += limit
		}
		release, err := s.mem.acquire(ctx, kit, weight, s.limits.MemoryWait)
		if err != nil {
			return err
		}
		defer release()
		bv := ksync.NewBodyVerifier(r.Body, declared)
		r.Body = struct {
			io.Reader
			io.Closer
		}{bv, r.Body}
		body, err := readBody(w, r, limit, s.limits)
		if err != nil {
			return err
		}
		if err := bv.Check(); err != nil {
			return err
		}
		return s.signAnswer(w, r, func(w http.ResponseWriter) error { return h(w, r, kit, body) })
	}
}

// upload streams frames to the office, which commits each as it comes;
// memory is one frame and one attachment being completed.
func (s *Server) upload(w http.ResponseWriter, r *http.Request, kit string) error {
	if r.ContentLength > s.limits.UploadBody {
		return ksync.Errorf(ksync.CodeTooLarge, "the upload of %d bytes is larger than %d", r.ContentLength, s.limits.UploadBody)
	}
	release, err := s.mem.acquire(r.Context(), kit, 2*ksync.MaxAttachmentSize+s.limits.UploadPerFrame, s.limits.MemoryWait)
	if err != nil {
		return err
	}
	defer release()
	fr := ksync.NewFrameReader(newBodyReader(w, http.MaxBytesReader(w, r.Body, s.limits.UploadBody), s.limits))
	st, err := s.office.Upload(r.Context(), kit, fr)
	if err != nil {
		return err
	}
	return s.signAnswer(w, r, func(w http.ResponseWriter) error { return writeJSON(w, st) })
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
	body, err := readBody(w, r, s.limits.EnrollBody, s.limits)
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
	st, err := s.office.AttachmentState(r.Context(), kit, req.SHA256)
	if err != nil {
		return err
	}
	return writeJSON(w, st)
}

func (s *Server) handleBatch(w http.ResponseWriter, r *http.Request, kit string, body []byte) error {
	decoded, _ := strconv.ParseInt(r.Header.Get(ksync.HeaderDecodedLength), 10, 64)
	b, err := ksync.DecodeBatch(bytes.NewReader(body), decoded)
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
