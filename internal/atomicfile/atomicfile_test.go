package atomicfile

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteWholeOrNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "hari1.jemput")
	if err := WriteFile(path, []byte("first"), 0o600, false); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("mode: %v, %v; want 0600", st.Mode(), err)
	}
	// Without replace, an existing file stays as it was.
	err := WriteFile(path, []byte("second"), 0o600, false)
	if !errors.Is(err, fs.ErrExist) {
		t.Fatalf("writing over an existing file without replace: %v, want ErrExist", err)
	}
	// A writer that fails half-way leaves the old file and no leftovers.
	boom := errors.New("disk full")
	err = Write(path, 0o600, true, func(w io.Writer) error {
		w.Write([]byte("half"))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("got %v, want the writer's error", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "first" {
		t.Fatalf("after a failed write the file holds %q, want the old content", b)
	}
	if err := WriteFile(path, []byte("second"), 0o644, true); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "second" {
		t.Fatalf("after replacing: %q", b)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Fatalf("temporary files left behind: %v", names)
	}
}
