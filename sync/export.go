package sync

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"filippo.io/age"
)

// Limits of an export file, so that opening a hostile one cannot exhaust
// memory: the header line, the batch JSON, and everything decompressed.
// Each attachment is at most MaxAttachmentSize.
const (
	maxExportHeader = 64 << 10
	MaxExportBatch  = 1 << 30
	MaxExportSize   = 4 << 30
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

// SealExport writes e as an export file: encrypted with age to recipient
// (the office's "age1..." sealing recipient) and signed by key.
//
//	age( "JEXP1\n" + header JSON + "\n" + payload )
//	payload = zstd( batch length[u64] + batch JSON + frames )
//
// The payload is built in memory first, since the signed header, which
// comes before it, holds its hash.
func SealExport(w io.Writer, recipient string, key ed25519.PrivateKey, e Export) error {
	rcpt, err := age.ParseX25519Recipient(recipient)
	if err != nil {
		return Errorf(CodeBadRequest, "office sealing recipient: %v", err)
	}
	if len(key) != ed25519.PrivateKeySize {
		return Errorf(CodeBadRequest, "kit key has %d bytes, want %d", len(key), ed25519.PrivateKeySize)
	}
	if e.Batch.Kit == "" {
		e.Batch.Kit = e.Kit
	}
	if e.Batch.Kit != e.Kit {
		return Errorf(CodeBadRequest, "export of kit %q holds a batch of kit %q", e.Kit, e.Batch.Kit)
	}
	if err := checkBatch(e.Batch); err != nil {
		return err
	}
	if e.Created.IsZero() {
		e.Created = time.Now()
	}

	var payload bytes.Buffer
	zw, err := newZstdWriter(&payload)
	if err != nil {
		return err
	}
	js, err := json.Marshal(e.Batch)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(js)))
	zw.Write(n[:])
	zw.Write(js)
	shas := make([]string, 0, len(e.Attachments))
	for sha := range e.Attachments {
		shas = append(shas, sha)
	}
	slices.Sort(shas)
	for _, sha := range shas {
		data := e.Attachments[sha]
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

	sum := sha256.Sum256(payload.Bytes())
	h := exportHeader{Kit: e.Kit, Created: e.Created.UTC().Format(time.RFC3339Nano), PayloadSHA256: hex.EncodeToString(sum[:])}
	h.Signature = ed25519.Sign(key, ExportMessage(h.Kit, h.Created, h.PayloadSHA256))
	hj, err := json.Marshal(h)
	if err != nil {
		return err
	}
	aw, err := age.Encrypt(w, rcpt)
	if err != nil {
		return err
	}
	for _, b := range [][]byte{[]byte(exportMagic), hj, []byte("\n"), payload.Bytes()} {
		if _, err := aw.Write(b); err != nil {
			return err
		}
	}
	return aw.Close()
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

// OpenExport decrypts an export file with identity (the office's
// "AGE-SECRET-KEY-1..."), checks the kit's signature with keyFor, the
// payload's hash and every attachment's SHA-256, and returns its content.
// It returns all or nothing: every failure is an *Error (bad_request for
// a bad identity, malformed, too_large, unknown_kit, bad_signature, or
// unavailable when keyFor fails) and a zero Export.
func OpenExport(r io.Reader, identity string, keyFor func(kit string) (ed25519.PublicKey, bool, error)) (Export, error) {
	id, err := age.ParseX25519Identity(identity)
	if err != nil {
		return Export{}, Errorf(CodeBadRequest, "office sealing identity: %v", err)
	}
	plain, err := age.Decrypt(r, id)
	if err != nil {
		var nm *age.NoIdentityMatchError
		if errors.As(err, &nm) {
			return Export{}, malformedf("this export file is not sealed to this office")
		}
		return Export{}, malformedf("not an export file (age): %v", err)
	}
	br := bufio.NewReader(plain)
	h, err := readExportHeader(br)
	if err != nil {
		return Export{}, err
	}
	pub, ok, err := keyFor(h.Kit)
	if err != nil {
		return Export{}, Errorf(CodeUnavailable, "looking up kit %q: %v", h.Kit, err)
	}
	if !ok {
		return Export{}, Errorf(CodeUnknownKit, "the export file is from kit %q, which is not enrolled at this office", h.Kit)
	}
	if !verify(pub, ExportMessage(h.Kit, h.Created, h.PayloadSHA256), h.Signature) {
		return Export{}, badSignaturef("the export file is not signed by kit %q's key", h.Kit)
	}
	created, err := time.Parse(time.RFC3339Nano, h.Created)
	if err != nil {
		return Export{}, malformedf("export header: created %q is not RFC 3339", h.Created)
	}

	hasher := sha256.New()
	payload := io.TeeReader(br, hasher)
	e, err := readPayload(payload, h.Kit)
	if err != nil {
		var pe *Error
		if !errors.As(err, &pe) {
			err = malformedf("export file is damaged or truncated: %v", err)
		}
		return Export{}, err
	}
	// Read to the end: age authenticates its last chunk there, and the
	// hash must cover every byte.
	if _, err := io.Copy(io.Discard, payload); err != nil {
		return Export{}, malformedf("export file is damaged or truncated: %v", err)
	}
	if hex.EncodeToString(hasher.Sum(nil)) != h.PayloadSHA256 {
		return Export{}, badSignaturef("the export file's payload does not match its signed hash")
	}
	e.Kit = h.Kit
	e.Created = created
	return e, nil
}

func readExportHeader(br *bufio.Reader) (exportHeader, error) {
	var h exportHeader
	magic := make([]byte, len(exportMagic))
	if _, err := io.ReadFull(br, magic); err != nil || string(magic) != exportMagic {
		return h, malformedf("not a jemput export file (no JEXP1 line)")
	}
	var line []byte
	for {
		b, err := br.ReadByte()
		if err != nil {
			return h, malformedf("export file truncated in its header")
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

func readPayload(r io.Reader, kit string) (Export, error) {
	zr, err := newZstdReader(r)
	if err != nil {
		return Export{}, err
	}
	defer zr.Close()
	lr := &io.LimitedReader{R: zr, N: MaxExportSize + 1}
	tooBig := func(err error) error {
		if lr.N <= 0 {
			return tooLargef("export file holds more than %d bytes", int64(MaxExportSize))
		}
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return err
	}

	var n [8]byte
	if _, err := io.ReadFull(lr, n[:]); err != nil {
		return Export{}, tooBig(err)
	}
	size := binary.BigEndian.Uint64(n[:])
	if size > MaxExportBatch {
		return Export{}, tooLargef("export batch of %d bytes, more than %d", size, MaxExportBatch)
	}
	// Grown as it arrives rather than allocated from the declared size.
	js, err := io.ReadAll(io.LimitReader(lr, int64(size)))
	if err != nil {
		return Export{}, tooBig(err)
	}
	if uint64(len(js)) != size {
		return Export{}, tooBig(io.ErrUnexpectedEOF)
	}
	var b Batch
	if err := json.Unmarshal(js, &b); err != nil {
		return Export{}, malformedf("export batch is not valid JSON: %v", err)
	}
	if err := checkBatch(b); err != nil {
		return Export{}, err
	}
	if b.Kit != kit {
		return Export{}, malformedf("export of kit %q holds a batch of kit %q", kit, b.Kit)
	}

	type partial struct {
		total int64
		data  []byte
	}
	parts := map[string]*partial{}
	done := map[string][]byte{}
	fr := NewFrameReader(lr)
	for {
		f, err := fr.Next()
		if err == io.EOF {
			if lr.N <= 0 {
				return Export{}, tooBig(err)
			}
			break
		}
		if err != nil {
			return Export{}, tooBig(err)
		}
		if _, ok := done[f.SHA256]; ok {
			return Export{}, malformedf("attachment %s appears twice", f.SHA256)
		}
		p := parts[f.SHA256]
		if p == nil {
			p = &partial{total: f.Total, data: make([]byte, 0, min(f.Total, 1<<20))}
			parts[f.SHA256] = p
		}
		if f.Total != p.total {
			return Export{}, malformedf("frames of attachment %s disagree on its size (%d, %d)", f.SHA256, p.total, f.Total)
		}
		if f.Offset != int64(len(p.data)) {
			return Export{}, malformedf("frame of attachment %s at offset %d, want %d", f.SHA256, f.Offset, len(p.data))
		}
		p.data = append(p.data, f.Data...)
		if int64(len(p.data)) == p.total {
			if sum := sha256.Sum256(p.data); hex.EncodeToString(sum[:]) != f.SHA256 {
				return Export{}, malformedf("attachment %s does not match its SHA-256", f.SHA256)
			}
			done[f.SHA256] = p.data
			delete(parts, f.SHA256)
		}
	}
	for sha, p := range parts {
		return Export{}, malformedf("attachment %s is incomplete (%d of %d bytes)", sha, len(p.data), p.total)
	}
	return Export{Batch: b, Attachments: done}, nil
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
