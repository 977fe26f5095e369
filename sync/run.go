package sync

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	gosync "sync"
	"time"
)

// Photo is an attachment a pending record needs.
type Photo struct {
	SHA256 string
	Size   int64
}

// KitSide is what Run needs from the kit's storage.
type KitSide interface {
	// Pending gives fn the records the office has not finally acked, with
	// the photos they need, a page at a time, in an order that does not
	// change from one walk to the next, each record once; a photo may be
	// named again in a later page. fn must not keep the slices past the
	// call, and Pending must hold no transaction of the kit's storage
	// while fn runs (fn saves acks and records what is offered). An error
	// from fn ends the walk and is returned.
	Pending(ctx context.Context, fn func(records []Record, photos []Photo) error) error
	Photo(ctx context.Context, sha string) ([]byte, error)
	SaveAcks(ctx context.Context, acks []Ack) error
	StatusCursor(ctx context.Context) (int64, error)
	// SaveStatuses stores the statuses; the cursor is the last seq stored.
	SaveStatuses(ctx context.Context, s Statuses) error
}

// AuditSide is implemented by a kit that sends its hash-chained audit log
// to the office with its records, so that the office holds the history of
// every application (who approved, returned, voided, when and why) and can
// check the chain.
type AuditSide interface {
	// AuditToSend lists up to limit entries after the last one the office
	// holds, oldest first.
	AuditToSend(ctx context.Context, limit int) ([]AuditEntry, error)
	// AuditSent records that the office holds every entry up to seq.
	AuditSent(ctx context.Context, seq int64) error
}

// OfferSide is implemented by a kit that records which records it is
// about to send, before it sends them: once a record may have reached the
// office, the kit must not change it behind the office's back (void,
// return), even if the answer never came.
type OfferSide interface {
	Offering(ctx context.Context, ids []string) error
}

// auditBatch bounds the audit entries sent in one batch.
const auditBatch = 2000

// RunOptions tune Run; the zero value is sane.
type RunOptions struct {
	BatchSize   int                             // records per batch; 0: 500
	FrameSize   int                             // bytes per attachment frame; 0: DefaultFrameSize
	MaxAttempts int                             // 0: 10
	Backoff     func(attempt int) time.Duration // nil: 2^attempt s, at most a minute, jittered
	// Progress is told, never concurrently, how far a phase is: for
	// photos, the bytes the office has acknowledged holding (not those
	// merely written to the connection, which a slow link buffers), for
	// records, those the office has answered; total 0: unknown.
	Progress func(phase string, done, total int64)
	// AckEvery is how often, during a photo upload, the office is asked
	// what it holds, for Progress (0: every 3 s; < 0: only when each upload
	// request ends).
	AckEvery time.Duration

	Log *slog.Logger
}

// Report says what a run did. Stored, Duplicate, Conflict, PhotoBytes and
// Statuses add up over attempts; Missing is what the last attempt left
// without its photo.
type Report struct {
	Records    int // records pending at the start
	Stored     int
	Duplicate  int
	Conflict   int
	Missing    int
	PhotoBytes int64
	Statuses   int
	Attempts   int
	Conflicts  []Ack
}

// Phases given to RunOptions.Progress.
const (
	PhasePhotos   = "photos"
	PhaseRecords  = "records"
	PhaseStatuses = "statuses"
)

// uploadGroup bounds the photo bytes of one upload request (what a cut
// request may have to ask the state of again); a run makes as many
// requests as it needs. Only one photo at a time is in memory: each is
// read from the kit as the request reaches it.
const uploadGroup = 32 << 20

// kitError marks a failure of the kit's own storage: retrying the network
// will not cure it.
type kitError struct{ err error }

func (e kitError) Error() string { return e.err.Error() }
func (e kitError) Unwrap() error { return e.err }

func kitErr(what string, err error) error {
	if err == nil {
		return nil
	}
	return kitError{fmt.Errorf("%s: %w", what, err)}
}

// Retryable reports whether trying again may cure err: an *Error that says
// so (ReadError says so for any 5xx answer) or is unavailable or
// offset_mismatch, or a network or I/O failure. A kit storage failure, a
// cancelled context, a TLS certificate that is not the office's, or any
// other *Error is not.
func Retryable(err error) bool {
	if err == nil {
		return false
	}
	var pe *Error
	if errors.As(err, &pe) {
		// timeout: the office cut a body that came too slowly; the link may
		// be better on the next try (the office does not say retry, since
		// it is the client's side that was slow).
		return pe.Retry || pe.Code == CodeUnavailable || pe.Code == CodeOffsetMismatch || pe.Code == CodeTooMany || pe.Code == CodeTimeout
	}
	var (
		ke  kitError
		pin *pinError
		cve *tls.CertificateVerificationError
	)
	if errors.As(err, &ke) || errors.As(err, &pin) || errors.As(err, &cve) {
		return false
	}
	return !errors.Is(err, context.Canceled)
}

