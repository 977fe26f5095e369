package sync

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	gosync "sync"
	"time"
)

// Client is a kit's connection to its office: every request is signed with
// the kit's key at the office's time (as the kit has learned it).
type Client struct {
	base *url.URL
	kit  string
	key  ed25519.PrivateKey
	hc   *http.Client
	now  func() time.Time

	// idle is how long a request may make no progress (no byte sent or
	// received) before it is abandoned: a poor link stalls rather than
	// fails. There is no overall timeout: a day of photos at 20 kbit/s
	// takes what it takes.
	idle time.Duration

	mu     gosync.Mutex
	offset time.Duration // office clock - kit clock

	office ed25519.PublicKey // when set, answers to signed requests must be signed by it
}

// TrustOffice makes the client accept an answer to a signed request only
// when the office signed it with this key (the one checked at enrollment).
func (c *Client) TrustOffice(pub ed25519.PublicKey) { c.office = pub }

const (
	defaultIdle     = 2 * time.Minute
	maxAnswer       = 64 << 20 // bytes of a JSON answer
	dateResyncError = 2 * time.Second
)

var errStalled = errors.New("no progress on the connection")

// NewClient makes the client of kit at the office at baseURL ("http://..."
// or "https://..."). With https and a non-empty tlsCertSHA256 (hex SHA-256
// of the office's DER certificate, learned at enrollment) the server is
// trusted by that pin alone; with an empty one, by the system's roots.
// now is the kit's clock (nil: time.Now).
func NewClient(baseURL, kit string, key ed25519.PrivateKey, tlsCertSHA256 string, now func() time.Time) (*Client, error) {
	u, err := parseBaseURL(baseURL)
	if err != nil {
		return nil, err
	}
	if err := CheckKitCode(kit); err != nil {
		return nil, err
	}
	if len(key) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("kit key has %d bytes, want %d", len(key), ed25519.PrivateKeySize)
	}
	pin := strings.ToLower(tlsCertSHA256)
	if pin != "" && !isLowerHex(pin, 64) {
		return nil, fmt.Errorf("TLS certificate pin %q is not a hex SHA-256", tlsCertSHA256)
	}
	if now == nil {
		now = time.Now
	}
	return &Client{
		base: u,
		kit:  kit,
		key:  key,
		hc:   newHTTPClient(pinTLS(pin)),
		now:  now,
		idle: defaultIdle,
	}, nil
}

func parseBaseURL(baseURL string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimRight(baseURL, "/"))
	if err != nil {
		return nil, fmt.Errorf("office URL %q: %v", baseURL, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("office URL %q: want http://HOST[:PORT] or https://HOST[:PORT]", baseURL)
	}
	return u, nil
}

// pinTLS trusts the server whose leaf certificate has SHA-256 pin, and
// nothing else; an empty pin leaves the usual verification.
func pinTLS(pin string) *tls.Config {
	if pin == "" {
		return nil
	}
	return &tls.Config{
		InsecureSkipVerify: true, // replaced by the pin check below
		VerifyPeerCertificate: func(raw [][]byte, _ [][]*x509.Certificate) error {
			if len(raw) == 0 {
				return errors.New("the office presented no certificate")
			}
			if got := certSHA256(raw[0]); got != pin {
				return &pinError{got: got, want: pin}
			}
			return nil
		},
	}
}

// pinError: the server's certificate is not the pinned one. No retry
// will change that.
type pinError struct{ got, want string }

func (e *pinError) Error() string {
	return fmt.Sprintf("the office's TLS certificate %s is not the one pinned at enrollment (%s)", e.got, e.want)
}

func certSHA256(der []byte) string {
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:])
}

func newHTTPClient(tlsConf *tls.Config) *http.Client {
	dialer := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	return &http.Client{Transport: &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dialer.DialContext,
		TLSClientConfig:       tlsConf,
		TLSHandshakeTimeout:   30 * time.Second,
		ExpectContinueTimeout: 5 * time.Second,
		IdleConnTimeout:       90 * time.Second,
		MaxIdleConnsPerHost:   4,
		ForceAttemptHTTP2:     tlsConf == nil,
	}}
}

// Now is the kit's estimate of the office's clock.
func (c *Client) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now().Add(c.offset)
}

