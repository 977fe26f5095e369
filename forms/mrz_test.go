package forms

import (
	"strings"
	"testing"
)

func TestNameToMRZ(t *testing.T) {
	tests := []struct {
		in, field, printed string
		truncated          bool
	}{
		{"Muhammad Rizky Pratama", "PRATAMA<<MUHAMMAD<RIZKY", "PRATAMA, MUHAMMAD RIZKY", false},
		{"Sukarno", "SUKARNO", "SUKARNO", false},
		{"José Müller-Lüdenscheidt", "MUELLER<LUEDENSCHEIDT<<JOSE", "MUELLER LUEDENSCHEIDT, JOSE", false},
		{"Øyvind Æsir Strauß", "STRAUSS<<OEYVIND<AESIR", "STRAUSS, OEYVIND AESIR", false},
		{"Þóra Ñúñez", "NUNEZ<<THORA", "NUNEZ, THORA", false},
		{"Ma'ruf Amin", "AMIN<<MARUF", "AMIN, MARUF", false},
		{"Ma’ruf Amin", "AMIN<<MARUF", "AMIN, MARUF", false},
		{"Siti Nur-Aini", "NUR<AINI<<SITI", "NUR AINI, SITI", false},
		// 39 exactly: not truncated.
		{"Abcdefghijklmnopqrst Abcdefghijklmnopq", "ABCDEFGHIJKLMNOPQ<<ABCDEFGHIJKLMNOPQRST", "ABCDEFGHIJKLMNOPQ, ABCDEFGHIJKLMNOPQRST", false},
		// The cut falls on a filler: the field ends on a letter.
		{"Abcdefghijklmnopqrs Tuv Abcdefghijklmnopq", "ABCDEFGHIJKLMNOPQ<<ABCDEFGHIJKLMNOPQRS", "ABCDEFGHIJKLMNOPQ, ABCDEFGHIJKLMNOPQRS", true},
		{"Nurul Hidayah Siti Kartikasari Wulandari Putri Ramadhani", "RAMADHANI<<NURUL<HIDAYAH<SITI<KARTIKASA", "RAMADHANI, NURUL HIDAYAH SITI KARTIKASA", true},
		{"", "", "", false},
		{"'-'", "", "", false},
	}
	for _, tt := range tests {
		m := NameToMRZ(tt.in)
		if m.Field != tt.field || m.AsPrinted != tt.printed || m.Truncated != tt.truncated {
			t.Errorf("NameToMRZ(%q) = %+v, want %q %q %v", tt.in, m, tt.field, tt.printed, tt.truncated)
		}
		if len(m.Field) > mrzNameLength || strings.Trim(m.Field, "ABCDEFGHIJKLMNOPQRSTUVWXYZ<") != "" {
			t.Errorf("NameToMRZ(%q) = %q is not a valid MRZ name field", tt.in, m.Field)
		}
	}
}
