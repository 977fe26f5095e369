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
// application, the office refuses it (issue 8's ownership check), naming
// the application that holds it, and keeps the first; the restored kit's
// other numbers go through in their own batch.
func TestNumberFromTwoDevicesRefused(t *testing.T) {
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
	_, err = f.Office.ReceiveBatch(ctx, "KTB01", ksync.Batch{Kit: "KTB01", Records: []ksync.Record{again}})
	centraltest.WantCode(t, err, ksync.CodeMalformed)
	if !strings.Contains(err.Error(), "belongs to application app-lost") {
		t.Errorf("the refusal does not name the application holding the number: %v", err)
	}
	other := centraltest.Record("KTB01", "app-other", 1, centraltest.NIKKotabaru, "")
	acks, err = f.Office.ReceiveBatch(ctx, "KTB01", ksync.Batch{Kit: "KTB01", Records: []ksync.Record{other}})
	if err != nil {
		t.Fatal(err)
	}
	centraltest.WantResults(t, acks, "stored")
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
