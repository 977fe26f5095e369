package intake

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image/jpeg"

	"github.com/jemput/jemput/forms"
)

// Photo limits: a passport photo (35×45 mm) scanned or taken at the desk.
// Anything smaller cannot be printed; anything larger is not a photo of a
// face but of a whole room, and costs minutes on a 2G link.
const (
	MaxPhotoBytes  = 2 << 20
	MinPhotoWidth  = 240
	MinPhotoHeight = 320
	MaxPhotoSide   = 4000
)

// CheckPhoto checks that data is a JPEG of sensible size and dimensions and
// returns its attachment record, addressed by SHA-256.
func CheckPhoto(data []byte) (Attachment, error) {
	bad := func(id, en string, args ...any) error {
		return invalid([]forms.Issue{issue("photo", "invalid_photo", fmt.Sprintf(id, args...), fmt.Sprintf(en, args...))})
	}
	if len(data) < 3 || !bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}) {
		return Attachment{}, bad("foto bukan berkas JPEG", "the photo is not a JPEG file")
	}
	if len(data) > MaxPhotoBytes {
		return Attachment{}, bad("foto terlalu besar (%d KB, paling besar %d KB)", "the photo is too large (%d KB, at most %d KB)", len(data)>>10, MaxPhotoBytes>>10)
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return Attachment{}, bad("foto JPEG rusak: %v", "the JPEG photo is damaged: %v", err)
	}
	if _, err := jpeg.Decode(bytes.NewReader(data)); err != nil {
		return Attachment{}, bad("foto JPEG rusak: %v", "the JPEG photo is damaged: %v", err)
	}
	if cfg.Width < MinPhotoWidth || cfg.Height < MinPhotoHeight {
		return Attachment{}, bad("foto terlalu kecil (%d×%d piksel, paling kecil %d×%d)", "the photo is too small (%d×%d pixels, at least %d×%d)", cfg.Width, cfg.Height, MinPhotoWidth, MinPhotoHeight)
	}
	if cfg.Width > MaxPhotoSide || cfg.Height > MaxPhotoSide {
		return Attachment{}, bad("foto terlalu besar (%d×%d piksel, paling besar %d per sisi)", "the photo is too large (%d×%d pixels, at most %d a side)", cfg.Width, cfg.Height, MaxPhotoSide)
	}
	if cfg.Width > cfg.Height {
		return Attachment{}, bad("foto harus tegak (potret), bukan mendatar (%d×%d)", "the photo must be upright (portrait), not landscape (%d×%d)", cfg.Width, cfg.Height)
	}
	sum := sha256.Sum256(data)
	return Attachment{SHA256: hex.EncodeToString(sum[:]), Size: len(data), Width: cfg.Width, Height: cfg.Height, Type: "image/jpeg"}, nil
}
