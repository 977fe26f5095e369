package forms

import "testing"

func TestParseNIP(t *testing.T) {
	tests := []struct {
		name, in, code string
		female         bool
	}{
		{"man", "198503142010011001", "", false},
		{"woman", "199007022015032002", "", true},
		{"leap day birth", "200002292024011001", "", false},
		{"short", "19850314201001100", "nip_length", false},
		{"long", "1985031420100110011", "nip_length", false},
		{"letter", "19850314201001100X", "nip_not_digits", false},
		{"29 Feb 1900", "190002292024011001", "nip_birth_date", false},
		{"month 13 birth", "198513142010011001", "nip_birth_date", false},
		{"appointment month 00", "198503142010001001", "nip_appointment", false},
		{"appointment month 13", "198503142010131001", "nip_appointment", false},
		{"appointed before born", "198503141980011001", "nip_appointment", false},
		{"appointed the month of birth", "198503141985031001", "nip_appointment", false},
		{"sex digit 3", "198503142010013001", "nip_sex", false},
		{"sex digit 0", "198503142010010001", "nip_sex", false},
		{"serial 000", "198503142010011000", "nip_serial", false},
	}
	for _, tt := range tests {
		n, err := ParseNIP(tt.in)
		if got := errCode(err); got != tt.code {
			t.Errorf("%s: ParseNIP(%q) code = %q, want %q (%v)", tt.name, tt.in, got, tt.code, err)
			continue
		}
		if err == nil && n.Female != tt.female {
			t.Errorf("%s: Female = %v", tt.name, n.Female)
		}
	}
	n, _ := ParseNIP("198503142010011001")
	if !n.BirthDate.Equal(date(1985, 3, 14)) || !n.Appointed.Equal(date(2010, 1, 1)) || n.Serial != 1 {
		t.Errorf("%+v", n)
	}
}
