package forms

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Condition is the small data language of required_if, ask_if, check
// "when" and fee lines; doc.go describes it. It is parsed once, when a
// definition or table is loaded, and never changed afterwards.
type Condition struct {
	Field      string       // subject: a field's normalized value
	Derived    string       // or: a derived value (age, minor, ...)
	EventTypes []string     // or: the event's type is one of these
	Op         string       // "eq", "in" or "present" for Field and Derived
	Values     []any        // the operand of eq (one) or in (several)
	Present    bool         // the operand of present
	All, Any   []*Condition // composites
	Not        *Condition
}

// env is what conditions are evaluated against.
type env struct {
	values    map[string]any
	derived   map[string]any
	eventType string
}

// UnmarshalJSON accepts exactly one of the shapes in doc.go and rejects
// unknown keys, so a misspelt "feild" fails at load instead of being true.
func (c *Condition) UnmarshalJSON(b []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("condition must be an object: %w", err)
	}
	take := func(k string, v any) (bool, error) {
		raw, ok := m[k]
		if !ok {
			return false, nil
		}
		delete(m, k)
		if err := json.Unmarshal(raw, v); err != nil {
			return true, fmt.Errorf("condition %q: %w", k, err)
		}
		return true, nil
	}
	*c = Condition{}
	subjects := 0
	for _, k := range []string{"all", "any"} {
		var list []*Condition
		ok, err := take(k, &list)
		if err != nil {
			return err
		}
		if ok {
			if len(list) == 0 {
				return fmt.Errorf("condition %q needs at least one condition", k)
			}
			subjects++
			if k == "all" {
				c.All = list
			} else {
				c.Any = list
			}
		}
	}
	if ok, err := take("not", &c.Not); err != nil {
		return err
	} else if ok {
		if c.Not == nil {
			return fmt.Errorf(`condition "not" needs a condition`)
		}
		subjects++
	}
	if raw, ok := m["event_type"]; ok {
		delete(m, "event_type")
		subjects++
		var one string
		if json.Unmarshal(raw, &one) == nil {
			c.EventTypes = []string{one}
		} else if err := json.Unmarshal(raw, &c.EventTypes); err != nil || len(c.EventTypes) == 0 {
			return fmt.Errorf(`condition "event_type" must be a string or a non-empty list of strings`)
		}
	}
	for _, k := range []string{"field", "derived"} {
		var s string
		ok, err := take(k, &s)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		if s == "" {
			return fmt.Errorf("condition %q is empty", k)
		}
		subjects++
		if k == "field" {
			c.Field = s
		} else {
			c.Derived = s
		}
		ops := 0
		var v any
		if ok, err := takeAny(m, "eq", &v); err != nil {
			return err
		} else if ok {
			c.Op, c.Values, ops = "eq", []any{v}, ops+1
		}
		var vs []any
		if ok, err := takeAny(m, "in", &vs); err != nil {
			return err
		} else if ok {
			if len(vs) == 0 {
				return fmt.Errorf(`condition "in" needs at least one value`)
			}
			c.Op, c.Values, ops = "in", vs, ops+1
		}
		if ok, err := take("present", &c.Present); err != nil {
			return err
		} else if ok {
			c.Op, ops = "present", ops+1
		}
		if ops != 1 {
			return fmt.Errorf("condition on %q needs exactly one of eq, in, present", s)
		}
	}
	if len(m) > 0 {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		return fmt.Errorf("condition has unknown or misplaced keys: %s", strings.Join(keys, ", "))
	}
	if subjects != 1 {
		return fmt.Errorf("condition needs exactly one of field, derived, event_type, all, any, not")
	}
	return nil
}

func takeAny(m map[string]json.RawMessage, k string, v any) (bool, error) {
	raw, ok := m[k]
	if !ok {
		return false, nil
	}
	delete(m, k)
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		return true, fmt.Errorf("condition %q: %w", k, err)
	}
	return true, nil
}

// MarshalJSON writes the same shape UnmarshalJSON reads, for `forms show
// --json`.
func (c *Condition) MarshalJSON() ([]byte, error) {
	m := map[string]any{}
	switch {
	case c.All != nil:
		m["all"] = c.All
	case c.Any != nil:
		m["any"] = c.Any
	case c.Not != nil:
		m["not"] = c.Not
	case c.EventTypes != nil:
		m["event_type"] = c.EventTypes
	default:
		if c.Field != "" {
			m["field"] = c.Field
		} else {
			m["derived"] = c.Derived
		}
		switch c.Op {
		case "eq":
			m["eq"] = c.Values[0]
		case "in":
			m["in"] = c.Values
		case "present":
			m["present"] = c.Present
		}
	}
	return json.Marshal(m)
}