// learnTime sets the clock offset from an office time. Coarse times (the
// one-second Date header) only move it when it is off by more than their
// own error.
func (c *Client) learnTime(office time.Time, tolerance time.Duration) {
	if office.IsZero() {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	local := c.now()
	if d := office.Sub(local.Add(c.offset)); d > tolerance || d < -tolerance {
		c.offset = office.Sub(local)
	}
}

// request describes one HTTP exchange.
type request struct {
	method, path string
	signed       bool
	body         []byte                                // the whole body, or
	stream       func(w io.Writer, touch func()) error // a streamed body
	header       map[string]string
}

// roundTrip sends req and decodes a 2xx JSON answer into out; any other
// answer is an *Error. A stale answer (the kit's clock offset was wrong)
// has taught the offset from its Date header, so it is tried once more.
// So is a replayed one: net/http sends a GET again by itself, with the
// same signature and nonce, when the connection it reused closes before
// the answer (the office did the work, the answer was lost); the office
// then rightly refuses the nonce. Signed anew, with a new nonce, it goes
// through. (A replay by anyone else never reaches the kit's answer.)
func (c *Client) roundTrip(ctx context.Context, req request, out any) error {
	err := c.roundTripOnce(ctx, req, out)
	if code := ErrorCode(err); code == CodeStale || code == CodeReplayed {
		err = c.roundTripOnce(ctx, req, out)
	}
	return err
}

func (c *Client) roundTripOnce(ctx context.Context, req request, out any) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	timer := time.AfterFunc(c.idle, func() { cancel(errStalled) })
	defer timer.Stop()
	touch := func() { timer.Reset(c.idle) }

	u := *c.base
	pathAndQuery := strings.SplitN(req.path, "?", 2)
	u.Path = c.base.Path + pathAndQuery[0]
	if len(pathAndQuery) == 2 {
		u.RawQuery = pathAndQuery[1]
	}

	var body io.Reader
	var pr *io.PipeReader
	writerDone := make(chan struct{})
	if req.stream != nil {
		var pw *io.PipeWriter
		pr, pw = io.Pipe()
		body = pr
		go func() {
			defer close(writerDone)
			pw.CloseWithError(req.stream(pw, touch))
		}()
		defer func() {
			pr.CloseWithError(errors.New("request over"))
			<-writerDone
		}()
	} else {
		close(writerDone)
		body = bytes.NewReader(req.body)
	}
	hr, err := http.NewRequestWithContext(ctx, req.method, u.String(), body)
	if err != nil {
		return err
	}
	if req.stream != nil {
		hr.ContentLength = -1
	}
	for k, v := range req.header {
		hr.Header.Set(k, v)
	}
	if req.signed {
		if req.stream != nil {
			SignStreamRequest(hr, c.kit, c.key, c.Now())
		} else {
			SignRequest(hr, c.kit, c.key, req.body, c.Now())
		}
	}

	resp, err := c.hc.Do(hr)
	if err != nil {
		return c.netError(ctx, req, err)
	}
	defer resp.Body.Close()
	touch()
	if t, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
		c.learnTime(t, dateResyncError)
	}
	rb := &touchReader{r: resp.Body, touch: touch}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		resp.Body = io.NopCloser(rb)
		return ReadError(resp)
	}
	js, err := io.ReadAll(io.LimitReader(rb, maxAnswer+1))
	if err != nil {
		return c.netError(ctx, req, err)
	}
	if len(js) > maxAnswer {
		return Errorf(CodeTooLarge, "%s %s: answer larger than %d bytes", req.method, req.path, maxAnswer)
	}
	if req.signed && c.office != nil && !VerifyAnswer(c.office, hr.Header.Get(HeaderNonce), js, resp.Header.Get(HeaderAnswerSignature)) {
		// Whoever answered is not the office (a proxy, someone on the
		// link): another attempt may reach it.
		e := Errorf(CodeBadSignature, "%s %s: the answer is not signed by the office this kit enrolled with", req.method, req.path)
		e.Retry = true
		return e
	}
	if out != nil {
		if err := json.Unmarshal(js, out); err != nil {
			return Errorf(CodeUnavailable, "%s %s: the answer is not the office's JSON: %v", req.method, req.path, err)
		}
	}
	return nil
}

