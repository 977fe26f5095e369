package main

import (
	"testing"

	"github.com/jemput/jemput/forms"
	"github.com/jemput/jemput/lang"
)

// Documents are typed as the numbers shown, as codes, or as the start of
// their names in either language; what cannot be told apart stays as typed,
// for the form to refuse with its list.
func TestDocIDs(t *testing.T) {
	docs := []forms.Document{
		{ID: "ktp", Label: lang.T("e-KTP", "Electronic ID card (e-KTP)")},
		{ID: "kk", Label: lang.T("Kartu Keluarga", "Family card (Kartu Keluarga)")},
		{ID: "birth-certificate", Label: lang.T("Akta kelahiran", "Birth certificate")},
		{ID: "marriage-book", Label: lang.T("Buku nikah / akta perkawinan", "Marriage book or certificate")},
		{ID: "old-passport", Label: lang.T("Paspor lama", "Old passport")},
	}
	for in, want := range map[string]string{
		"1,2,3":        "ktp,kk,birth-certificate",
		"1 2 5":        "ktp,kk,old-passport",
		"akta":         "birth-certificate",
		"ktp, kk":      "ktp,kk",
		"buku, paspor": "marriage-book,old-passport",
		"birth":        "birth-certificate",
		"9":            "9",
		"b":            "b", // too short to tell
	} {
		if got := docIDs(docs, in); got != want {
			t.Errorf("docIDs(%q) = %q, want %q", in, got, want)
		}
	}
	if got := docNumbers(docs, "ktp,kk,old-passport,x"); got != "1,2,5,x" {
		t.Errorf("docNumbers = %q", got)
	}
}

func TestChoiceValue(t *testing.T) {
	fd := &forms.Field{ID: "validity_years", Values: []forms.Choice{
		{Value: "5", Label: lang.T("5 tahun", "5 years")}, {Value: "10", Label: lang.T("10 tahun", "10 years")}}}
	for in, want := range map[string]string{"1": "5", "2": "10", "5": "5", "10": "10", "10 tahun": "10", "5 years": "5", "3": "3"} {
		if got := choiceValue(fd, in); got != want {
			t.Errorf("choiceValue(%q) = %q, want %q", in, got, want)
		}
	}
	sex := &forms.Field{ID: "sex", Values: []forms.Choice{
		{Value: "M", Label: lang.T("Laki-laki", "Male")}, {Value: "F", Label: lang.T("Perempuan", "Female")}}}
	for in, want := range map[string]string{"1": "M", "perem": "F", "laki-laki": "M", "fe": "F", "x": "x"} {
		if got := choiceValue(sex, in); got != want {
			t.Errorf("choiceValue(%q) = %q, want %q", in, got, want)
		}
	}
}
