package sync

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"math"
)

// Frame limits: a frame carries at most MaxFrameData bytes; an attachment
// is at most MaxAttachmentSize bytes (a photo is far smaller).
const (
	MaxFrameData      = 64 << 10
	MaxAttachmentSize = 4 << 20
	DefaultFrameSize  = 16 << 10
)

const (
	frameMagic  = "JAF1"
	frameHeader = 4 + 32 + 8 + 8 + 4
)

// Frame is a piece of an attachment: Data is the bytes from Offset of the
// attachment whose SHA-256 (hex) is SHA256 and whose length is Total.
type Frame struct {
	SHA256 string
	Total  int64
	Offset int64
	Data   []byte
}

func checkFrame(sha string, total, offset, n int64) error {
	switch {
	case n > MaxFrameData:
		return malformedf("frame of %d bytes, more than %d", n, MaxFrameData)
	case total < 0 || offset < 0:
		return malformedf("frame with negative total or offset")
	case total > MaxAttachmentSize:
		return tooLargef("attachment %s of %d bytes, more than %d", sha, total, MaxAttachmentSize)
	case offset > total-n:
		return malformedf("frame of attachment %s: offset %d + %d bytes is past its total %d", sha, offset, n, total)
	}
	return nil
}

// WriteFrame writes one frame:
// "JAF1" sha256[32] total[u64] offset[u64] length[u32] data (big-endian).
func WriteFrame(w io.Writer, f Frame) error {
	sum, err := hex.DecodeString(f.SHA256)
	if err != nil || len(sum) != 32 {
		return malformedf("frame: %q is not a hex SHA-256", f.SHA256)
	}
	if err := checkFrame(f.SHA256, f.Total, f.Offset, int64(len(f.Data))); err != nil {
		return err
	}
	buf := make([]byte, frameHeader, frameHeader+len(f.Data))
	copy(buf, frameMagic)
	copy(buf[4:], sum)
	binary.BigEndian.PutUint64(buf[36:], uint64(f.Total))
	binary.BigEndian.PutUint64(buf[44:], uint64(f.Offset))
	binary.BigEndian.PutUint32(buf[52:], uint32(len(f.Data)))
	_, err = w.Write(append(buf, f.Data...))
	return err
}

// FrameReader reads frames written by WriteFrame.
type FrameReader struct {
	r   io.Reader
	hdr [frameHeader]byte
	err error
}

func NewFrameReader(r io.Reader) *FrameReader { return &FrameReader{r: r} }

// Next returns the next frame. At a clean end between frames it returns
// io.EOF; cut inside a frame, io.ErrUnexpectedEOF; a frame that breaks
// the format, a malformed (or too_large) *Error. After an error every call
// returns it again. Data is a new slice each time.
func (fr *FrameReader) Next() (Frame, error) {
	if fr.err != nil {
		return Frame{}, fr.err
	}
	f, err := fr.next()
	if err != nil {
		fr.err = err
		return Frame{}, err
	}
	return f, nil
}

func (fr *FrameReader) next() (Frame, error) {
	h := fr.hdr[:]
	if _, err := io.ReadFull(fr.r, h); err != nil {
		return Frame{}, err // io.EOF only if nothing was read
	}
	if string(h[:4]) != frameMagic {
		return Frame{}, malformedf("not an attachment frame (bad magic %q)", h[:4])
	}
	total := binary.BigEndian.Uint64(h[36:])
	offset := binary.BigEndian.Uint64(h[44:])
	n := binary.BigEndian.Uint32(h[52:])
	if total > math.MaxInt64 || offset > math.MaxInt64 {
		return Frame{}, malformedf("frame with total or offset beyond 2^63")
	}
	f := Frame{SHA256: hex.EncodeToString(h[4:36]), Total: int64(total), Offset: int64(offset)}
	if err := checkFrame(f.SHA256, f.Total, f.Offset, int64(n)); err != nil {
		return Frame{}, err
	}
	f.Data = make([]byte, n)
	if _, err := io.ReadFull(fr.r, f.Data); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return Frame{}, err
	}
	return f, nil
}