func (c *Client) netError(ctx context.Context, req request, err error) error {
	var rh tls.RecordHeaderError
	var pin *pinError
	var cve *tls.CertificateVerificationError
	switch {
	case errors.As(err, &rh) || strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		// No retry will make a plain http server speak TLS: the address
		// is wrong, or something in the way strips TLS.
		return &Error{Code: CodePlainHTTP, Message: fmt.Sprintf("%s %s: the office's https address %s answered in plain http (not TLS): a wrong address or port, or something on the link that is not the office", req.method, req.path, c.base.Host)}
	case errors.As(err, &pin):
		return &Error{Code: CodeWrongCertificate, Message: fmt.Sprintf("%s %s: %v: this is not the office the kit enrolled with, or its certificate was changed", req.method, req.path, pin)}
	case errors.As(err, &cve):
		return &Error{Code: CodeWrongCertificate, Message: fmt.Sprintf("%s %s: the office's TLS certificate does not verify: %v", req.method, req.path, cve.Err)}
	}
	if errors.Is(context.Cause(ctx), errStalled) {
		return fmt.Errorf("%s %s: no progress for %s, giving up on this connection", req.method, req.path, c.idle)
	}
	return err
}

type touchReader struct {
	r     io.Reader
	touch func()
}

func (t *touchReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if n > 0 {
		t.touch()
	}
	return n, err
}

// Office asks the office who it is (unsigned) and learns its clock.
func (c *Client) Office(ctx context.Context) (OfficeInfo, error) {
	var info OfficeInfo
	if err := c.roundTrip(ctx, request{method: http.MethodGet, path: "/v1/office"}, &info); err != nil {
		return OfficeInfo{}, err
	}
	c.learnTime(info.Time, 0)
	return info, nil
}

// Enroll registers key as kit's device key at the office at baseURL with a
// one-time token, after checking that the office is the one that made the
// token: its answer to GET /v1/office must be signed by the key whose
// fingerprint the token carries. The returned OfficeInfo is what the kit
// keeps (signing key, sealing recipient, TLS certificate hash to pin).
//
// Over https the certificate cannot be pinned before enrollment. The kit
// accepts the one presented only if it is the one named by the office's
// signed answer (tls_cert_sha256); if the office names none (TLS ends at a
// proxy) the certificate must verify against the system's roots. So a
// man in the middle at enrollment needs the office's signing key, not just
// a certificate.
func Enroll(ctx context.Context, baseURL string, token Token, kit string, key ed25519.PrivateKey) (OfficeInfo, EnrollResponse, error) {
	if token.Kit != kit {
		return OfficeInfo{}, EnrollResponse{}, Errorf(CodeTokenKitMismatch, "the token is for kit %q, not %q", token.Kit, kit)
	}
	u, err := parseBaseURL(baseURL)
	if err != nil {
		return OfficeInfo{}, EnrollResponse{}, err
	}

	// First contact: note the certificate presented, trust nothing yet.
	var presented string
	var capMu gosync.Mutex
	probe, err := NewClient(baseURL, kit, key, "", nil)
	if err != nil {
		return OfficeInfo{}, EnrollResponse{}, err
	}
	if u.Scheme == "https" {
		probe.hc = newHTTPClient(&tls.Config{
			InsecureSkipVerify: true, // the office's signed answer decides below
			VerifyPeerCertificate: func(raw [][]byte, _ [][]*x509.Certificate) error {
				if len(raw) == 0 {
					return errors.New("the office presented no certificate")
				}
				capMu.Lock()
				presented = certSHA256(raw[0])
				capMu.Unlock()
				return nil
			},
		})
	}
	info, err := probe.Office(ctx)
	if err != nil {
		return OfficeInfo{}, EnrollResponse{}, err
	}
	if err := VerifyOfficeInfo(info); err != nil {
		return OfficeInfo{}, EnrollResponse{}, fmt.Errorf("the office at %s is not the one that made this token: %v", baseURL, err)
	}
	if fp := Fingerprint(info.SigningKey); fp != token.Fingerprint {
		return OfficeInfo{}, EnrollResponse{}, fmt.Errorf("the office at %s is not the one that made this token (its fingerprint is %s, the token's %s)", baseURL, fp, token.Fingerprint)
	}
	pin := strings.ToLower(info.TLSCertSHA256)
	if u.Scheme == "https" && pin != "" {
		capMu.Lock()
		got := presented
		capMu.Unlock()
		if got != pin {
			return OfficeInfo{}, EnrollResponse{}, fmt.Errorf("the TLS certificate presented at %s (%s) is not the one the office names (%s): someone may be in the middle", baseURL, got, pin)
		}
	}
	if u.Scheme == "http" {
		pin = "" // nothing to pin on a plain link
	}

	c, err := NewClient(baseURL, kit, key, pin, nil)
	if err != nil {
		return OfficeInfo{}, EnrollResponse{}, err
	}
	pub := key.Public().(ed25519.PublicKey)
	body, _ := json.Marshal(EnrollRequest{
		Token:     token.String(),
		KitCode:   kit,
		PublicKey: pub,
		Proof:     EnrollProof(key, token.String()),
	})
	var resp EnrollResponse
	err = c.roundTrip(ctx, request{method: http.MethodPost, path: "/v1/enroll", body: body,
		header: map[string]string{"Content-Type": "application/json"}}, &resp)
	if err != nil {
		return OfficeInfo{}, EnrollResponse{}, err
	}
	if resp.KitCode != kit || !VerifyEnrolled(info.SigningKey, kit, pub, resp.Signature) {
		return OfficeInfo{}, EnrollResponse{}, fmt.Errorf("the office's enrollment answer is not signed by its key for kit %q", kit)
	}
	return info, resp, nil
}

