package forms

import "testing"

func TestParseKK(t *testing.T) {
	tests := []struct{ name, in, code string }{
		{"valid", "6302011203100005", ""},
		{"issue 05-01-15", "6310020501150002", ""},
		{"short", "630201120310000", "kk_length"},
		{"letter", "63020112031000O5", "kk_not_digits"},
		{"a NIK's +40 day is not a KK date", "6302014203100005", "kk_date"},
		{"29 Feb 01", "6302012902010005", "kk_date"},
		{"29 Feb 00", "6302012902000005", ""},
		{"month 13", "6302011213100005", "kk_date"},
		{"serial 0000", "6302011203100000", "kk_serial"},
	}
	for _, tt := range tests {
		k, err := ParseKK(tt.in)
		if got := errCode(err); got != tt.code {
			t.Errorf("%s: ParseKK(%q) code = %q, want %q (%v)", tt.name, tt.in, got, tt.code, err)
		}
		if err == nil && (k.Regency != tt.in[0:2]+"."+tt.in[2:4] || k.Serial == 0) {
			t.Errorf("%s: %+v", tt.name, k)
		}
	}
	if _, err := ParseKK("6302014203100005"); err == nil || err.Error() != "The issue date in the KK number is not a real date (42-03-10); is this a NIK?" {
		t.Errorf("hint for a NIK typed as KK: %v", err)
	}
}
