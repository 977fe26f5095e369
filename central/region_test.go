package central

import (
	"encoding/json"
	"testing"

	"github.com/jemput/jemput/forms"
)

// regionOf is the district valueRegion reads from a record's document,
// "" when the form is not one this office knows or doc is not JSON (such
// a record is refused before: checkRecord).
func regionOf(form, doc string) string {
	f, err := forms.Get(form)
	if err != nil {
		return ""
	}
	var d struct {
		Values map[string]json.RawMessage `json:"values"`
	}
	if json.Unmarshal([]byte(doc), &d) != nil {
		return ""
	}
	_, _, district := valueRegion(f, d.Values)
	return district
}

func TestRegion(t *testing.T) {
	doc := `{"values":{"nik":"6302015508900001","full_name":"SITI AMINAH"}}`
	for _, c := range []struct {
		form, doc, want string
	}{
		{"passport", doc, "63.02.01"},
		{"passport", `{"values":{"nik":"123"}}`, ""},
		{"passport", `{"values":{"nik":6302015508900001}}`, ""}, // not a string
		{"passport", `{"values":{}}`, ""},
		{"passport", `not json`, ""},
		// The stay permit gives no field the identity-number role: a
		// "nik" value in it says nothing.
		{"stay-permit", doc, ""},
		{"no-such-form", doc, ""},
	} {
		if d := regionOf(c.form, c.doc); d != c.want {
			t.Errorf("region(%s, %s) = %q, want %q", c.form, c.doc, d, c.want)
		}
	}
}

func TestPurpose(t *testing.T) {
	for _, c := range []struct{ values, want string }{
		{`{"travel_purpose":"umrah"}`, "umrah"},
		{`{"travel_purpose":3}`, ""},
		{`{}`, ""},
	} {
		var v map[string]json.RawMessage
		if err := json.Unmarshal([]byte(c.values), &v); err != nil {
			t.Fatal(err)
		}
		if got := valuePurpose(v); got != c.want {
			t.Errorf("valuePurpose(%s) = %q, want %q", c.values, got, c.want)
		}
	}
}
