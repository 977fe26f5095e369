// Package atomicfile writes files whole or not at all, so that a power cut
// or a full disk while a receipt, an export for the USB stick, an ack file
// or a key is being written never leaves half a file under its name. Both
// command lines write their files through it.
package atomicfile

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Write writes what fill produces to path: into a temporary file in the
// same folder, synced to disk, then renamed over path, and the folder
// synced so that the rename survives a power cut too. With replace false,
// an existing path is left alone and the error is fs.ErrExist; the check
// and the creation are one step (a hard link), so two writers cannot both
// win. The file gets perm (before the umask).
func Write(path string, perm fs.FileMode, replace bool, fill func(io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return err
	}
	if err := fill(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if replace {
		err = os.Rename(tmp.Name(), path)
	} else {
		err = os.Link(tmp.Name(), path)
		if err == nil {
			os.Remove(tmp.Name())
		} else if errors.Is(err, fs.ErrExist) {
			return &fs.PathError{Op: "create", Path: path, Err: fs.ErrExist}
		}
	}
	if err != nil {
		return err
	}
	return syncDir(dir)
}

// WriteFile writes data to path as Write does.
func WriteFile(path string, data []byte, perm fs.FileMode, replace bool) error {
	return Write(path, perm, replace, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// syncDir makes a rename or link in dir durable. Some file systems (a USB
// stick's FAT among them) cannot sync a folder; the file itself is synced
// already, so that is not an error.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return nil
	}
	defer d.Close()
	d.Sync()
	return nil
}
