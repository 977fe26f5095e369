package central

import "testing"

func TestRegion(t *testing.T) {
	doc := []byte(`{"values":{"nik":"6302015508900001","full_name":"SITI AMINAH"}}`)
	for _, c := range []struct {
		form, doc, want string
	}{
		{"passport", string(doc), "63.02.01"},
		{"passport", `{"values":{"nik":"123"}}`, ""},
		{"passport", `{"values":{}}`, ""},
		{"passport", `not json`, ""},
		// The stay permit gives no field the identity-number role: a
		// "nik" value in it says nothing.
		{"stay-permit", string(doc), ""},
		{"no-such-form", string(doc), ""},
	} {
		if _, _, d := region(c.form, []byte(c.doc)); d != c.want {
			t.Errorf("region(%s, %s) = %q, want %q", c.form, c.doc, d, c.want)
		}
	}
}
