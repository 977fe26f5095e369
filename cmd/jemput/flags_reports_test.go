package main

import "testing"

// The flag cases of the report commands (issue 10), kept apart from
// flags_test.go so that the commands of each part read together.
func init() {
	flagTests["event turned-away"] = func(t *testing.T) {
		checkFlags(t, newEventTurnedAwayCommand, []flagCase[eventTurnedAwayOptions]{
			{args: []string{"12", "--reason", "quota"}, want: eventTurnedAwayOptions{Count: 12, Reason: "quota"}},
			{args: []string{"3", "--reason", "documents", "--note", "tanpa KK"}, want: eventTurnedAwayOptions{Count: 3, Reason: "documents", Note: "tanpa KK"}},
			{args: []string{"0", "--reason", "quota"}, wantErr: "the number of people must be a whole number, 1 or more"},
			{args: []string{"lima", "--reason", "quota"}, wantErr: "the number of people must be a whole number"},
			{args: []string{"5"}, wantErr: `required flag(s) "reason" not set`},
			{args: nil, wantErr: "accepts 1 arg(s), received 0"},
		})
	}
	flagTests["report day"] = func(t *testing.T) {
		checkFlags(t, newReportDayCommand, []flagCase[reportDayOptions]{
			{args: []string{"--out", "hari1.pdf"}, want: reportDayOptions{Out: "hari1.pdf"}},
			{args: []string{"--out", "h.PDF", "--csv", "h.csv", "--event", "0b5f1c2e", "--date", "2026-11-27", "--force"},
				want: reportDayOptions{Out: "h.PDF", CSV: "h.csv", EventID: "0b5f1c2e", Date: "2026-11-27", Force: true}},
			{args: nil, wantErr: `required flag(s) "out" not set`},
			{args: []string{"--out", "hari1.txt"}, wantErr: "the file name must end in .pdf"},
			{args: []string{"--out", "h.pdf", "--csv", "h.xlsx"}, wantErr: "the file name must end in .csv"},
			{args: []string{"--out", "h.pdf", "extra"}, wantErr: `unknown command "extra"`},
		})
	}
}
