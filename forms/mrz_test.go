package forms

import (
	"strings"
	"testing"
)

func validField(t *testing.T, in, field string) {
	t.Helper()
	if len(field) > mrzNameLength || strings.Trim(field, "ABCDEFGHIJKLMNOPQRSTUVWXYZ<") != "" {
		t.Errorf("NameToMRZ(%q) = %q is not a valid MRZ name field", in, field)
	}
}

// TestNameToMRZICAOExamples are the names of ICAO Doc 9303 part 4,
// section 4.2.3 ("Examples of names of the holder in the MRZ"; the same
// names stand in parts 5 and 7), each with the name field as the example
// prints it (after "P<UTO", without the trailing fillers). Where ICAO's
// example writes the surname first, the officer gives it as the surname.
func TestNameToMRZICAOExamples(t *testing.T) {
	tests := []struct {
		example, full, surname, field string
		truncated                     bool
	}{
		{"a) usual", "Anna Maria Eriksson", "", "ERIKSSON<<ANNA<MARIA", false},
		{"b) central primary identifier", "Deborah Heng Ming Lo", "Heng", "HENG<<DEBORAH<MING<LO", false},
		{"c) hyphen", "Susie Margaret Smith-Jones", "", "SMITH<JONES<<SUSIE<MARGARET", false},
		{"d) apostrophe", "Enya Siobhan O'Connor", "", "OCONNOR<<ENYA<SIOBHAN", false},
		{"e) multiple name components", "Martin Van Der Muellen", "Van Der Muellen", "VAN<DER<MUELLEN<<MARTIN", false},
		{"e) typed in another case", "Martin Van Der Muellen", "van der muellen", "VAN<DER<MUELLEN<<MARTIN", false},
		{"f) no secondary identifier", "Arkfreith", "", "ARKFREITH", false},
		{"Arabic article", "Huda Muhammad Jawad Al-Basri", "", "AL<BASRI<<HUDA<MUHAMMAD<JAWAD", false},
		{"two surnames", "Jose Ramon Vilarchao Fernandez", "Vilarchao Fernandez", "VILARCHAO<FERNANDEZ<<JOSE<RAMON", false},
		{"no secondary, two components", "Satriya Sudarpa", "Satriya Sudarpa", "SATRIYA<SUDARPA", false},
		{"4.2.3.1 a) secondary truncated", "Chayapa Dejthamrong Krasuang Nilavadhanananda", "",
			"NILAVADHANANANDA<<CHAYAPA<DEJTHAMRONG<K", true},
		{"4.2.3.1 a) surname first", "Nilavadhanananda Chayapa Dejthamrong Krasuang", "Nilavadhanananda",
			"NILAVADHANANANDA<<CHAYAPA<DEJTHAMRONG<K", true},
		{"4.2.3.1 b) secondary truncated", "Arnpol Petch Charonguang Nilavadhanananda", "",
			"NILAVADHANANANDA<<ARNPOL<PETCH<CHARONGU", true},
		{"4.2.3.2 a) primary truncated to initials", "Dingo Potoroo Bennelong Wooloomooloo Warrandyte Warnambool",
			"Bennelong Wooloomooloo Warrandyte Warnambool", "BENNELONG<WOOLOOMOOLOO<WARRANDYTE<W<<DI", true},
		{"4.2.3.3 just fits, not truncated", "Jonathon Warren Trevor Papandropoulous", "",
			"PAPANDROPOULOUS<<JONATHON<WARREN<TREVOR", false},
	}
	for _, tt := range tests {
		m := NameToMRZ(tt.full, tt.surname)
		if m.Field != tt.field || m.Truncated != tt.truncated {
			t.Errorf("%s: NameToMRZ(%q, %q) = %q truncated=%v, want %q truncated=%v",
				tt.example, tt.full, tt.surname, m.Field, m.Truncated, tt.field, tt.truncated)
		}
		validField(t, tt.full, m.Field)
	}
}