// Run sends everything pending to the office and fetches the statuses: the
// photos the office lacks (one upload request), the records in batches
// (two in flight, acks saved after each), then the statuses. Any retryable
// failure backs off and starts again from the photos' state; everything is
// idempotent, so Run may be interrupted at any moment and run again.
func Run(ctx context.Context, c *Client, k KitSide, opts RunOptions) (Report, error) {
	if opts.BatchSize <= 0 {
		opts.BatchSize = 500
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = 10
	}
	if opts.Backoff == nil {
		opts.Backoff = defaultBackoff
	}
	if opts.Progress == nil {
		opts.Progress = func(string, int64, int64) {}
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	var rep Report
	for attempt := 1; ; attempt++ {
		rep.Attempts = attempt
		err := runOnce(ctx, c, k, opts, &rep, attempt == 1)
		if err == nil {
			return rep, nil
		}
		if ctx.Err() != nil {
			return rep, ctx.Err()
		}
		if !Retryable(err) || attempt >= opts.MaxAttempts {
			return rep, err
		}
		wait := opts.Backoff(attempt)
		opts.Log.Warn("sync interrupted, trying again", "attempt", attempt, "wait", wait, "err", err)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return rep, ctx.Err()
		case <-t.C:
		}
	}
}

func defaultBackoff(attempt int) time.Duration {
	d := time.Minute
	if attempt < 6 {
		d = time.Second << attempt
	}
	j, err := rand.Int(rand.Reader, big.NewInt(int64(d/2)))
	if err != nil {
		return d
	}
	return d/2 + time.Duration(j.Int64())
}

// runOnce walks what is pending twice, so that the kit never holds more
// than a page and the batches in flight, whatever it has to send: the first
// walk keeps only the ids of the records and the photos they need (what
// this attempt sends, as a listing in one transaction did), the photos go
// up, and the second walk sends, in batches, the records of the first
// that are still pending. A record that became pending between the walks
// waits for the next attempt or sync (its photo may not be at the office
// yet); one that stopped being pending (returned, answered) is not sent.
func runOnce(ctx context.Context, c *Client, k KitSide, opts RunOptions, rep *Report, first bool) error {
	listed, photos, err := listPending(ctx, k)
	if err != nil {
		return kitErr("listing pending records", err)
	}
	if first {
		rep.Records = len(listed)
	}
	opts.Log.Info("sync", "records", len(listed), "photos", len(photos))
	if err := uploadPhotos(ctx, c, k, photos, opts, rep); err != nil {
		return err
	}
	if err := sendRecords(ctx, c, k, listed, opts, rep); err != nil {
		return err
	}
	if a, ok := k.(AuditSide); ok {
		if err := sendAudit(ctx, c, a); err != nil {
			return err
		}
	}
	return fetchStatuses(ctx, c, k, opts, rep)
}

// listPending walks what is pending once and keeps the record ids and
// the photos (each once): ids and hashes only, never the records.
func listPending(ctx context.Context, k KitSide) (map[string]bool, []Photo, error) {
	listed := map[string]bool{}
	var photos []Photo
	seen := map[string]bool{}
	err := k.Pending(ctx, func(records []Record, ps []Photo) error {
		for _, r := range records {
			listed[r.ID()] = true
		}
		for _, p := range ps {
			if !seen[p.SHA256] {
				seen[p.SHA256] = true
				photos = append(photos, p)
			}
		}
		return nil
	})
	return listed, photos, err
}

// sendAudit sends the audit entries the office does not hold yet, in
// batches without records, read from the kit a batch at a time; the
// office keeps each entry once.
func sendAudit(ctx context.Context, c *Client, a AuditSide) error {
	last := int64(-1)
	for {
		chunk, err := a.AuditToSend(ctx, auditBatch)
		if err != nil {
			return kitErr("listing audit entries", err)
		}
		if len(chunk) == 0 {
			return nil
		}
		seq := chunk[len(chunk)-1].Seq
		if seq <= last {
			// The cursor did not move: sending again would never end.
			return kitError{fmt.Errorf("the audit cursor stays at %d after the office took the entries up to %d", chunk[0].Seq-1, last)}
		}
		if _, err := c.SendBatch(ctx, Batch{BatchID: newBatchID(), Kit: c.kit, Audit: chunk}); err != nil {
			return err
		}
		if err := a.AuditSent(context.WithoutCancel(ctx), seq); err != nil {
			return kitErr("saving the audit cursor", err)
		}
		last = seq
	}
}

