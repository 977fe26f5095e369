package central

import (
	"testing"

	ksync "github.com/jemput/jemput/sync"
)

func TestStatusChanges(t *testing.T) {
	app := func(status, kitStatus string) Application {
		return Application{Number: "KTB01-261127-0001-5", Status: status, KitStatus: kitStatus, Pickup: "visit 1"}
	}
	for _, c := range []struct {
		from, kit, to, pickup string
		ok                    bool
	}{
		{StatusReceived, "captured", ksync.StatusAccepted, "", true},
		{StatusReceived, "captured", ksync.StatusReady, "visit 1", true},
		{ksync.StatusAccepted, "captured", ksync.StatusReady, "visit 1", true},
		{ksync.StatusReady, "captured", ksync.StatusAccepted, "", true},
		{ksync.StatusRejected, "captured", ksync.StatusAccepted, "", true},
		{ksync.StatusReady, "captured", ksync.StatusReady, "visit 2", true}, // a new pickup
		{ksync.StatusReady, "captured", ksync.StatusReady, "visit 1", false},
		{ksync.StatusReady, "captured", ksync.StatusRejected, "", false},
		{ksync.StatusReady, "handed-over", ksync.StatusAccepted, "", false},
	} {
		err := statusChange(app(c.from, c.kit), c.to, "", c.pickup)
		if (err == nil) != c.ok {
			t.Errorf("%s (kit %s) → %s pickup %q: %v, want ok=%v", c.from, c.kit, c.to, c.pickup, err, c.ok)
		}
	}
}