// TestTransliteration is ICAO 9303 part 3, section 6, table A, after
// Unicode normalisation: letters the table lists, letters it does not
// (Vietnamese U+1Exx, Romanian comma below) by their decomposition, and
// accents typed as combining marks.
func TestTransliteration(t *testing.T) {
	tests := []struct {
		in, surname, field string
	}{
		{"Muhammad Rizky Pratama", "", "PRATAMA<<MUHAMMAD<RIZKY"},
		{"Sukarno", "", "SUKARNO"},
		{"José Müller-Lüdenscheidt", "", "MUELLER<LUEDENSCHEIDT<<JOSE"},
		{"Øyvind Æsir Strauß", "", "STRAUSS<<OEYVIND<AESIR"},
		{"Þóra Ñúñez", "", "NUNEZ<<THORA"},
		{"Ma'ruf Amin", "", "AMIN<<MARUF"},
		{"Ma’ruf Amin", "", "AMIN<<MARUF"},
		{"Siti Nur-Aini", "", "NUR<AINI<<SITI"},
		{"Łukasz Wałęsa", "", "WALESA<<LUKASZ"},
		{"Şükrü Güneş", "", "GUENES<<SUEKRUE"},
		{"Nguyễn Văn Đức", "", "DUC<<NGUYEN<VAN"},
		{"Nguyễn Văn Đức", "Nguyễn", "NGUYEN<<VAN<DUC"},
		// The same name typed as base letters and combining accents.
		{"Nguye\u0302\u0303n Va\u0306n \u0110u\u031b\u0301c", "Nguye\u0302\u0303n", "NGUYEN<<VAN<DUC"},
		{"Nguyễn Văn Đức", "Nguye\u0302\u0303n", "NGUYEN<<VAN<DUC"},
		{"Trần Thị Ngọc Ánh", "Trần", "TRAN<<THI<NGOC<ANH"},
		{"Ŧomas Ŋuvu", "", "NUVU<<TOMAS"},
		{"Ștefan Țurcanu", "", "TURCANU<<STEFAN"},
		{"Ğökhan İnönü Yılmaz", "", "YILMAZ<<GOEKHAN<INOENUE"},
		{"Čeněk Ďáblík Šťastný Žďárský", "", "ZDARSKY<<CENEK<DABLIK<STASTNY"},
		{"Mehmet Əliyev", "", "ALIYEV<<MEHMET"},
		{"Ĳsbrand", "", "IJSBRAND"},
		// A surname that is not in the name is ignored here; the form's
		// surname_in_name check refuses it.
		{"Muhammad Rizky Pratama", "Santoso", "PRATAMA<<MUHAMMAD<RIZKY"},
		{"", "", ""},
		{"'-'", "", ""},
	}
	for _, tt := range tests {
		m := NameToMRZ(tt.in, tt.surname)
		if m.Field != tt.field {
			t.Errorf("NameToMRZ(%q, %q) = %q, want %q", tt.in, tt.surname, m.Field, tt.field)
		}
		validField(t, tt.in, m.Field)
	}
}

func TestNameToMRZTruncation(t *testing.T) {
	tests := []struct {
		in, surname, field, printed string
		truncated                   bool
	}{
		// 39 exactly: not truncated.
		{"Abcdefghijklmnopqrst Abcdefghijklmnopq", "", "ABCDEFGHIJKLMNOPQ<<ABCDEFGHIJKLMNOPQRST", "ABCDEFGHIJKLMNOPQ, ABCDEFGHIJKLMNOPQRST", false},
		// The cut falls on a filler: the component before gives up a
		// letter for the next one's initial, so the field ends on a letter.
		{"Abcdefghijklmnopqrs Tuv Abcdefghijklmnopq", "", "ABCDEFGHIJKLMNOPQ<<ABCDEFGHIJKLMNOPQR<T", "ABCDEFGHIJKLMNOPQ, ABCDEFGHIJKLMNOPQR T", true},
		{"Nurul Hidayah Siti Kartikasari Wulandari Putri Ramadhani", "", "RAMADHANI<<NURUL<HIDAYAH<SITI<KARTIKASA", "RAMADHANI, NURUL HIDAYAH SITI KARTIKASA", true},
		// A primary identifier longer than the field: cut, and the first
		// letter of the given name kept.
		{"Budi Abcdefghijklmnopqrstuvwxyzabcdefghijklmn", "", "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJ<<B", "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJ, B", true},
		// A single name longer than the field.
		{"Abcdefghijklmnopqrstuvwxyzabcdefghijklmnop", "", "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLM", "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLM", true},
	}
	for _, tt := range tests {
		m := NameToMRZ(tt.in, tt.surname)
		if m.Field != tt.field || m.AsPrinted != tt.printed || m.Truncated != tt.truncated {
			t.Errorf("NameToMRZ(%q) = %+v, want %q %q %v", tt.in, m, tt.field, tt.printed, tt.truncated)
		}
		if m.Truncated && (len(m.Field) != mrzNameLength || strings.HasSuffix(m.Field, "<")) {
			t.Errorf("NameToMRZ(%q) = %q: a truncated field fills 39 characters and ends on a letter", tt.in, m.Field)
		}
		validField(t, tt.in, m.Field)
	}
}

