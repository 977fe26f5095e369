package intake

import (
	"strings"
	"testing"
	"time"
)

func TestNumberFormat(t *testing.T) {
	day := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	n := FormatNumber("KTB01", day, 42)
	if !strings.HasPrefix(n, "KTB01-261127-0042-") || len(n) != len("KTB01-261127-0042-X") {
		t.Fatalf("FormatNumber = %q", n)
	}
	if !ValidNumber(n) || !ValidNumber(strings.ToLower(n)) || !ValidNumber(strings.Replace(n, "0", "O", 1)) || !ValidNumber(" "+n+" ") {
		t.Fatalf("ValidNumber(%q) = false", n)
	}
	for _, bad := range []string{"", "KTB01", "KTB01-261127-0042", "KTB01-261127-0042-", "KTB01-261127-0042-XX", "KTB01_261127-0042-7", "KTB01-261127-00-42-7"} {
		if ValidNumber(bad) {
			t.Errorf("ValidNumber(%q) = true", bad)
		}
	}
}

// Every single substitution and every swap of two neighbouring characters
// must be caught, over many numbers.
func TestNumberCheckCatchesTypos(t *testing.T) {
	day := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	for _, kit := range []string{"KTB01", "BTL", "A9Y9Y9Y9", "JKT007"} {
		for seq := 1; seq <= 400; seq += 7 {
			n := FormatNumber(kit, day.AddDate(0, 0, seq%300), seq)
			b := []byte(n)
			for i := range b {
				if b[i] == '-' {
					continue
				}
				orig := b[i]
				for _, c := range []byte(alphabet) {
					if c == orig {
						continue
					}
					b[i] = c
					if ValidNumber(string(b)) {
						t.Fatalf("%s: substitution at %d to %c not caught (%s)", n, i, c, b)
					}
				}
				b[i] = orig
				// swap with the next character that is not a separator
				j := i + 1
				if j < len(b) && b[j] == '-' {
					j++
				}
				if j < len(b) && b[j] != b[i] {
					b[i], b[j] = b[j], b[i]
					if ValidNumber(string(b)) {
						t.Fatalf("%s: swap of %d and %d not caught (%s)", n, i, j, b)
					}
					b[i], b[j] = b[j], b[i]
				}
			}
		}
	}
}
