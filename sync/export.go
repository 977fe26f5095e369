package sync

import (
	"bufio"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"filippo.io/age"
)

// Limits of an export file, so that opening a hostile one cannot exhaust
// memory or disk: the header line, the batch JSON, everything decompressed
// (at most MaxExportSize, and at most MaxInflation times the compressed
// payload, plus a MiB, so that a small file cannot inflate to gigabytes).
// Each attachment is at most MaxAttachmentSize, and only one is held in
// memory at a time.
const (
	maxExportHeader = 64 << 10
	MaxExportBatch  = 256 << 20
	MaxExportSize   = 4 << 30
	MaxInflation    = 64
)

const exportMagic = "JEXP1\n"

// Export is what an export file carries: one kit's batch and the
// attachments its records need, by SHA-256 hex.
type Export struct {
	Kit         string
	Created     time.Time
	Batch       Batch
	Attachments map[string][]byte
}

type exportHeader struct {
	Kit           string `json:"kit"`
	Created       string `json:"created"` // RFC 3339 with nanoseconds, UTC; signed as written
	PayloadSHA256 string `json:"payload_sha256"`
	Signature     []byte `json:"signature"`
}

// ExportMessage is what a kit signs in an export file's header.
func ExportMessage(kit, created, payloadSHA256 string) []byte {
	return []byte("jemput-export\n" + kit + "\n" + created + "\n" + payloadSHA256)
}

// SealExport writes e as an export file: see SealExportFrom, which it calls
// with e's attachments.
func SealExport(w io.Writer, recipient string, key ed25519.PrivateKey, e Export) error {
	shas := make([]string, 0, len(e.Attachments))
	for sha := range e.Attachments {
		shas = append(shas, sha)
	}
	slices.Sort(shas)
	return SealExportFrom(w, "", recipient, key, ExportSource{Kit: e.Kit, Created: e.Created, Batch: e.Batch, Photos: shas,
		Photo: func(sha string) ([]byte, error) { return e.Attachments[sha], nil }})
}

// ExportSource is what SealExportFrom writes: a batch, and the attachments
// it needs, read one at a time. The batch's records and audit entries may
// come in pages too (Records, Audit), so that the kit never holds them all.
type ExportSource struct {
	Kit     string
	Created time.Time
	Batch   Batch    // its records and audit entries are written first
	Photos  []string // SHA-256 hex, in the order written
	// Records, if set, gives more records with the photos they need, a
	// page at a time (as KitSide.Pending): written after Batch.Records,
	// their photos after Photos, each photo once.
	Records func(fn func(records []Record, photos []Photo) error) error
	// Audit, if set, gives more audit entries, a page at a time, written
	// after Batch.Audit.
	Audit func(fn func([]AuditEntry) error) error
	Photo func(sha string) ([]byte, error) // one attachment's bytes
}

