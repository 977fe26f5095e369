package central_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jemput/jemput/central"
	"github.com/jemput/jemput/central/centraltest"
	ksync "github.com/jemput/jemput/sync"
)

// A kit restored from its mirror gets a new device key; should it ever
// give a number the lost laptop gave too, the office keeps the first and
// flags the second, whichever device sends it.
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
	for range 2 {
		acks, err = f.Office.ReceiveBatch(ctx, "KTB01", ksync.Batch{Kit: "KTB01", Records: []ksync.Record{again, other}})
		if err != nil {
			t.Fatal(err)
		}
		if acks[0].Result != ksync.AckConflict || !strings.Contains(acks[0].Message, "two devices") || !strings.Contains(acks[0].Message, "app-lost") {
			t.Fatalf("a number given twice: %+v", acks[0])
		}
		if acks[1].Result == ksync.AckConflict {
			t.Fatalf("another number flagged: %+v", acks[1])
		}
	}
	conflicts, err := f.Office.Conflicts(ctx, "KTB01")
	if err != nil || len(conflicts) != 1 || conflicts[0].RecordID != "app-restored/1" || conflicts[0].HeldHash != lost.Hash() {
		t.Fatalf("conflicts %+v %v", conflicts, err)
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
