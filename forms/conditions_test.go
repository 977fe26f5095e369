package forms

import (
	"encoding/json"
	"strings"
	"testing"
)

func mustCond(t *testing.T, s string) *Condition {
	t.Helper()
	var c Condition
	if err := json.Unmarshal([]byte(s), &c); err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return &c
}

func TestConditionEval(t *testing.T) {
	e := env{
		values: map[string]any{
			"application_type": "replace-lost", "validity_years": 10, "both_parents_present": false,
			"documents": []string{"ktp", "kk"},
		},
		derived:   map[string]any{"minor": true, "age": 10},
		eventType: "eazy-paspor",
	}
	tests := []struct {
		cond string
		want bool
	}{
		{`{"field": "application_type", "eq": "replace-lost"}`, true},
		{`{"field": "application_type", "eq": "new"}`, false},
		{`{"field": "application_type", "in": ["replace-lost", "replace-damaged"]}`, true},
		{`{"field": "validity_years", "eq": 10}`, true},
		{`{"field": "validity_years", "eq": 10.0}`, true},
		{`{"field": "validity_years", "eq": "10"}`, false},
		{`{"field": "both_parents_present", "eq": false}`, true},
		{`{"field": "documents", "eq": "kk"}`, true},
		{`{"field": "documents", "in": ["old-passport"]}`, false},
		{`{"field": "email", "eq": "x"}`, false},
		{`{"field": "email", "present": false}`, true},
		{`{"field": "application_type", "present": true}`, true},
		{`{"derived": "minor", "eq": true}`, true},
		{`{"derived": "age", "in": [9, 10, 11]}`, true},
		{`{"event_type": "eazy-paspor"}`, true},
		{`{"event_type": ["ulp", "berkala"]}`, false},
		{`{"all": [{"derived": "minor", "eq": true}, {"event_type": "eazy-paspor"}]}`, true},
		{`{"all": [{"derived": "minor", "eq": true}, {"event_type": "ulp"}]}`, false},
		{`{"any": [{"derived": "minor", "eq": false}, {"event_type": "ulp"}]}`, false},
		{`{"not": {"event_type": "ulp"}}`, true},
	}
	for _, tt := range tests {
		if got := mustCond(t, tt.cond).eval(e); got != tt.want {
			t.Errorf("%s = %v, want %v", tt.cond, got, tt.want)
		}
	}
	var nilCond *Condition
	if !nilCond.eval(e) {
		t.Error("a nil condition (no when) must hold")
	}
}

func TestConditionRejects(t *testing.T) {
	for _, s := range []string{
		`{}`,
		`[]`,
		`{"feild": "x", "eq": 1}`,
		`{"field": "x"}`,
		`{"field": "x", "eq": 1, "in": [1]}`,
		`{"field": "", "eq": 1}`,
		`{"field": "x", "in": []}`,
		`{"field": "x", "eq": 1, "derived": "y", "present": true}`,
		`{"event_type": []}`,
		`{"event_type": 3}`,
		`{"all": []}`,
		`{"not": null}`,
		`{"all": [{"field": "x"}]}`,
		`{"event_type": "ulp", "eq": "x"}`,
	} {
		var c Condition
		if err := json.Unmarshal([]byte(s), &c); err == nil {
			t.Errorf("%s: accepted", s)
		}
	}
}

func TestConditionStringAndJSON(t *testing.T) {
	tests := map[string]string{
		`{"field": "application_type", "in": ["replace-expired", "replace-full"]}`:                 "application_type in [replace-expired, replace-full]",
		`{"derived": "minor", "eq": true}`:                                                         "minor = true",
		`{"field": "email", "present": true}`:                                                      "email is filled",
		`{"event_type": "eazy-paspor"}`:                                                            "event type = eazy-paspor",
		`{"all": [{"derived": "minor", "eq": true}, {"not": {"event_type": ["ulp", "berkala"]}}]}`: "(minor = true and not event type in [ulp, berkala])",
		`{"any": [{"field": "a", "eq": 1}, {"field": "b", "eq": "x"}]}`:                            "(a = 1 or b = x)",
	}
	for in, want := range tests {
		c := mustCond(t, in)
		if got := c.String(); got != want {
			t.Errorf("String(%s) = %q, want %q", in, got, want)
		}
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		if again := mustCond(t, string(b)); again.String() != want {
			t.Errorf("round trip of %s gave %s", in, b)
		}
	}
}

func TestConditionRefs(t *testing.T) {
	c := mustCond(t, `{"all": [{"field": "a", "eq": 1}, {"any": [{"derived": "minor", "eq": true}, {"not": {"field": "b", "present": true}}]}]}`)
	var fields, derived []string
	c.refs(func(s string) { fields = append(fields, s) }, func(s string) { derived = append(derived, s) })
	if strings.Join(fields, ",") != "a,b" || strings.Join(derived, ",") != "minor" {
		t.Errorf("refs = %v %v", fields, derived)
	}
}
