package forms

import (
	"strings"
	"testing"
)

func codes(issues []Issue) string {
	var cs []string
	for _, is := range issues {
		cs = append(cs, is.Code)
	}
	return strings.Join(cs, ",")
}

func TestPassportName(t *testing.T) {
	tests := []struct {
		name, in, codes, suggestion, mrz string
	}{
		{"plain", "Muhammad Rizky Pratama", "", "", "PRATAMA<<MUHAMMAD<RIZKY"},
		{"spaces collapsed", "  Siti   Nurhaliza ", "", "", "NURHALIZA<<SITI"},
		{"titles and degrees", "Dr. H. Ahmad Fauzi, S.H., M.H.", "name_titles", "AHMAD FAUZI", ""},
		{"roster style", "Hj. Nor Aisyah, S.Pd", "name_titles", "NOR AISYAH", ""},
		{"bare Hj and Prof", "Prof Hj Nor Aisyah", "name_titles", "NOR AISYAH", ""},
		{"lower-case dr.", "dr. Rina Wati", "name_titles", "RINA WATI", ""},
		{"bare single letter H is a name initial", "Ahmad H Fauzi", "", "", "FAUZI<<AHMAD<H"},
		{"Ma is a name, not M.A.", "Ma Liang", "", "", "LIANG<<MA"},
		{"degree after a comma without dots", "Ahmad Fauzi, SH", "name_titles", "AHMAD FAUZI", ""},
		{"comma without a degree", "Fauzi, Ahmad", "name_characters", "", ""},
		{"initial with a dot", "M. Rizky", "name_characters", "M RIZKY", ""},
		{"SQL junk", "Robert'); DROP TABLE applications;--", "name_characters", "", ""},
		{"digits", "Budi 2", "name_characters", "", ""},
		{"titles and junk: no suggestion", "Dr. Budi #1", "name_titles,name_characters", "", ""},
		{"markup", "<b>Budi</b> Santoso", "name_characters", "", ""},
		{"only hyphens", "Budi --", "name_characters", "", ""},
		{"apostrophe and hyphen", "Ma'ruf Al-Amin", "", "", "AL<AMIN<<MARUF"},
		{"non-Latin script", "Budi بودي", "name_characters", "", ""},
		{"Greek", "Νίκος Budi", "name_characters", "", ""},
		{"Polish", "Łukasz Wałęsa", "", "", "WALESA<<LUKASZ"},
		{"Turkish", "Şükrü Güneş", "", "", "GUENES<<SUEKRUE"},
		{"Vietnamese", "Nguyễn Văn Đức", "", "", "DUC<<NGUYEN<VAN"},
		{"accents typed as combining marks", "Nguye\u0302\u0303n Va\u0306n", "", "", "VAN<<NGUYEN"},
		{"a combining mark with no letter", "\u0301Budi Santoso", "name_characters", "", ""},
		{"fullwidth letters", "Ｂｕｄｉ Santoso", "name_characters", "", ""},
		{"single name", "Sukarno", "name_single", "", "SUKARNO"},
		{"long name truncated", "Nurul Hidayah Siti Kartikasari Wulandari Putri Ramadhani", "name_mrz_truncated", "", "RAMADHANI<<NURUL<HIDAYAH<SITI<KARTIKASA"},
		{"61 characters", strings.Repeat("Abcdefghi ", 6) + "X", "name_too_long", "", ""},
		{"empty", "   ", "name_empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := PassportName(tt.in, "")
			if got := codes(r.Issues); got != tt.codes {
				t.Fatalf("codes = %q, want %q (%+v)", got, tt.codes, r.Issues)
			}
			if r.Suggestion != tt.suggestion {
				t.Errorf("suggestion = %q, want %q", r.Suggestion, tt.suggestion)
			}
			if r.MRZ.Field != tt.mrz {
				t.Errorf("MRZ = %q, want %q", r.MRZ.Field, tt.mrz)
			}
			for _, is := range r.Issues {
				if is.Message.ID == "" || is.Message.EN == "" || !strings.HasPrefix(is.Message.ID, "Nama lengkap") {
					t.Errorf("message does not name the field in both languages: %+v", is.Message)
				}
			}
		})
	}
}

func TestPassportNameSeverity(t *testing.T) {
	if r := PassportName("Sukarno", ""); !r.OK() {
		t.Error("a single name is a warning, not an error")
	}
	if r := PassportName("Dr. Sukarno", ""); r.OK() {
		t.Error("titles are an error")
	}
	r := PassportName("Dr. H. Ahmad Fauzi, S.H., M.H.", "")
	if strings.Join(r.Titles, " ") != "Dr. H. S.H. M.H." {
		t.Errorf("titles = %q", r.Titles)
	}
	if !strings.Contains(r.Issues[0].Message.ID, "AHMAD FAUZI") {
		t.Errorf("the message should show the suggestion: %s", r.Issues[0].Message.ID)
	}
}

// TestPersonName: the names a stay permit or a parent's name may hold are
// the Latin letters an MRZ can write (and the receipt's font prints).
func TestPersonName(t *testing.T) {
	f := mustGet(t, "stay-permit")
	for _, tt := range []struct {
		name string
		ok   bool
	}{
		{"John Michael Smith", true},
		{"Łukasz Wałęsa", true},
		{"Nguyễn Văn Đức", true},
		{"Şükrü Güneş", true},
		{"Nguye\u0302\u0303n Van", true},
		{"O'Brien-Smith, Jr.", true},
		{"王伟", false},
		{"Иван Петров", false},
		{"Budi 2", false},
	} {
		d := loadFixture(t, "stay-permit-itas.json")
		d["full_name"] = tt.name
		r := f.Check(d, Context{Today: fixtureToday})
		got := issueKeys(r.Errors)
		if tt.ok && got != "" || !tt.ok && got != "full_name:name_characters" {
			t.Errorf("%q: errors %q", tt.name, got)
		}
	}
}