func uploadPhotos(ctx context.Context, c *Client, k KitSide, photos []Photo, opts RunOptions, rep *Report) error {
	if len(photos) == 0 {
		return nil
	}
	shas := make([]string, len(photos))
	for i, p := range photos {
		shas[i] = p.SHA256
	}
	st, err := c.AttachmentState(ctx, shas)
	if err != nil {
		return err
	}
	complete := make(map[string]bool, len(st.Complete))
	for _, sha := range st.Complete {
		complete[sha] = true
	}
	var todo []Photo
	var total int64
	seen := map[string]bool{}
	for _, p := range photos {
		if complete[p.SHA256] || seen[p.SHA256] {
			continue
		}
		seen[p.SHA256] = true
		todo = append(todo, p)
		total += max(p.Size-heldOf(st, p), 0)
	}
	if len(todo) == 0 {
		return nil
	}
	var done int64
	opts.Progress(PhasePhotos, 0, total)
	for len(todo) > 0 {
		var parts []UploadPart
		var size int64
		for len(todo) > 0 && (len(parts) == 0 || size+todo[0].Size <= uploadGroup) {
			p := todo[0]
			todo = todo[1:]
			held := heldOf(st, p)
			if held > p.Size {
				held = 0
			}
			parts = append(parts, UploadPart{SHA256: p.SHA256, Total: p.Size, Offset: held, Load: func() ([]byte, error) {
				data, err := k.Photo(ctx, p.SHA256)
				if err != nil {
					return nil, kitErr("reading photo "+p.SHA256, err)
				}
				if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != p.SHA256 || int64(len(data)) != p.Size {
					return nil, kitError{fmt.Errorf("photo %s is damaged on this kit: its content does not match its SHA-256 and size", p.SHA256)}
				}
				return data, nil
			}})
			size += p.Size
		}
		done, err = uploadGroupAcked(ctx, c, parts, done, total, opts, rep)
		if err != nil {
			return err
		}
	}
	return nil
}

// uploadGroupAcked uploads one group of parts and reports, as it goes, the
// bytes the office acknowledges: it asks the office what it holds every
// opts.AckEvery while the frames stream, and counts the whole group once
// the office has answered the upload. It returns the acknowledged bytes so
// far, base included.
func uploadGroupAcked(ctx context.Context, c *Client, parts []UploadPart, base, total int64, opts RunOptions, rep *Report) (int64, error) {
	var group int64
	shas := make([]string, len(parts))
	for i, p := range parts {
		group += p.Total - p.Offset
		shas[i] = p.SHA256
	}
	var mu gosync.Mutex
	acked := base
	report := func(n int64) {
		mu.Lock()
		defer mu.Unlock()
		if n > acked {
			acked = n
			opts.Progress(PhasePhotos, n, total)
		}
	}
	every := opts.AckEvery
	if every == 0 {
		every = 3 * time.Second
	}
	pollCtx, stop := context.WithCancel(ctx)
	var wg gosync.WaitGroup
	if every > 0 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := time.NewTicker(every)
			defer t.Stop()
			for {
				select {
				case <-pollCtx.Done():
					return
				case <-t.C:
				}
				st, err := c.AttachmentState(pollCtx, shas)
				if err != nil {
					continue // progress only; the upload says what failed
				}
				whole := map[string]bool{}
				for _, sha := range st.Complete {
					whole[sha] = true
				}
				var n int64
				for _, p := range parts {
					h := st.Held[p.SHA256]
					if whole[p.SHA256] {
						h = p.Total
					}
					n += max(min(h, p.Total)-p.Offset, 0)
				}
				report(base + min(n, group))
			}
		}()
	}
	var sent int64
	_, err := c.Upload(ctx, parts, opts.FrameSize, func(n int64) { sent = n })
	stop()
	wg.Wait()
	rep.PhotoBytes += sent
	if err != nil {
		return acked, err
	}
	report(base + group) // the office's answer acknowledges them all
	return acked, nil
}

func heldOf(st AttachmentState, p Photo) int64 {
	return st.Held[p.SHA256]
}

