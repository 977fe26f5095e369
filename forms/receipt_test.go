package forms

import (
	"strings"
	"testing"

	"github.com/jemput/jemput/lang"
)

func receiptForm(receipt string) string {
	return `{"id": "x", "version": 1, "title": {"id": "X", "en": "X"}, "roles": {"identity_number": "id_no"}, "fields": [
		{"id": "kind", "label": {"id": "Jenis", "en": "Kind"}, "type": "enum", "help": {},
		 "values": [{"value": "a", "label": {"id": "A", "en": "A"}}, {"value": "b", "label": {"id": "B", "en": "B"}}]},
		{"id": "years", "label": {"id": "Tahun", "en": "Years"}, "type": "int", "help": {}},
		{"id": "id_no", "label": {"id": "Nomor", "en": "Number"}, "type": "text", "help": {}},
		{"id": "nik", "label": {"id": "NIK", "en": "NIK"}, "type": "nik", "help": {}}
	], "documents": {"catalog": [], "rules": []}, "receipt": ` + receipt + `}`
}

func TestReceiptParses(t *testing.T) {
	f, err := ParseForm([]byte(receiptForm(`{"title": {"id": "TANDA TERIMA", "en": "Receipt"},
		"details": [{"field": "years", "unit": {"id": "tahun", "en": "years"}}, {"field": "kind"}],
		"next_steps": [
			{"when": {"field": "kind", "eq": "b"}, "text": {"id": "Jenis B.", "en": "Kind B."}},
			{"text": {"id": "Bayar {fee} di {office}.", "en": "Pay {fee} at {office}."}},
			{"when": {"not": {"event_type": ["ulp", "berkala"]}}, "text": {"id": "Ambil di {place}.", "en": "Collect at {place}."}}
		]}`)))
	if err != nil {
		t.Fatal(err)
	}
	if f.Receipt.Title.EN != "Receipt" || len(f.Receipt.Details) != 2 || f.Receipt.Details[0].Unit.ID != "tahun" {
		t.Errorf("receipt %+v", f.Receipt)
	}
	for _, c := range []struct {
		kind, event string
		want        []string
	}{
		{"a", "ulp", []string{"Pay {fee} at {office}."}},
		{"b", "ulp", []string{"Kind B.", "Pay {fee} at {office}."}},
		{"a", "eazy-paspor", []string{"Pay {fee} at {office}.", "Collect at {place}."}},
		{"", "", []string{"Pay {fee} at {office}.", "Collect at {place}."}},
	} {
		values := map[string]any{}
		if c.kind != "" {
			values["kind"] = c.kind
		}
		var got []string
		for _, s := range f.Receipt.NextSteps(values, nil, c.event) {
			got = append(got, s.EN)
		}
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("kind %q at %q: %q, want %q", c.kind, c.event, got, c.want)
		}
	}
	var none *Receipt
	if s := none.NextSteps(nil, nil, "ulp"); s != nil {
		t.Errorf("a form without a receipt section has steps %v", s)
	}
}

func TestReceiptRejects(t *testing.T) {
	step := func(text string) string {
		return `{"title": {"id": "T", "en": "T"}, "details": [], "next_steps": [{"text": ` + text + `}]}`
	}
	for name, receipt := range map[string]string{
		"title in one language":  `{"title": {"id": "T"}, "details": [], "next_steps": []}`,
		"unknown detail":         `{"title": {"id": "T", "en": "T"}, "details": [{"field": "colour"}], "next_steps": []}`,
		"detail twice":           `{"title": {"id": "T", "en": "T"}, "details": [{"field": "kind"}, {"field": "kind"}], "next_steps": []}`,
		"identity number role":   `{"title": {"id": "T", "en": "T"}, "details": [{"field": "id_no"}], "next_steps": []}`,
		"nik field":              `{"title": {"id": "T", "en": "T"}, "details": [{"field": "nik"}], "next_steps": []}`,
		"unit in one language":   `{"title": {"id": "T", "en": "T"}, "details": [{"field": "years", "unit": {"id": "tahun"}}], "next_steps": []}`,
		"step in one language":   step(`{"id": "Bayar."}`),
		"unknown slot":           step(`{"id": "Bayar {biaya}.", "en": "Pay {fee}."}`),
		"unknown slot in en":     step(`{"id": "Bayar {fee}.", "en": "Pay {amount}."}`),
		"condition on a typo":    `{"title": {"id": "T", "en": "T"}, "details": [], "next_steps": [{"when": {"field": "knid", "eq": "a"}, "text": {"id": "A", "en": "A"}}]}`,
		"misspelt key":           `{"title": {"id": "T", "en": "T"}, "details": [], "nextsteps": []}`,
		"misspelt key in a step": `{"title": {"id": "T", "en": "T"}, "details": [], "next_steps": [{"txt": {"id": "A", "en": "A"}}]}`,
	} {
		if _, err := ParseForm([]byte(receiptForm(receipt))); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestEmbeddedReceipts: every embedded form says what its receipt is
// called, and the passport's steps follow the application and the event.
func TestEmbeddedReceipts(t *testing.T) {
	for _, id := range Names() {
		f, err := Get(id)
		if err != nil {
			t.Fatal(err)
		}
		if f.Receipt == nil || len(f.Receipt.Steps) == 0 {
			t.Errorf("%s: no receipt title and steps", id)
		}
	}
	f, _ := Get("passport")
	first := func(steps []lang.Text) string { return steps[0].EN }
	lost := f.Receipt.NextSteps(map[string]any{"application_type": "replace-lost"}, nil, "ulp")
	if !strings.HasPrefix(first(lost), "Lost passport") || len(lost) != 4 {
		t.Errorf("lost passport at the office: %v", lost)
	}
	eazy := f.Receipt.NextSteps(map[string]any{"application_type": "new"}, nil, "eazy-paspor")
	if len(eazy) != 3 || !strings.Contains(eazy[1].EN, "4 working days") {
		t.Errorf("new passport at Eazy Paspor: %v", eazy)
	}
}
