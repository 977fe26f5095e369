package sync

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	gosync "sync"
	"testing"
	"time"

	"filippo.io/age"
)

// fakeOffice is a minimal office in memory that follows docs/protocol.md,
// for testing the client and Run.
type fakeOffice struct {
	t       testing.TB
	key     ed25519.PrivateKey
	sealing *age.X25519Identity
	nonces  MemoryNonces
	clock   func() time.Time
	tlsCert string // SHA-256 hex the office names in /v1/office

	mu          gosync.Mutex
	kits        map[string]ed25519.PublicKey
	tokens      map[string]string // secret hash → kit; deleted when used
	attachments map[string]*heldAttachment
	records     map[string]string // id → hash
	stores      map[string]int    // id → times stored
	conflicts   int
	statuses    []Status

	// For the cut test: the next upload is cut after cutAfter body bytes.
	cutAfter       int64
	cuts           int
	frameData      int64 // data bytes of whole frames received
	uploadRequests int
	frameDelay     time.Duration // a slow link: each frame takes this long to arrive
}

type heldAttachment struct {
	total int64
	data  []byte
}

func newFakeOffice(t testing.TB) (*fakeOffice, *httptest.Server) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	o := &fakeOffice{
		t: t, key: newKey(t), sealing: id, clock: time.Now,
		kits: map[string]ed25519.PublicKey{}, tokens: map[string]string{},
		attachments: map[string]*heldAttachment{}, records: map[string]string{}, stores: map[string]int{},
	}
	srv := httptest.NewServer(o.handler())
	t.Cleanup(srv.Close)
	return o, srv
}

func (o *fakeOffice) keyFor(kit string) ([]KitKey, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if k, ok := o.kits[kit]; ok {
		return []KitKey{{Key: k, State: KeyCurrent}}, nil
	}
	return nil, nil
}