func TestSplitName(t *testing.T) {
	tests := []struct {
		full, surname, primary, secondary string
		ok                                bool
	}{
		{"Muhammad Rizky Pratama", "", "Pratama", "Muhammad Rizky", true},
		{"Martin Van Der Muellen", "Van Der Muellen", "Van Der Muellen", "Martin", true},
		{"Deborah Heng Ming Lo", "heng", "Heng", "Deborah Ming Lo", true},
		{"Ahmad Ahmad", "Ahmad", "Ahmad", "Ahmad", true},
		{"Martin Van Der Muellen", "Van Muellen", "", "", false},
		{"Martin Van Der Muellen", "Muell", "", "", false},
		{"Sukarno", "Sukarno", "Sukarno", "", true},
	}
	for _, tt := range tests {
		p, s, ok := SplitName(tt.full, tt.surname)
		if strings.Join(p, " ") != tt.primary || strings.Join(s, " ") != tt.secondary || ok != tt.ok {
			t.Errorf("SplitName(%q, %q) = %q, %q, %v; want %q, %q, %v", tt.full, tt.surname, p, s, ok, tt.primary, tt.secondary, tt.ok)
		}
	}
}

// TestSurnameField: the optional surname goes through the form, into the
// derived MRZ name, and a surname that is not part of the name is refused
// on its own field, saying so in both languages.
func TestSurnameField(t *testing.T) {
	f := mustGet(t, "passport")
	d := adult()
	d["full_name"], d["surname"] = "Martin Van Der Muellen", "Van Der Muellen"
	r := f.Check(d, Context{Today: fixtureToday})
	if len(r.Errors) > 0 {
		t.Fatalf("errors: %s", issueKeys(r.Errors))
	}
	if r.Derived["mrz_name"] != "VAN<DER<MUELLEN<<MARTIN" || r.Derived["name_as_printed"] != "VAN DER MUELLEN, MARTIN" {
		t.Errorf("derived %v %v", r.Derived["mrz_name"], r.Derived["name_as_printed"])
	}

	d["surname"] = "Van Muellen"
	r = f.Check(d, Context{Today: fixtureToday})
	if got := issueKeys(r.Errors); got != "surname:surname_not_in_name" {
		t.Fatalf("errors = %s", got)
	}
	m := r.Errors[0].Message
	if !strings.Contains(m.ID, "Nama keluarga") || !strings.Contains(m.EN, "Surname") || !strings.Contains(m.EN, "Van Muellen") {
		t.Errorf("message does not name the field and the value: %+v", m)
	}
	if _, ok := r.Derived["mrz_name"]; ok {
		t.Error("an MRZ name derived from a surname that was refused")
	}

	// Decomposed input is stored composed.
	d["full_name"], d["surname"] = "Nguye\u0302\u0303n Va\u0306n \u0110u\u031b\u0301c", "Nguye\u0302\u0303n"
	r = f.Check(d, Context{Today: fixtureToday})
	if len(r.Errors) > 0 {
		t.Fatalf("errors: %s", issueKeys(r.Errors))
	}
	if r.Values["full_name"] != "Nguyễn Văn Đức" || r.Derived["mrz_name"] != "NGUYEN<<VAN<DUC" {
		t.Errorf("stored %q, MRZ %v", r.Values["full_name"], r.Derived["mrz_name"])
	}

	// Asked at the terminal only where the surname can be more than the
	// last word.
	ctx := Context{Today: fixtureToday}
	if f.Asks("surname", map[string]any{"full_name": "Budi Santoso"}, ctx) {
		t.Error("surname asked for a name of two words")
	}
	if !f.Asks("surname", map[string]any{"full_name": "Martin Van Der Muellen"}, ctx) {
		t.Error("surname not asked for a name of four words")
	}

	sp := mustGet(t, "stay-permit")
	if fd, ok := sp.RoleField(RoleSurname); !ok || fd.Required {
		t.Error("the stay permit has no optional surname")
	}
}
