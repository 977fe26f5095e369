package kitcode

import "testing"

func TestValid(t *testing.T) {
	for code, want := range map[string]bool{"KTB01": true, "BTL": true, "btl": false, "AB": false, "1KTB": false, "KTB-1": false, "ABCDEFGHJ": false, "KTBR": true, "KOTA": false} {
		if got := Valid(code); got != want {
			t.Errorf("Valid(%q) = %v", code, got)
		}
	}
}
