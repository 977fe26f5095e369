package sync

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/klauspost/compress/zstd"
)

// ID is the record id, "<application id>/<version>".
func (r Record) ID() string { return r.AppID + "/" + strconv.Itoa(r.Version) }

// Hash is the record's content hash: hex SHA-256 of its canonical JSON,
// which is encoding/json of the struct (fixed field order) with times in
// UTC and Doc compacted, so that neither the time zone a time was read in
// nor the whitespace of Doc changes it. Key order inside Doc does count:
// Doc is kept as the bytes the kit made.
func (r Record) Hash() string {
	c := r
	c.CreatedAt = r.CreatedAt.UTC()
	if len(r.Transitions) > 0 {
		c.Transitions = make([]Transition, len(r.Transitions))
		for i, t := range r.Transitions {
			t.At = t.At.UTC()
			c.Transitions[i] = t
		}
	}
	var doc bytes.Buffer
	if len(r.Doc) == 0 {
		c.Doc = nil
	} else if err := json.Compact(&doc, r.Doc); err == nil {
		c.Doc = doc.Bytes()
	} else {
		// Not JSON (DecodeBatch never lets that through): hash the rest
		// and the raw bytes, still deterministically.
		c.Doc = nil
		b, _ := json.Marshal(c)
		sum := sha256.Sum256(append(append(b, 0), r.Doc...))
		return hex.EncodeToString(sum[:])
	}
	b, err := json.Marshal(c)
	if err != nil {
		panic("sync: marshal record: " + err.Error()) // only plain types and valid JSON left
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// zstd settings: one goroutine, a small window, so that a kit and the
// office use little memory on either end.
const zstdWindow = 1 << 20

// ZstdDecoderMemory bounds what one zstd reader allocates for its window: a
// stream that asks for more is refused.
const ZstdDecoderMemory = zstdMaxWindow

const zstdMaxWindow = 2 << 20

func newZstdWriter(w io.Writer) (*zstd.Encoder, error) {
	return zstd.NewWriter(w, zstd.WithEncoderConcurrency(1), zstd.WithWindowSize(zstdWindow))
}

// newZstdReader bounds the decoder's window: a stream asking for more is
// refused (ErrWindowSizeExceeded) instead of allocating it.
func newZstdReader(r io.Reader) (*zstd.Decoder, error) {
	return zstd.NewReader(r, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true), zstd.WithDecoderMaxWindow(zstdMaxWindow))
}

// MaxBatchBytes is a sensible limit for DecodeBatch at the office: a kit's
// batch of 500 records is a few MiB of JSON.
const MaxBatchBytes = 64 << 20

// EncodeBatch writes b as zstd-compressed JSON.
func EncodeBatch(w io.Writer, b Batch) error {
	_, err := encodeBatch(w, b)
	return err
}

// encodeBatch is EncodeBatch that also says how many bytes of JSON it
// compressed: the Jemput-Decoded-Length of the request.
func encodeBatch(w io.Writer, b Batch) (int, error) {
	js, err := json.Marshal(b)
	if err != nil {
		return 0, fmt.Errorf("encode batch: %w", err)
	}
	zw, err := newZstdWriter(w)
	if err != nil {
		return 0, err
	}
	if _, err := zw.Write(js); err != nil {
		zw.Close()
		return 0, err
	}
	return len(js), zw.Close()
}

// DecodeBatch reads a batch written by EncodeBatch, holding at most
// maxBytes of decompressed JSON: more is a too_large *Error, anything that
// is not a valid batch a malformed one. A valid batch has a kit code and
// records each with an app_id, a version ≥ 1 and the batch's kit.
func DecodeBatch(r io.Reader, maxBytes int64) (Batch, error) {
	zr, err := newZstdReader(r)
	if err != nil {
		return Batch{}, malformedf("batch: %v", err)
	}
	defer zr.Close()
	js, err := io.ReadAll(io.LimitReader(zr, maxBytes+1))
	if err != nil {
		if errors.Is(err, zstd.ErrWindowSizeExceeded) || errors.Is(err, zstd.ErrDecoderSizeExceeded) {
			return Batch{}, tooLargef("batch: %v", err)
		}
		return Batch{}, malformedf("batch is not a zstd stream: %v", err)
	}
	if int64(len(js)) > maxBytes {
		return Batch{}, tooLargef("batch is larger than %d bytes decompressed", maxBytes)
	}
	var b Batch
	if err := json.Unmarshal(js, &b); err != nil {
		return Batch{}, malformedf("batch is not valid JSON: %v", err)
	}
	if err := checkBatch(b); err != nil {
		return Batch{}, err
	}
	return b, nil
}

func checkBatch(b Batch) error {
	if err := CheckKitCode(b.Kit); err != nil {
		return malformedf("batch: %s", err.(*Error).Message)
	}
	for i, r := range b.Records {
		switch {
		case r.AppID == "":
			return malformedf("batch: record %d has no app_id", i)
		case r.Version < 1:
			return malformedf("batch: record %s has version %d, want ≥ 1", r.ID(), r.Version)
		case r.Kit != b.Kit:
			return malformedf("batch: record %s is from kit %q, not the batch's %q", r.ID(), r.Kit, b.Kit)
		}
	}
	return nil
}