// Eval reports whether the condition holds. A missing value is never equal
// to anything, so "required if application_type is replace-*" is false
// while the type is unknown.
func (c *Condition) eval(e env) bool {
	switch {
	case c == nil:
		return true
	case c.All != nil:
		for _, s := range c.All {
			if !s.eval(e) {
				return false
			}
		}
		return true
	case c.Any != nil:
		for _, s := range c.Any {
			if s.eval(e) {
				return true
			}
		}
		return false
	case c.Not != nil:
		return !c.Not.eval(e)
	case c.EventTypes != nil:
		for _, t := range c.EventTypes {
			if t == e.eventType {
				return true
			}
		}
		return false
	}
	var v any
	var ok bool
	if c.Field != "" {
		v, ok = e.values[c.Field]
	} else {
		v, ok = e.derived[c.Derived]
	}
	if c.Op == "present" {
		return ok == c.Present
	}
	if !ok {
		return false
	}
	for _, want := range c.Values {
		if sameValue(v, want) {
			return true
		}
	}
	return false
}

// sameValue compares a normalized value with an operand decoded from JSON
// (json.Number, string, bool). A list (documents) matches when it contains
// the operand.
func sameValue(v, want any) bool {
	switch v := v.(type) {
	case []string:
		for _, s := range v {
			if sameValue(s, want) {
				return true
			}
		}
		return false
	case int:
		return sameNumber(float64(v), want)
	case int64:
		return sameNumber(float64(v), want)
	case string:
		s, ok := want.(string)
		return ok && s == v
	case bool:
		b, ok := want.(bool)
		return ok && b == v
	}
	return false
}

// sameNumber compares by value, so 10 and 10.0 in a definition both match
// the answer 10; a string "10" does not.
func sameNumber(v float64, want any) bool {
	switch w := want.(type) {
	case json.Number:
		f, err := w.Float64()
		return err == nil && f == v
	case float64:
		return w == v
	case int:
		return float64(w) == v
	}
	return false
}

// String renders the condition for `forms show`, e.g.
// `application_type in [replace-expired, replace-full]`.
func (c *Condition) String() string {
	if c == nil {
		return "always"
	}
	join := func(cs []*Condition, sep string) string {
		parts := make([]string, len(cs))
		for i, s := range cs {
			parts[i] = s.String()
		}
		return "(" + strings.Join(parts, sep) + ")"
	}
	list := func(vs []any) string {
		parts := make([]string, len(vs))
		for i, v := range vs {
			parts[i] = fmt.Sprint(v)
		}
		return strings.Join(parts, ", ")
	}
	switch {
	case c.All != nil:
		return join(c.All, " and ")
	case c.Any != nil:
		return join(c.Any, " or ")
	case c.Not != nil:
		return "not " + c.Not.String()
	case c.EventTypes != nil:
		if len(c.EventTypes) == 1 {
			return "event type = " + c.EventTypes[0]
		}
		return "event type in [" + strings.Join(c.EventTypes, ", ") + "]"
	}
	subject := c.Field
	if subject == "" {
		subject = c.Derived
	}
	switch c.Op {
	case "present":
		if c.Present {
			return subject + " is filled"
		}
		return subject + " is empty"
	case "in":
		return subject + " in [" + list(c.Values) + "]"
	}
	return subject + " = " + list(c.Values)
}

// refs calls fn with every field and derived name the condition reads, so
// a definition can be checked for dangling references when it is loaded.
func (c *Condition) refs(field, derived func(string)) {
	if c == nil {
		return
	}
	for _, s := range c.All {
		s.refs(field, derived)
	}
	for _, s := range c.Any {
		s.refs(field, derived)
	}
	c.Not.refs(field, derived)
	if c.Field != "" {
		field(c.Field)
	}
	if c.Derived != "" {
		derived(c.Derived)
	}
}

// fields lists the fields a condition reads (not derived values).
func (c *Condition) fields() []string {
	if c == nil {
		return nil
	}
	var out []string
	if c.Field != "" {
		out = append(out, c.Field)
	}
	for _, sub := range append(append([]*Condition{}, c.All...), c.Any...) {
		out = append(out, sub.fields()...)
	}
	return append(out, c.Not.fields()...)
}