// sendRecords walks what is pending again and sends, in batches of
// opts.BatchSize with two in flight, the records listed (by the first
// walk) that are still pending, each once: the kit holds the page being
// read, the batch being filled and the two in flight, never the whole.
func sendRecords(ctx context.Context, c *Client, k KitSide, listed map[string]bool, opts RunOptions, rep *Report) error {
	if len(listed) == 0 {
		return nil
	}
	// Acks in hand are saved even if the run is being interrupted: it
	// saves resending those records.
	saveCtx := context.WithoutCancel(ctx)
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var (
		mu       gosync.Mutex
		done     int64
		firstErr error
		wg       gosync.WaitGroup
		slots    = make(chan struct{}, 2) // two batches in flight
	)
	fail := func(err error) {
		mu.Lock()
		if firstErr == nil {
			firstErr = err
		}
		mu.Unlock()
		cancel(err)
	}
	rep.Missing = 0
	total := int64(len(listed))
	opts.Progress(PhaseRecords, 0, total)
	// send starts a batch once a slot is free; false when the run is
	// being stopped.
	send := func(chunk []Record) bool {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			return false
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			if o, ok := k.(OfferSide); ok {
				ids := make([]string, len(chunk))
				for i, r := range chunk {
					ids[i] = r.ID()
				}
				if err := o.Offering(ctx, ids); err != nil {
					fail(kitErr("recording what is sent", err))
					return
				}
			}
			acks, err := c.SendBatch(ctx, Batch{BatchID: newBatchID(), Kit: c.kit, Records: chunk})
			if err != nil {
				fail(err)
				return
			}
			if err := checkAcks(chunk, acks); err != nil {
				fail(err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if err := k.SaveAcks(saveCtx, acks); err != nil {
				if firstErr == nil {
					firstErr = kitErr("saving acks", err)
				}
				cancel(firstErr)
				return
			}
			for _, a := range acks {
				switch a.Result {
				case AckStored:
					rep.Stored++
				case AckDuplicate:
					rep.Duplicate++
				case AckConflict:
					rep.Conflict++
					rep.Conflicts = append(rep.Conflicts, a)
				case AckMissingAttachment:
					rep.Missing++
				}
			}
			done += int64(len(chunk))
			opts.Progress(PhaseRecords, done, total)
		}()
		return true
	}
	var chunk []Record
	walkErr := k.Pending(ctx, func(records []Record, _ []Photo) error {
		for _, r := range records {
			id := r.ID()
			if !listed[id] {
				continue // not in this attempt's listing, or already sent
			}
			delete(listed, id)
			chunk = append(chunk, r)
			if len(chunk) == opts.BatchSize {
				if !send(chunk) {
					return context.Cause(ctx)
				}
				chunk = nil
			}
		}
		return nil
	})
	if walkErr == nil && len(chunk) > 0 {
		send(chunk)
	}
	chunk = nil
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	if err := context.Cause(ctx); err != nil {
		return err
	}
	if walkErr != nil {
		return kitErr("listing pending records", walkErr)
	}
	return nil
}

// checkAcks refuses an answer that does not ack each record of the batch
// with a known result: storing it would mark records sent that are not.
func checkAcks(records []Record, acks []Ack) error {
	want := make(map[string]string, len(records))
	for _, r := range records {
		want[r.ID()] = r.Hash()
	}
	for _, a := range acks {
		hash, ok := want[a.ID]
		if !ok {
			return Errorf(CodeUnavailable, "the office acked record %q, which was not in the batch", a.ID)
		}
		// The office says it holds what we sent: the hash it computed must
		// be ours, or the answer is not about this record.
		if (a.Result == AckStored || a.Result == AckDuplicate) && a.Hash != hash {
			return Errorf(CodeUnavailable, "the office acked record %q with hash %.12s…, not the kit's %.12s…", a.ID, a.Hash, hash)
		}
		switch a.Result {
		case AckStored, AckDuplicate, AckConflict, AckMissingAttachment:
		default:
			return Errorf(CodeUnavailable, "the office acked record %q with unknown result %q", a.ID, a.Result)
		}
		delete(want, a.ID)
	}
	if len(want) > 0 {
		return Errorf(CodeUnavailable, "the office did not ack %d records of the batch", len(want))
	}
	return nil
}

func newBatchID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func fetchStatuses(ctx context.Context, c *Client, k KitSide, opts RunOptions, rep *Report) error {
	cursor, err := k.StatusCursor(ctx)
	if err != nil {
		return kitErr("reading the status cursor", err)
	}
	for {
		s, err := c.Statuses(ctx, cursor)
		if err != nil {
			return err
		}
		if len(s.Statuses) > 0 || s.Last > cursor || len(s.Visits) > 0 {
			if err := k.SaveStatuses(ctx, s); err != nil {
				return kitErr("saving statuses", err)
			}
			rep.Statuses += len(s.Statuses)
			opts.Progress(PhaseStatuses, int64(rep.Statuses), 0)
		}
		if s.Last <= cursor {
			return nil
		}
		cursor = s.Last
	}
}

// DryRun says what Run would send, without the network: every pending
// record and the bytes of all their photos (the office may hold some).
func DryRun(ctx context.Context, k KitSide) (Report, error) {
	listed, photos, err := listPending(ctx, k)
	if err != nil {
		return Report{}, kitErr("listing pending records", err)
	}
	rep := Report{Records: len(listed)}
	for _, p := range photos {
		rep.PhotoBytes += p.Size
	}
	return rep, nil
}