// SealExportFrom writes an export file: encrypted with age to recipient
// (the office's "age1..." sealing recipient) and signed by key.
//
//	age( "JEXP1\n" + header JSON + "\n" + payload )
//	payload = zstd( batch length[u64] + batch JSON + frames )
//
// The signed header, which comes first, holds the payload's hash, so the
// payload is written to a temporary file in tmpDir ("": the system's)
// first and copied after; the batch's length comes before its JSON, so the
// JSON is written, a record at a time, to another temporary file first.
// Both are sealed (sealedTemp): nothing of an applicant is readable on
// the disk, even if the export is killed halfway.
// Memory holds a page of records and one attachment, whatever the file's
// size (and src.Batch, when the caller gives the records that way).
func SealExportFrom(w io.Writer, tmpDir, recipient string, key ed25519.PrivateKey, src ExportSource) error {
	rcpt, err := age.ParseX25519Recipient(recipient)
	if err != nil {
		return Errorf(CodeBadRequest, "office sealing recipient: %v", err)
	}
	if len(key) != ed25519.PrivateKeySize {
		return Errorf(CodeBadRequest, "kit key has %d bytes, want %d", len(key), ed25519.PrivateKeySize)
	}
	if src.Batch.Kit == "" {
		src.Batch.Kit = src.Kit
	}
	if src.Batch.Kit != src.Kit {
		return Errorf(CodeBadRequest, "export of kit %q holds a batch of kit %q", src.Kit, src.Batch.Kit)
	}
	if err := checkBatch(src.Batch); err != nil {
		return err
	}
	if src.Created.IsZero() {
		src.Created = time.Now()
	}
	// Both temporary files are sealed: they hold the applicants' records
	// and photos.
	batch, err := newSealedTemp(tmpDir, "jemput-export-*.batch.tmp")
	if err != nil {
		return err
	}
	defer batch.remove()
	photos, size, err := writeBatchJSON(batch, &src)
	if err != nil {
		return err
	}
	tmp, err := newSealedTemp(tmpDir, "jemput-export-*.tmp")
	if err != nil {
		return err
	}
	defer tmp.remove()
	hasher := sha256.New()
	bw := bufio.NewWriter(io.MultiWriter(tmp, hasher))
	zw, err := newZstdWriter(bw)
	if err != nil {
		return err
	}
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(size))
	zw.Write(n[:])
	br, err := batch.reader()
	if err != nil {
		return err
	}
	if c, err := io.Copy(zw, br); err != nil {
		return err
	} else if c != size {
		return fmt.Errorf("export: the batch's temporary file holds %d bytes, %d were written", c, size)
	}
	for _, sha := range photos {
		data, err := src.Photo(sha)
		if err != nil {
			return err
		}
		if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != sha {
			return Errorf(CodeBadRequest, "attachment %s does not match its SHA-256", sha)
		}
		if err := writeFrames(zw, sha, data, 0, MaxFrameData); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	h := exportHeader{Kit: src.Kit, Created: src.Created.UTC().Format(time.RFC3339Nano), PayloadSHA256: hex.EncodeToString(hasher.Sum(nil))}
	h.Signature = ed25519.Sign(key, ExportMessage(h.Kit, h.Created, h.PayloadSHA256))
	hj, err := json.Marshal(h)
	if err != nil {
		return err
	}
	aw, err := age.Encrypt(w, rcpt)
	if err != nil {
		return err
	}
	for _, b := range [][]byte{[]byte(exportMagic), hj, []byte("\n")} {
		if _, err := aw.Write(b); err != nil {
			return err
		}
	}
	payload, err := tmp.reader()
	if err != nil {
		return err
	}
	if _, err := io.Copy(aw, payload); err != nil {
		return err
	}
	return aw.Close()
}