func (o *fakeOffice) token(kit string) Token {
	tok, err := NewToken(kit, pubOf(o.key))
	if err != nil {
		o.t.Fatal(err)
	}
	o.mu.Lock()
	o.tokens[tok.SecretHash()] = kit
	o.mu.Unlock()
	return tok
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

// writeError answers e with the status the table gives its code, as the
// office does.
func writeError(w http.ResponseWriter, e *Error) { WriteError(w, HTTPStatus(e.Code), e) }

func (o *fakeOffice) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/office", func(w http.ResponseWriter, r *http.Request) {
		info := OfficeInfo{Office: "Kantor Imigrasi Batulicin", SealingRecipient: o.sealing.Recipient().String(), TLSCertSHA256: o.tlsCert, Time: o.clock()}
		SignOfficeInfo(o.key, &info)
		writeJSON(w, info)
	})
	mux.HandleFunc("POST /v1/enroll", func(w http.ResponseWriter, r *http.Request) {
		var req EnrollRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			writeError(w, Errorf(CodeBadRequest, "%v", err))
			return
		}
		tok, err := ParseToken(req.Token)
		if err != nil {
			writeError(w, err.(*Error))
			return
		}
		o.mu.Lock()
		defer o.mu.Unlock()
		kit, ok := o.tokens[tok.SecretHash()]
		switch {
		case !ok:
			writeError(w, Errorf(CodeTokenUnknown, "unknown token"))
		case kit != req.KitCode || tok.Kit != kit:
			writeError(w, Errorf(CodeTokenKitMismatch, "token is for %s", kit))
		case !VerifyEnrollProof(req.PublicKey, req.Token, req.Proof):
			writeError(w, Errorf(CodeBadSignature, "bad proof"))
		default:
			delete(o.tokens, tok.SecretHash())
			o.kits[kit] = req.PublicKey
			writeJSON(w, EnrollResponse{KitCode: kit, EnrolledAt: o.clock(), Signature: SignEnrolled(o.key, kit, req.PublicKey)})
		}
	})
	mux.HandleFunc("POST /v1/attachments/state", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if _, err := verifyWhole(r.Context(), r, body, o.keyFor, &o.nonces, o.clock()); err != nil {
			writeError(w, err.(*Error))
			return
		}
		var req struct {
			SHA256 []string `json:"sha256"`
		}
		json.Unmarshal(body, &req)
		writeJSON(w, o.state(req.SHA256))
	})
	mux.HandleFunc("POST /v1/attachments/upload", func(w http.ResponseWriter, r *http.Request) {
		if _, err := verifyStream(r.Context(), r, o.keyFor, &o.nonces, o.clock()); err != nil {
			writeError(w, err.(*Error))
			return
		}
		o.mu.Lock()
		o.uploadRequests++
		var body io.Reader = r.Body
		cut := o.cutAfter > 0
		if cut {
			body = io.LimitReader(r.Body, o.cutAfter)
			o.cutAfter = 0
			o.cuts++
		}
		o.mu.Unlock()
		fr := NewFrameReader(body)
		var shas []string
		o.mu.Lock()
		delay := o.frameDelay
		o.mu.Unlock()
		for {
			time.Sleep(delay)
			f, err := fr.Next()
			if err == io.EOF && !cut {
				break
			}
			if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
				panic(http.ErrAbortHandler) // the link drops
			}
			if err != nil {
				var e *Error
				if errors.As(err, &e) {
					writeError(w, e)
					return
				}
				panic(http.ErrAbortHandler)
			}
			if e := o.apply(f); e != nil {
				writeError(w, e)
				return
			}
			shas = append(shas, f.SHA256)
		}
		writeJSON(w, o.state(shas))
	})
	mux.HandleFunc("POST /v1/batches", func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 8<<20))
		if err != nil {
			writeError(w, Errorf(CodeTooLarge, "%v", err))
			return
		}
		kit, err := verifyWhole(r.Context(), r, body, o.keyFor, &o.nonces, o.clock())
		if err != nil {
			writeError(w, err.(*Error))
			return
		}
		b, err := DecodeBatch(bytes.NewReader(body), 64<<20)
		if err != nil {
			writeError(w, err.(*Error))
			return
		}
		if b.Kit != kit {
			writeError(w, Errorf(CodeBadRequest, "batch of kit %s sent by %s", b.Kit, kit))
			return
		}
		o.mu.Lock()
		defer o.mu.Unlock()
		var res BatchResult
		for _, rec := range b.Records {
			a := Ack{ID: rec.ID(), Hash: rec.Hash()}
			held, ok := o.records[a.ID]
			switch {
			case ok && held == a.Hash:
				a.Result = AckDuplicate
			case ok:
				a.Result = AckConflict
				o.conflicts++
			case rec.Photo != "" && !o.complete(rec.Photo):
				a.Result = AckMissingAttachment
			default:
				a.Result = AckStored
				o.records[a.ID] = a.Hash
				o.stores[a.ID]++
			}
			res.Acks = append(res.Acks, a)
		}
		writeJSON(w, res)
	})
	mux.HandleFunc("GET /v1/statuses", func(w http.ResponseWriter, r *http.Request) {
		if _, err := verifyWhole(r.Context(), r, nil, o.keyFor, &o.nonces, o.clock()); err != nil {
			writeError(w, err.(*Error))
			return
		}
		after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
		o.mu.Lock()
		defer o.mu.Unlock()
		s := Statuses{Statuses: []Status{}, Last: after}
		for _, st := range o.statuses {
			if st.Seq > after && len(s.Statuses) < 2 { // small pages, to test paging
				s.Statuses = append(s.Statuses, st)
				s.Last = st.Seq
			}
		}
		writeJSON(w, s)
	})
	return mux
}

// heldBytes is every attachment byte the office holds.
func (o *fakeOffice) heldBytes() int64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	var n int64
	for _, a := range o.attachments {
		n += int64(len(a.data))
	}
	return n
}

func (o *fakeOffice) complete(sha string) bool {
	a := o.attachments[sha]
	return a != nil && int64(len(a.data)) == a.total && shaHex(a.data) == sha
}

func (o *fakeOffice) state(shas []string) AttachmentState {
	o.mu.Lock()
	defer o.mu.Unlock()
	st := AttachmentState{Held: map[string]int64{}, Complete: []string{}}
	for _, sha := range shas {
		if a := o.attachments[sha]; a != nil {
			st.Held[sha] = int64(len(a.data))
			if o.complete(sha) {
				st.Complete = append(st.Complete, sha)
			}
		}
	}
	sort.Strings(st.Complete)
	st.Complete = compactStrings(st.Complete)
	return st
}

