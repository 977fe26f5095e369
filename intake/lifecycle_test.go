package intake

import "testing"

// TestLifecycleTable holds the table to the lifecycle of PRODUCT.md: every
// status has its row, the ends lead nowhere, nothing returns to draft or to
// "not yet made", and what the office decides never goes back to the
// officer's statuses.
func TestLifecycleTable(t *testing.T) {
	for _, s := range Statuses {
		if _, ok := moves[s]; !ok {
			t.Errorf("status %s has no row in the lifecycle table", s)
		}
	}
	for from, tos := range moves {
		for _, to := range tos {
			if to == "" {
				t.Errorf("%q → \"\": nothing becomes unmade", from)
			}
			if to == StatusDraft && from != "" && from != StatusDraft {
				t.Errorf("%s → draft: only an entry not yet captured is a draft", from)
			}
			if !from.Local() && from != "" && to.Local() {
				t.Errorf("%s → %s: once at the office, an application does not come back to the officers", from, to)
			}
		}
	}
	for _, end := range []Status{StatusVoided, StatusHandedOver} {
		for _, to := range Statuses {
			if CanMove(end, to) {
				t.Errorf("%s → %s: %s is an end", end, to, end)
			}
		}
	}
	musts := [][2]Status{
		{"", StatusCaptured}, {"", StatusIncomplete}, {"", StatusDraft},
		{StatusDraft, StatusDraft}, {StatusDraft, StatusCaptured},
		{StatusCaptured, StatusApproved}, {StatusApproved, StatusSynced}, {StatusApproved, StatusCaptured},
		{StatusSynced, StatusReady}, {StatusReady, StatusHandedOver}, {StatusReturned, StatusCaptured},
	}
	for _, m := range musts {
		if !CanMove(m[0], m[1]) {
			t.Errorf("%q → %q must be allowed", m[0], m[1])
		}
	}
	nevers := [][2]Status{
		{StatusIncomplete, StatusApproved}, {StatusDraft, StatusApproved}, {"", StatusApproved},
		{StatusSynced, StatusVoided}, {StatusCaptured, StatusHandedOver}, {StatusSynced, StatusHandedOver},
	}
	for _, m := range nevers {
		if CanMove(m[0], m[1]) {
			t.Errorf("%q → %q must be refused", m[0], m[1])
		}
	}
}
