package sync

import (
	"context"
	"testing"
)

// TestRunPagesLoseAndDoubleNothing runs a sync over a kit that gives its
// pending records three at a time and changes between pages: eleven
// records (an odd count, neither a whole number of pages nor of batches),
// one approved during the listing walk (sent now), one during the sending
// walk (not listed, its photo not sent: the next sync's), one answered for
// good before its page of the sending walk (not sent), and every page
// giving again the last record of the one before. The office stores each
// record once, in batches of four, and the next sync sends what waited.
func TestRunPagesLoseAndDoubleNothing(t *testing.T) {
	ctx := context.Background()
	o, srv := newFakeOffice(t)
	c := enrolled(t, o, srv.URL, nil)
	k := newMemKit(11, 500)
	k.overlap = true
	add := func(app string, seed uint64) Record {
		r := sampleRecord(app, 1)
		p := randomBytes(seed, 700)
		r.Photo = shaHex(p)
		k.mu.Lock()
		k.photos[r.Photo] = p
		k.records = append(k.records, r)
		k.mu.Unlock()
		return r
	}
	var during, waiting Record
	gone := k.records[9]
	k.between = func(walk, page int) {
		switch {
		case walk == 1 && page == 2:
			during = add("approved-while-listing", 77)
		case walk == 2 && page == 1:
			waiting = add("approved-while-sending", 78)
			k.mu.Lock()
			k.acks[gone.ID()] = Ack{ID: gone.ID(), Hash: gone.Hash(), Result: AckStored} // held, as by another sync
			k.mu.Unlock()
		}
	}
	rep, err := Run(ctx, c, k, RunOptions{BatchSize: 4})
	if err != nil {
		t.Fatal(err)
	}
	if k.walks != 2 {
		t.Errorf("%d walks of what is pending, want 2 (the listing, the sending)", k.walks)
	}
	if rep.Records != 12 || rep.Stored != 11 || rep.Duplicate != 0 || rep.Missing != 0 {
		t.Errorf("report %+v: want 12 listed, 11 stored", rep)
	}
	for _, r := range k.records {
		want := 1
		if r.ID() == gone.ID() || r.ID() == waiting.ID() {
			want = 0
		}
		if o.stores[r.ID()] != want {
			t.Errorf("record %s stored %d times, want %d", r.ID(), o.stores[r.ID()], want)
		}
	}
	if !o.complete(during.Photo) {
		t.Error("the photo of the record approved while listing is not at the office")
	}
	if o.complete(waiting.Photo) {
		t.Error("the photo of a record this sync did not list was sent")
	}
	if k.saves != 3 {
		t.Errorf("acks saved %d times, want once per batch of 4 of the 11 (3)", k.saves)
	}

	// The next sync: what waited, and nothing else.
	k.between = nil
	rep, err = Run(ctx, c, k, RunOptions{BatchSize: 4})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Records != 1 || rep.Stored != 1 || o.stores[waiting.ID()] != 1 || !o.complete(waiting.Photo) {
		t.Errorf("next sync: %+v, the waiting record stored %d times", rep, o.stores[waiting.ID()])
	}
	for _, r := range k.records {
		if o.stores[r.ID()] > 1 {
			t.Errorf("record %s stored %d times", r.ID(), o.stores[r.ID()])
		}
	}
}