func compactStrings(s []string) []string {
	var out []string
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	if out == nil {
		return []string{}
	}
	return out
}

// apply commits one frame as the protocol says.
func (o *fakeOffice) apply(f Frame) *Error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.frameData += int64(len(f.Data))
	a := o.attachments[f.SHA256]
	if a == nil {
		a = &heldAttachment{total: f.Total}
		o.attachments[f.SHA256] = a
	}
	held := int64(len(a.data))
	end := f.Offset + int64(len(f.Data))
	switch {
	case f.Total != a.total:
		return Errorf(CodeMalformed, "total differs")
	case f.Offset > held:
		return Errorf(CodeOffsetMismatch, "offset %d, held %d", f.Offset, held)
	case end <= held && !(f.Total == 0 && held == 0):
		return nil // wholly before what is held
	}
	a.data = append(a.data, f.Data[held-f.Offset:]...)
	if int64(len(a.data)) == a.total && shaHex(a.data) != f.SHA256 {
		a.data = nil // discard a damaged attachment
	}
	return nil
}

// memKit is a KitSide in memory.
type memKit struct {
	// overlap gives each page again the last record of the page before,
	// as a kit that doubled at a page boundary would.
	overlap bool
	// between is called after each page of a walk (walks counted from 1),
	// the lock not held: the kit changing between two pages.
	between  func(walk, page int)
	walks    int
	page     int // records per page of Pending; 0: 3
	mu       gosync.Mutex
	records  []Record
	photos   map[string][]byte
	acks     map[string]Ack
	cursor   int64
	statuses []Status
	saves    int
}

var _ KitSide = (*memKit)(nil)

// Pending gives the pending records a page at a time (k.page, 0: 3,
// small so that every test walks several pages), the lock not held while
// fn runs, as the kit holds no transaction.
func (k *memKit) Pending(ctx context.Context, fn func([]Record, []Photo) error) error {
	k.mu.Lock()
	k.walks++
	walk := k.walks
	k.mu.Unlock()
	var prev []Record
	for i, page := 0, 1; ; page++ {
		k.mu.Lock()
		size := k.page
		if size <= 0 {
			size = 3
		}
		var rs []Record
		var ps []Photo
		fresh := 0
		if k.overlap && len(prev) > 0 {
			rs = append(rs, prev[len(prev)-1])
		}
		for ; i < len(k.records) && fresh < size; i++ {
			r := k.records[i]
			if a, ok := k.acks[r.ID()]; ok && a.Final() {
				continue
			}
			rs = append(rs, r)
			fresh++
			if r.Photo != "" {
				ps = append(ps, Photo{SHA256: r.Photo, Size: int64(len(k.photos[r.Photo]))})
			}
		}
		k.mu.Unlock()
		if fresh == 0 {
			return nil
		}
		if err := fn(rs, ps); err != nil {
			return err
		}
		prev = rs
		if k.between != nil {
			k.between(walk, page)
		}
	}
}

func (k *memKit) Photo(_ context.Context, sha string) ([]byte, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	p, ok := k.photos[sha]
	if !ok {
		return nil, errors.New("no such photo")
	}
	return p, nil
}

func (k *memKit) SaveAcks(_ context.Context, acks []Ack) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.saves++
	for _, a := range acks {
		k.acks[a.ID] = a
	}
	return nil
}

func (k *memKit) StatusCursor(context.Context) (int64, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.cursor, nil
}

func (k *memKit) SaveStatuses(_ context.Context, s Statuses) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.statuses = append(k.statuses, s.Statuses...)
	k.cursor = s.Last
	return nil
}

// newMemKit makes n records of kit KTB01, each with its own photo of
// photoSize random bytes.
func newMemKit(n, photoSize int) *memKit {
	k := &memKit{photos: map[string][]byte{}, acks: map[string]Ack{}}
	for i := range n {
		r := sampleRecord("app"+strconv.Itoa(i), 1)
		if photoSize > 0 {
			p := randomBytes(uint64(1000+i), photoSize+i)
			r.Photo = shaHex(p)
			k.photos[r.Photo] = p
		}
		k.records = append(k.records, r)
	}
	return k
}