// writeBatchJSON writes src's batch as JSON to f, as json.Marshal would
// (the same fields; "records" and "audit" always present), a record at a
// time: src.Batch's records, then those of src.Records, then the audit
// entries likewise. Each page is checked as checkBatch checks a batch. It
// returns the attachments to write (src.Photos, then those the pages
// need, each once) and the JSON's length.
func writeBatchJSON(f io.Writer, src *ExportSource) ([]string, int64, error) {
	cw := &countWriter{w: f}
	bw := bufio.NewWriter(cw)
	head, err := json.Marshal(struct {
		BatchID string `json:"batch_id"`
		Kit     string `json:"kit"`
	}{src.Batch.BatchID, src.Batch.Kit})
	if err != nil {
		return nil, 0, err
	}
	bw.Write(head[:len(head)-1]) // without its closing brace
	photos := slices.Clone(src.Photos)
	seen := map[string]bool{}
	for _, sha := range photos {
		seen[sha] = true
	}
	items := 0
	item := func(v any) error {
		js, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		if items > 0 {
			bw.WriteByte(',')
		}
		items++
		_, err = bw.Write(js)
		return err
	}
	bw.WriteString(`,"records":[`)
	records := func(recs []Record) error {
		if err := checkBatch(Batch{Kit: src.Batch.Kit, Records: recs}); err != nil {
			return err
		}
		for _, r := range recs {
			if err := item(r); err != nil {
				return err
			}
		}
		return nil
	}
	if err := records(src.Batch.Records); err != nil {
		return nil, 0, err
	}
	if src.Records != nil {
		err := src.Records(func(recs []Record, ps []Photo) error {
			for _, p := range ps {
				if !seen[p.SHA256] {
					seen[p.SHA256] = true
					photos = append(photos, p.SHA256)
				}
			}
			return records(recs)
		})
		if err != nil {
			return nil, 0, err
		}
	}
	items = 0
	bw.WriteString(`],"audit":[`)
	audit := func(list []AuditEntry) error {
		for _, e := range list {
			if err := item(e); err != nil {
				return err
			}
		}
		return nil
	}
	if err := audit(src.Batch.Audit); err != nil {
		return nil, 0, err
	}
	if src.Audit != nil {
		if err := src.Audit(audit); err != nil {
			return nil, 0, err
		}
	}
	bw.WriteString(`]}`)
	if err := bw.Flush(); err != nil {
		return nil, 0, err
	}
	if cw.n > MaxExportBatch {
		return nil, 0, tooLargef("export batch of %d bytes, more than the %d an office reads", cw.n, MaxExportBatch)
	}
	return photos, cw.n, nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// writeFrames writes data from offset as frames of at most size bytes; an
// empty attachment is one empty frame.
func writeFrames(w io.Writer, sha string, data []byte, offset int64, size int) error {
	total := int64(len(data))
	for first := true; first || offset < total; first = false {
		end := min(offset+int64(size), total)
		if err := WriteFrame(w, Frame{SHA256: sha, Total: total, Offset: offset, Data: data[offset:end]}); err != nil {
			return err
		}
		offset = end
	}
	return nil
}

// damaged names a sealed file that cannot be read to its end: cut short,
// changed on the way, or a bad copy.
func damaged(format string, args ...any) *Error {
	return malformedf("the export file is damaged or truncated (make it again with jemput sync export): "+format, args...)
}

// OpenExport reads a whole export file into memory: ReadExport with every
// attachment collected. For tests and small files; the office imports
// with ReadExport.
func OpenExport(r io.Reader, identity string, keys KeyLookup) (Export, error) {
	er, err := ReadExport(r, "", identity, keys)
	if err != nil {
		return Export{}, err
	}
	defer er.Close()
	e := Export{Kit: er.Kit, Created: er.Created, Batch: Batch{BatchID: er.BatchID, Kit: er.Kit, Records: []Record{}, Audit: []AuditEntry{}},
		Attachments: map[string][]byte{}}
	if err := er.EachRecord(func(page []Record) error {
		e.Batch.Records = append(e.Batch.Records, page...)
		return nil
	}); err != nil {
		return Export{}, err
	}
	if err := er.EachAudit(func(page []AuditEntry) error {
		e.Batch.Audit = append(e.Batch.Audit, page...)
		return nil
	}); err != nil {
		return Export{}, err
	}
	for {
		sha, data, err := er.Next()
		if err == io.EOF {
			return e, nil
		}
		if err != nil {
			return Export{}, err
		}
		e.Attachments[sha] = data
	}
}

// ExportReader is an opened export file whose signature and payload hash
// have been checked: its batch's records and audit entries a page at a
// time (EachRecord, EachAudit), its attachments one at a time (Next).
type ExportReader struct {
	Kit     string
	Created time.Time
	// The batch's id and how many records and audit entries it holds;
	// the records and entries themselves are read a page at a time
	// (EachRecord, EachAudit), so that the reader holds a page of them
	// whatever the file's size.
	BatchID      string
	Records      int
	AuditEntries int

	batchSize int64 // of the batch's JSON, after its length
	tmp       *os.File
	zr        interface{ Close() }
	lr        *io.LimitedReader
	limit     int64
	frames    *FrameReader
	done      map[string]bool
}

// ReadExport decrypts an export file with identity (the office's
// "AGE-SECRET-KEY-1..."), checks the kit's signature with keys and the
// payload's hash, and returns a reader of its content. The payload is
// spooled (compressed, as it is in the file) to a temporary file in
// tmpDir ("": the system's) while it is hashed, so that nothing of it is
// decompressed before its hash is known good. Every failure is an *Error:
// bad_request for a bad identity, malformed (a file that is not an export
// file, or one that is damaged or truncated, each said so), too_large,
// unknown_kit, bad_signature, kit_revoked, kit_replaced, or unavailable
// when keys fail. Close removes the temporary file.
func ReadExport(r io.Reader, tmpDir, identity string, keys KeyLookup) (*ExportReader, error) {
	id, err := age.ParseX25519Identity(identity)
	if err != nil {
		return nil, Errorf(CodeBadRequest, "office sealing identity: %v", err)
	}
	br0 := bufio.NewReader(r)
	if head, _ := br0.Peek(len("age-encryption.org/")); string(head) != "age-encryption.org/" {
		return nil, malformedf("not a jemput export file (not a sealed age file)")
	}
	plain, err := age.Decrypt(br0, id)
	if err != nil {
		var nm *age.NoIdentityMatchError
		if errors.As(err, &nm) {
			return nil, malformedf("this export file is not sealed to this office")
		}
		return nil, damaged("%v", err)
	}
	br := bufio.NewReader(plain)
	h, err := readExportHeader(br)
	if err != nil {
		return nil, err
	}
	created, err := time.Parse(time.RFC3339Nano, h.Created)
	if err != nil {
		return nil, malformedf("export header: created %q is not RFC 3339", h.Created)
	}
	list, err := keys(h.Kit)
	if err != nil {
		return nil, Errorf(CodeUnavailable, "looking up kit %q: %v", h.Kit, err)
	}
	if len(list) == 0 {
		return nil, Errorf(CodeUnknownKit, "the export file is from kit %q, which is not enrolled at this office", h.Kit)
	}
	msg := ExportMessage(h.Kit, h.Created, h.PayloadSHA256)
	var match *KitKey
	for i := range list {
		if verify(list[i].Key, msg, h.Signature) {
			match = &list[i]
			break
		}
	}
	switch {
	case match == nil:
		return nil, badSignaturef("the export file is not signed by kit %q's key", h.Kit)
	case match.State == KeyRevoked:
		return nil, Errorf(CodeKitRevoked, "the export file is from kit %s, revoked by the office on %s: %s", h.Kit, match.Since.UTC().Format(time.RFC3339), match.Reason)
	case match.State == KeyReplaced && !created.Before(match.Since):
		return nil, Errorf(CodeKitReplaced, "the export file is signed by a key of kit %s that was replaced on %s", h.Kit, match.Since.UTC().Format(time.RFC3339))
	case match.State != KeyCurrent && match.State != KeyReplaced:
		return nil, badSignaturef("the export file is not signed by kit %q's key", h.Kit)
	}

	tmp, err := os.CreateTemp(tmpDir, "jemput-import-*.tmp")
	if err != nil {
		return nil, err
	}
	er := &ExportReader{Kit: h.Kit, Created: created, tmp: tmp, done: map[string]bool{}}
	ok := false
	defer func() {
		if !ok {
			er.Close()
		}
	}()
	hasher := sha256.New()
	size, err := io.Copy(io.MultiWriter(tmp, hasher), io.LimitReader(br, MaxExportSize+1))
	if err != nil {
		return nil, damaged("%v", err)
	}
	if size > MaxExportSize {
		return nil, tooLargef("export file larger than %d bytes", int64(MaxExportSize))
	}
	if hex.EncodeToString(hasher.Sum(nil)) != h.PayloadSHA256 {
		return nil, damaged("its payload does not match the hash its header was signed with")
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	zr, err := newZstdReader(bufio.NewReader(tmp))
	if err != nil {
		return nil, err
	}
	er.zr = zr
	er.limit = min(MaxExportSize, MaxInflation*size+1<<20)
	er.lr = &io.LimitedReader{R: zr, N: er.limit + 1}
	if err := er.readBatch(); err != nil {
		return nil, err
	}
	er.frames = NewFrameReader(er.lr)
	ok = true
	return er, nil
}

// Rewind starts the attachments again from the first, for a transaction
// that runs again: the payload is read once more from the temporary file
// (its hash was checked when it was spooled), the batch skipped.
func (er *ExportReader) Rewind() error {
	if er.tmp == nil {
		return errors.New("export reader closed")
	}
	if er.zr != nil {
		er.zr.Close()
		er.zr = nil
	}
	if _, err := er.tmp.Seek(0, io.SeekStart); err != nil {
		return err
	}
	zr, err := newZstdReader(bufio.NewReader(er.tmp))
	if err != nil {
		return err
	}
	er.zr = zr
	er.lr = &io.LimitedReader{R: zr, N: er.limit + 1}
	var n [8]byte
	if _, err := io.ReadFull(er.lr, n[:]); err != nil {
		return er.inflated(err)
	}
	if _, err := io.CopyN(io.Discard, er.lr, int64(binary.BigEndian.Uint64(n[:]))); err != nil {
		return er.inflated(err)
	}
	er.frames = NewFrameReader(er.lr)
	er.done = map[string]bool{}
	return nil
}

// Close releases the reader and removes its temporary file.
func (er *ExportReader) Close() error {
	if er.zr != nil {
		er.zr.Close()
		er.zr = nil
	}
	if er.tmp != nil {
		er.tmp.Close()
		os.Remove(er.tmp.Name())
		er.tmp = nil
	}
	return nil
}

// inflated refuses a payload that decompresses beyond its limit, and names
// any other failure to read it.
func (er *ExportReader) inflated(err error) error {
	if er.lr.N <= 0 {
		return tooLargef("the export file inflates to more than %d bytes (%d times its compressed size): refused", er.limit, MaxInflation)
	}
	var pe *Error
	if errors.As(err, &pe) {
		return pe
	}
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return damaged("%v", err)
}

func (er *ExportReader) readBatch() error {
	var n [8]byte
	if _, err := io.ReadFull(er.lr, n[:]); err != nil {
		return er.inflated(err)
	}
	size := binary.BigEndian.Uint64(n[:])
	if size > MaxExportBatch || int64(size) > er.limit {
		return tooLargef("export batch of %d bytes, more than %d", size, min(MaxExportBatch, er.limit))
	}
	// Walked as it arrives, a record at a time, checked and counted, and
	// not kept: EachRecord and EachAudit read it again, a page at a time.
	cr := &readCounter{r: io.LimitReader(er.lr, int64(size))}
	head, err := walkBatch(cr, exportPage, func(page []Record) error {
		er.Records += len(page)
		return checkBatch(Batch{Kit: er.Kit, Records: page})
	}, func(page []AuditEntry) error {
		er.AuditEntries += len(page)
		return nil
	})
	if cr.err != nil {
		return er.inflated(cr.err)
	}
	if err != nil {
		var pe *Error
		if errors.As(err, &pe) {
			return pe
		}
		return malformedf("export batch is not valid JSON: %v", err)
	}
	if cr.n != int64(size) {
		return er.inflated(io.ErrUnexpectedEOF)
	}
	if err := checkBatch(Batch{Kit: head.Kit}); err != nil {
		return err
	}
	if head.Kit != er.Kit {
		return malformedf("export of kit %q holds a batch of kit %q", er.Kit, head.Kit)
	}
	er.BatchID, er.batchSize = head.BatchID, int64(size)
	return nil
}

// exportPage is how many records or audit entries EachRecord and
// EachAudit give at a time.
const exportPage = 500

// EachRecord gives fn the batch's records in order, a page at a time. It
// reads them again from the payload (spooled, its hash checked) at each
// call, and stops at fn's first error.
func (er *ExportReader) EachRecord(fn func([]Record) error) error {
	return er.walk(fn, nil)
}

// EachAudit gives fn the batch's audit entries in order, a page at a time,
// as EachRecord does the records.
func (er *ExportReader) EachAudit(fn func([]AuditEntry) error) error {
	return er.walk(nil, fn)
}

func (er *ExportReader) walk(onRecords func([]Record) error, onAudit func([]AuditEntry) error) error {
	if er.tmp == nil {
		return errors.New("export reader closed")
	}
	// A reader of its own (ReadAt does not move the file's offset, which
	// Next reads the attachments from).
	st, err := er.tmp.Stat()
	if err != nil {
		return err
	}
	zr, err := newZstdReader(bufio.NewReader(io.NewSectionReader(er.tmp, 0, st.Size())))
	if err != nil {
		return err
	}
	defer zr.Close()
	lr := &io.LimitedReader{R: zr, N: er.limit + 1}
	var n [8]byte
	if _, err := io.ReadFull(lr, n[:]); err != nil {
		return damaged("%v", err)
	}
	_, err = walkBatch(io.LimitReader(lr, er.batchSize), exportPage, onRecords, onAudit)
	return err
} // readCounter counts what is read and keeps the first error of the
// reader itself (not the decoder's), to tell a truncated or inflated
// payload from bad JSON.
type readCounter struct {
	r   io.Reader
	n   int64
	err error
}

func (c *readCounter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if err != nil && err != io.EOF && c.err == nil {
		c.err = err
	}
	return n, err
}

// walkBatch decodes a batch from r as json.Unmarshal would (keys matched
// without regard to case, unknown keys skipped, nothing but white space
// after the value), each record and audit entry as it comes, and gives them to onRecords and onAudit in
// pages of at most page (0: one page of all); a nil callback skips that
// list. It returns the batch without its lists, and reads r to its end. A
// list that is null gives no page, nor does an empty one unless page is 0
// (then it gives the empty list, as json.Unmarshal would make it).
func walkBatch(r io.Reader, page int, onRecords func([]Record) error, onAudit func([]AuditEntry) error) (Batch, error) {
	var b Batch
	dec := json.NewDecoder(r)
	if err := wantDelim(dec, '{'); err != nil {
		return b, err
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return b, err
		}
		key, _ := tok.(string)
		switch {
		case strings.EqualFold(key, "records"):
			err = walkList(dec, page, func(list []Record) error {
				if onRecords == nil {
					return nil
				}
				return onRecords(list)
			})
		case strings.EqualFold(key, "audit"):
			err = walkList(dec, page, func(list []AuditEntry) error {
				if onAudit == nil {
					return nil
				}
				return onAudit(list)
			})
		case strings.EqualFold(key, "batch_id"):
			err = dec.Decode(&b.BatchID)
		case strings.EqualFold(key, "kit"):
			err = dec.Decode(&b.Kit)
		default:
			var skip json.RawMessage
			err = dec.Decode(&skip)
		}
		if err != nil {
			return b, err
		}
	}
	if err := wantDelim(dec, '}'); err != nil {
		return b, err
	}
	if _, err := dec.Token(); err != io.EOF {
		if err == nil {
			err = errors.New("more after the batch")
		}
		return b, err
	}
	return b, nil
}

// walkList decodes a JSON array (or null) of T, one element at a time,
// and gives them to fn in pages of at most page (0: all in one).
func walkList[T any](dec *json.Decoder, page int, fn func([]T) error) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok == nil {
		return nil
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return fmt.Errorf("a list was expected, not %v", tok)
	}
	var list []T
	if page == 0 {
		list = []T{}
	}
	for dec.More() {
		var v T
		if err := dec.Decode(&v); err != nil {
			return err
		}
		list = append(list, v)
		if page > 0 && len(list) == page {
			if err := fn(list); err != nil {
				return err
			}
			list = nil
		}
	}
	if err := wantDelim(dec, ']'); err != nil {
		return err
	}
	if len(list) > 0 || page == 0 {
		return fn(list)
	}
	return nil
}

func wantDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("%v was expected, not %v", want, tok)
	}
	return nil
}

// Next returns the next attachment, whole and checked against its SHA-256,
// or io.EOF after the last one.
func (er *ExportReader) Next() (sha string, data []byte, err error) {
	var total int64
	for {
		f, err := er.frames.Next()
		if err == io.EOF && data == nil {
			if er.lr.N <= 0 {
				return "", nil, er.inflated(err)
			}
			return "", nil, io.EOF
		}
		if err != nil {
			return "", nil, er.inflated(err)
		}
		if data == nil {
			if er.done[f.SHA256] {
				return "", nil, malformedf("attachment %s appears twice", f.SHA256)
			}
			sha, total = f.SHA256, f.Total
			data = make([]byte, 0, min(f.Total, 1<<20))
		}
		switch {
		case f.SHA256 != sha:
			return "", nil, malformedf("attachment %s is incomplete (%d of %d bytes) when %s starts", sha, len(data), total, f.SHA256)
		case f.Total != total:
			return "", nil, malformedf("frames of attachment %s disagree on its size (%d, %d)", sha, total, f.Total)
		case f.Offset != int64(len(data)):
			return "", nil, malformedf("frame of attachment %s at offset %d, want %d", sha, f.Offset, len(data))
		}
		data = append(data, f.Data...)
		if int64(len(data)) == total {
			if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != sha {
				return "", nil, malformedf("attachment %s does not match its SHA-256", sha)
			}
			er.done[sha] = true
			return sha, data, nil
		}
	}
}

