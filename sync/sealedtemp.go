package sync

import (
	"bufio"
	"io"
	"os"

	"filippo.io/age"
)

// sealedTemp is a temporary file whose bytes are sealed (age, to a key made
// for it and held only in this process's memory), so that what an export
// keeps on the disk while it is written, the applicants' records and
// photos, is never readable there, not even when the process is killed
// and the file is left behind.
type sealedTemp struct {
	f  *os.File
	id *age.X25519Identity
	bw *bufio.Writer
	w  io.WriteCloser
}

// newSealedTemp creates one in dir ("": the system's temporary folder).
func newSealedTemp(dir, pattern string) (*sealedTemp, error) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return nil, err
	}
	t := &sealedTemp{f: f, id: id, bw: bufio.NewWriterSize(f, 64<<10)}
	if t.w, err = age.Encrypt(t.bw, id.Recipient()); err != nil {
		t.remove()
		return nil, err
	}
	return t, nil
}

func (t *sealedTemp) Write(p []byte) (int, error) { return t.w.Write(p) }

// reader ends the writing and reads the bytes back from the start.
func (t *sealedTemp) reader() (io.Reader, error) {
	if err := t.w.Close(); err != nil {
		return nil, err
	}
	if err := t.bw.Flush(); err != nil {
		return nil, err
	}
	if _, err := t.f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	return age.Decrypt(bufio.NewReaderSize(t.f, 64<<10), t.id)
}

// remove closes and removes the file.
func (t *sealedTemp) remove() {
	t.f.Close()
	os.Remove(t.f.Name())
}