// AttachmentState asks which of the attachments shas the office holds, and
// how much of each.
func (c *Client) AttachmentState(ctx context.Context, shas []string) (AttachmentState, error) {
	if shas == nil {
		shas = []string{}
	}
	body, _ := json.Marshal(struct {
		SHA256 []string `json:"sha256"`
	}{shas})
	var st AttachmentState
	err := c.roundTrip(ctx, request{method: http.MethodPost, path: "/v1/attachments/state", signed: true, body: body,
		header: map[string]string{"Content-Type": "application/json"}}, &st)
	if st.Held == nil {
		st.Held = map[string]int64{}
	}
	return st, err
}

// UploadPart is an attachment to send from Offset; Data is all of it.
type UploadPart struct {
	SHA256 string
	Total  int64
	Offset int64
	Data   []byte
}

// Upload sends every part in one streamed request, as frames of frameSize
// bytes (0: DefaultFrameSize; at most MaxFrameData). progress, if not nil,
// is called after each frame with the bytes of data sent so far in this
// request. A cut connection loses at most the frame in flight: ask
// AttachmentState and upload again from what the office holds.
func (c *Client) Upload(ctx context.Context, parts []UploadPart, frameSize int, progress func(bytes int64)) (AttachmentState, error) {
	if frameSize <= 0 {
		frameSize = DefaultFrameSize
	}
	frameSize = min(frameSize, MaxFrameData)
	for _, p := range parts {
		if int64(len(p.Data)) != p.Total || p.Offset < 0 || p.Offset > p.Total {
			return AttachmentState{}, fmt.Errorf("upload of %s: %d bytes of data, total %d, offset %d do not agree", p.SHA256, len(p.Data), p.Total, p.Offset)
		}
	}
	stream := func(w io.Writer, touch func()) error {
		var sent int64
		for _, p := range parts {
			off := p.Offset
			for first := true; first || off < p.Total; first = false {
				end := min(off+int64(frameSize), p.Total)
				if err := WriteFrame(w, Frame{SHA256: p.SHA256, Total: p.Total, Offset: off, Data: p.Data[off:end]}); err != nil {
					return err
				}
				touch()
				sent += end - off
				off = end
				if progress != nil {
					progress(sent)
				}
			}
		}
		return nil
	}
	var st AttachmentState
	err := c.roundTrip(ctx, request{method: http.MethodPost, path: "/v1/attachments/upload", signed: true, stream: stream,
		header: map[string]string{"Content-Type": "application/octet-stream"}}, &st)
	if st.Held == nil {
		st.Held = map[string]int64{}
	}
	return st, err
}

// SendBatch sends a batch of records (b.Kit is set to the client's kit if
// empty) and returns the office's acks.
func (c *Client) SendBatch(ctx context.Context, b Batch) ([]Ack, error) {
	if b.Kit == "" {
		b.Kit = c.kit
	}
	var buf bytes.Buffer
	decoded, err := encodeBatch(&buf, b)
	if err != nil {
		return nil, err
	}
	var res BatchResult
	err = c.roundTrip(ctx, request{method: http.MethodPost, path: "/v1/batches", signed: true, body: buf.Bytes(),
		header: map[string]string{"Content-Type": "application/json", "Content-Encoding": "zstd", HeaderDecodedLength: strconv.Itoa(decoded)}}, &res)
	return res.Acks, err
}

// Statuses fetches the statuses the office set after sequence number after.
func (c *Client) Statuses(ctx context.Context, after int64) (Statuses, error) {
	var s Statuses
	err := c.roundTrip(ctx, request{method: http.MethodGet, path: "/v1/statuses?after=" + strconv.FormatInt(after, 10), signed: true}, &s)
	return s, err
}