func readExportHeader(br *bufio.Reader) (exportHeader, error) {
	var h exportHeader
	magic := make([]byte, len(exportMagic))
	if _, err := io.ReadFull(br, magic); err != nil {
		return h, damaged("%v", err)
	}
	if string(magic) != exportMagic {
		return h, malformedf("not a jemput export file (no JEXP1 line)")
	}
	var line []byte
	for {
		b, err := br.ReadByte()
		if err != nil {
			return h, damaged("in its header: %v", err)
		}
		if b == '\n' {
			break
		}
		if len(line) == maxExportHeader {
			return h, malformedf("export header longer than %d bytes", maxExportHeader)
		}
		line = append(line, b)
	}
	if err := json.Unmarshal(line, &h); err != nil {
		return h, malformedf("export header is not JSON: %v", err)
	}
	if err := CheckKitCode(h.Kit); err != nil {
		return h, malformedf("export header: %s", err.(*Error).Message)
	}
	if !isLowerHex(h.PayloadSHA256, 64) {
		return h, malformedf("export header: payload_sha256 is not a hex SHA-256")
	}
	return h, nil
}

// AckFile answers an export file: the office's acks for its records and the
// statuses for the kit, signed by the office signing key.
type AckFile struct {
	Kit       string    `json:"kit"`
	Created   time.Time `json:"created"`
	Acks      []Ack     `json:"acks"`
	Statuses  []Status  `json:"statuses"`
	Visits    []Visit   `json:"visits,omitempty"` // the office's plan, as in a sync answer
	Signature []byte    `json:"signature"`
}

