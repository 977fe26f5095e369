package central_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"io"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jemput/jemput/central"
	"github.com/jemput/jemput/central/centraltest"
	"github.com/jemput/jemput/central/sqlite"
	ksync "github.com/jemput/jemput/sync"
)

// countingStore counts the write transactions an office runs.
type countingStore struct {
	central.Store
	updates atomic.Int64
}

func (s *countingStore) Update(ctx context.Context, fn func(central.Tx) error) error {
	s.updates.Add(1)
	return s.Store.Update(ctx, fn)
}

func countingOffice(t testing.TB) (*central.Office, *countingStore) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "central.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cs := &countingStore{Store: st}
	o, err := central.NewOffice(ctx, cs, central.WithClock(func() time.Time { return centraltest.T0 }), central.WithKeys(&central.MemoryKeys{}))
	if err != nil {
		t.Fatal(err)
	}
	token, err := o.AddKit(ctx, "KTB01", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	if _, err := o.Enroll(ctx, centraltest.EnrollRequest(token, "KTB01", key)); err != nil {
		t.Fatal(err)
	}
	return o, cs
}

// frameList gives frames one after another; before each, wait (if set)
// is called with the number of frames given so far.
type frameList struct {
	frames []ksync.Frame
	given  int
	wait   func(given int)
}

func (l *frameList) Next() (ksync.Frame, error) {
	if l.wait != nil {
		l.wait(l.given)
	}
	if l.given == len(l.frames) {
		return ksync.Frame{}, io.EOF
	}
	f := l.frames[l.given]
	l.given++
	return f, nil
}

func randomPhoto(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// On a fast link frames arrive faster than a durable commit: they are
// committed in groups, not one transaction each.
func TestUploadCommitsFastFramesInGroups(t *testing.T) {
	ctx := context.Background()
	o, cs := countingOffice(t)
	var frames []ksync.Frame
	var shas []string
	for range 4 {
		p := randomPhoto(1 << 20)
		shas = append(shas, centraltest.SHA(p))
		frames = append(frames, centraltest.Split(p, 0, 16<<10)...) // 64 frames each
	}
	before := cs.updates.Load()
	st, err := o.Upload(ctx, "KTB01", &frameList{frames: frames})
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Complete) != 4 {
		t.Fatalf("%d of 4 attachments whole: %+v", len(st.Complete), st)
	}
	// 256 frames of 16 KiB: 16 groups of 256 KiB at most, a few more when
	// the machine is slow enough for uploadGroupWait to end a group.
	n := cs.updates.Load() - before
	t.Logf("%d frames in %d transactions", len(frames), n)
	if n > int64(len(frames))/4 {
		t.Errorf("%d frames took %d transactions: not grouped", len(frames), n)
	}
}

// On a slow link, frames arriving further apart than the group's wait, at
// most the frame just received is not yet committed when the next one is
// awaited: a cut or a killed office loses no more than before.
func TestUploadCommitsSlowFramesAsTheyCome(t *testing.T) {
	ctx := context.Background()
	o, _ := countingOffice(t)
	p := randomPhoto(8 * 1024)
	sha := centraltest.SHA(p)
	frames := centraltest.Split(p, 0, 1024)
	l := &frameList{frames: frames}
	l.wait = func(given int) {
		st, err := o.AttachmentState(ctx, "KTB01", []string{sha})
		if err != nil {
			t.Fatal(err)
		}
		if held := st.Held[sha]; held < int64(given-1)*1024 && len(st.Complete) == 0 {
			t.Errorf("%d frames received, %d bytes held: more than the last frame is waiting", given, held)
		}
		time.Sleep(30 * time.Millisecond) // longer than uploadGroupWait
	}
	st, err := o.Upload(ctx, "KTB01", l)
	if err != nil || len(st.Complete) != 1 {
		t.Fatalf("%+v, %v", st, err)
	}
}

// A frame after a gap ends the upload with offset_mismatch, and the frames
// of its group before it are kept, as when each frame was committed.
func TestUploadKeepsTheGroupBeforeAGap(t *testing.T) {
	ctx := context.Background()
	o, _ := countingOffice(t)
	p := randomPhoto(64 << 10)
	sha := centraltest.SHA(p)
	frames := centraltest.Split(p, 0, 4<<10)                     // 16 frames, one group
	frames = append(frames[:5:5], frames[6:]...)                 // frame 5 lost
	_, err := o.Upload(ctx, "KTB01", &frameList{frames: frames}) // frame 6 comes after a gap
	if ksync.ErrorCode(err) != ksync.CodeOffsetMismatch {
		t.Fatalf("err %v, want offset_mismatch", err)
	}
	st, err := o.AttachmentState(ctx, "KTB01", []string{sha})
	if err != nil {
		t.Fatal(err)
	}
	if st.Held[sha] != 5*4<<10 {
		t.Errorf("held %d after a gap at frame 5, want the 5 frames before it (%d)", st.Held[sha], 5*4<<10)
	}
}

// BenchmarkUpload is the office's side of a photo upload alone, without
// the network: 200 photos of 50 KB in frames of 16 KiB, as a kit sends
// them. It reports MB/s of photo bytes made whole: what the office can
// take from a fast link.
func BenchmarkUpload(b *testing.B) {
	ctx := context.Background()
	o, cs := countingOffice(b)
	var bytes int64
	var commits int64
	for range b.N {
		b.StopTimer()
		var frames []ksync.Frame
		for range 200 {
			p := randomPhoto(50_000)
			bytes += int64(len(p))
			frames = append(frames, centraltest.Split(p, 0, 16<<10)...)
		}
		before := cs.updates.Load()
		b.StartTimer()
		st, err := o.Upload(ctx, "KTB01", &frameList{frames: frames})
		if err != nil || len(st.Complete) != 200 {
			b.Fatalf("%d whole, %v", len(st.Complete), err)
		}
		commits += cs.updates.Load() - before
	}
	b.ReportMetric(float64(bytes)/1e6/b.Elapsed().Seconds(), "MB/s")
	b.ReportMetric(float64(commits)/float64(b.N), "commits/op")
}
