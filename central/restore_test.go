package central_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jemput/jemput/central"
	"github.com/jemput/jemput/central/centraltest"
	ksync "github.com/jemput/jemput/sync"
)

// A kit restored from its mirror enrolls again with a new device key;
// should it ever send a number the lost laptop gave to another
// application (the mirror missed more than the restore's margin, or the
// kit was cloned), the office keeps the first, flags the second as a
// conflict naming the application that holds the number, and takes the
// rest of the same batch.
func TestNumberFromTwoDevicesFlagged(t *testing.T) {
	ctx := context.Background()
	f := centraltest.New(t)
	f.Enroll(t, "KTB01")
	lost := centraltest.Record("KTB01", "app-lost", 1, centraltest.NIKKotabaru, "")
	acks, err := f.Office.ReceiveBatch(ctx, "KTB01", ksync.Batch{Kit: "KTB01", Records: []ksync.Record{lost}})
	if err != nil {
		t.Fatal(err)
	}
	centraltest.WantResults(t, acks, "stored")

	f.Enroll(t, "KTB01") // the restored kit, with its new key
	again := centraltest.Record("KTB01", "app-restored", 1, centraltest.NIKKotabaru, "")
	again.Number = lost.Number
	other := centraltest.Record("KTB01", "app-other", 1, centraltest.NIKKotabaru, "")
	acks, err = f.Office.ReceiveBatch(ctx, "KTB01", ksync.Batch{Kit: "KTB01", Records: []ksync.Record{again, other}})
	if err != nil {
		t.Fatal(err)
	}
	centraltest.WantResults(t, acks, "conflict", "stored")
	if !strings.Contains(acks[0].Message, "application app-lost") || !strings.Contains(acks[0].Message, "two devices") {
		t.Errorf("the conflict does not say what happened: %q", acks[0].Message)
	}
	conflicts, err := f.Office.Conflicts(ctx, "KTB01")
	if err != nil {
		t.Fatal(err)
	}
	if len(conflicts) != 1 || conflicts[0].RecordID != again.ID() || conflicts[0].HeldHash != lost.Hash() {
		t.Errorf("flagged %+v, want %s against %s", conflicts, again.ID(), lost.Hash())
	}
	// Sent again (the kit's retry), it stays one flag.
	if _, err := f.Office.ReceiveBatch(ctx, "KTB01", ksync.Batch{Kit: "KTB01", Records: []ksync.Record{again}}); err != nil {
		t.Fatal(err)
	}
	if conflicts, _ = f.Office.Conflicts(ctx, "KTB01"); len(conflicts) != 1 {
		t.Errorf("%d flags after a retry, want 1", len(conflicts))
	}
	list, err := f.Office.Apps(ctx, central.AppFilter{Kit: "KTB01"})
	if err != nil {
		t.Fatal(err)
	}
	var holders []string
	for _, a := range list {
		if a.Number == lost.Number {
			holders = append(holders, a.AppID)
		}
	}
	if len(holders) != 1 || holders[0] != "app-lost" {
		t.Fatalf("the office holds %v for %s, want the first only", holders, lost.Number)
	}
}