// AckFileMessage is what the office signs: "jemput-acks\n" + the JSON of
// the file without its signature.
func AckFileMessage(f AckFile) []byte {
	f.Signature = nil
	js, err := json.Marshal(struct {
		Kit      string    `json:"kit"`
		Created  time.Time `json:"created"`
		Acks     []Ack     `json:"acks"`
		Statuses []Status  `json:"statuses"`
		// omitempty: a file without a plan is signed as before.
		Visits []Visit `json:"visits,omitempty"`
	}{f.Kit, f.Created.UTC(), f.Acks, f.Statuses, f.Visits})
	if err != nil {
		panic("sync: marshal ack file: " + err.Error()) // plain types only
	}
	return append([]byte("jemput-acks\n"), js...)
}

// Sign sets f.Created in UTC and f.Signature.
func (f *AckFile) Sign(officeKey ed25519.PrivateKey) {
	f.Created = f.Created.UTC()
	f.Signature = ed25519.Sign(officeKey, AckFileMessage(*f))
}

// Verify checks f's signature by the office; the error is a bad_signature
// *Error.
func (f AckFile) Verify(officePub ed25519.PublicKey) error {
	if !verify(officePub, AckFileMessage(f), f.Signature) {
		return badSignaturef("the ack file is not signed by this office, or was changed")
	}
	return nil
}

// WriteAckFile writes f as JSON.
func WriteAckFile(w io.Writer, f AckFile) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(f)
}

// ReadAckFile reads an ack file (at most 256 MiB). It does not verify it.
func ReadAckFile(r io.Reader) (AckFile, error) {
	const max = 256 << 20
	js, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return AckFile{}, err
	}
	if len(js) > max {
		return AckFile{}, tooLargef("ack file larger than %d bytes", max)
	}
	var f AckFile
	if err := json.Unmarshal(js, &f); err != nil {
		return AckFile{}, malformedf("ack file is not valid JSON: %v", err)
	}
	if err := CheckKitCode(f.Kit); err != nil {
		return AckFile{}, malformedf("ack file: %s", err.(*Error).Message)
	}
	return f, nil
}
