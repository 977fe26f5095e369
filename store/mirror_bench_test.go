package store_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"maps"
	"os"
	"path/filepath"
	"testing"

	"github.com/jemput/jemput/intake"
	"github.com/jemput/jemput/internal/fixtures"
)

// BenchmarkMirrorSnapshot is what the mirror adds to every committed use
// case: one VACUUM INTO of the whole kit into the mirror folder, flushed
// and renamed, for a day's kit of 100 and of 300 applications, each with
// its own photo (the fixture's, one pixel changed). The copy is the whole
// kit, so its cost grows with the kit, not with the change.
func BenchmarkMirrorSnapshot(b *testing.B) {
	for _, apps := range []int{100, 300} {
		b.Run(fmt.Sprintf("apps=%d", apps), func(b *testing.B) {
			ctx := context.Background()
			db, svc, _, _ := newBenchKit(b, b.TempDir())
			defer db.Close()
			data := benchApplicant(b)
			f, err := os.Open(fixtures.Path(b, "photo-413x531.jpg"))
			if err != nil {
				b.Fatal(err)
			}
			src, err := jpeg.Decode(f)
			f.Close()
			if err != nil {
				b.Fatal(err)
			}
			img := image.NewRGBA(src.Bounds())
			draw.Draw(img, img.Bounds(), src, image.Point{}, draw.Src)
			for i := range apps {
				in := maps.Clone(data)
				in["nik"] = benchNIK(i)
				// A photo of its own bytes: one pixel differs.
				img.Set(i%img.Bounds().Dx(), 0, color.RGBA{uint8(i), uint8(i >> 8), 7, 255})
				var buf bytes.Buffer
				if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
					b.Fatal(err)
				}
				photo := buf.Bytes()
				if _, err := svc.Capture(ctx, intake.CaptureInput{Data: in, Photo: photo}); err != nil {
					b.Fatal(err)
				}
			}
			size := dbBytes(b, db.SQL())
			dst := filepath.Join(b.TempDir(), "kit.db")
			for b.Loop() {
				if _, err := db.Snapshot(ctx, dst); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(size)/(1<<20), "MiB-kit")
		})
	}
}
