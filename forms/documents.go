package forms

import (
	"fmt"
	"slices"

	"github.com/jemput/jemput/lang"
)

// Document is a supporting document, or a group of which one is needed.
type Document struct {
	ID    string    `json:"id"`
	Label lang.Text `json:"label"`
}

// DocumentRules is a form's checklist: the documents it knows and which are
// needed when. A missing document does not block saving: the application is
// saved as incomplete and the receipt lists what is still missing.
type DocumentRules struct {
	Catalog []Document     `json:"catalog"`
	Rules   []DocumentRule `json:"rules"`
	labels  map[string]lang.Text
}

// DocumentRule requires documents when its condition holds (always if nil).
type DocumentRule struct {
	When    *Condition      `json:"when,omitempty"`
	Require []string        `json:"require,omitempty"`
	OneOf   []DocumentGroup `json:"one_of,omitempty"`
}

// DocumentGroup is satisfied by any one of its documents (birth certificate,
// marriage book, diploma or baptism certificate). Its ID and Label name it
// in the missing list.
type DocumentGroup struct {
	ID    string    `json:"id"`
	Label lang.Text `json:"label"`
	Any   []string  `json:"any"`
}

func (d *DocumentRules) compile(checkRefs func(*Condition) error) error {
	d.labels = map[string]lang.Text{}
	for _, doc := range d.Catalog {
		if doc.ID == "" || d.labels[doc.ID] != (lang.Text{}) {
			return fmt.Errorf("document %q: empty or repeated id", doc.ID)
		}
		if err := needText(doc.Label, "label of document "+doc.ID); err != nil {
			return err
		}
		d.labels[doc.ID] = doc.Label
	}
	known := func(id string) error {
		if _, ok := d.labels[id]; !ok {
			return fmt.Errorf("document rule names unknown document %q", id)
		}
		return nil
	}
	for _, r := range d.Rules {
		if err := checkRefs(r.When); err != nil {
			return err
		}
		for _, id := range r.Require {
			if err := known(id); err != nil {
				return err
			}
		}
		for _, g := range r.OneOf {
			if g.ID == "" || len(g.Any) == 0 {
				return fmt.Errorf("document group needs an id and documents")
			}
			if err := needText(g.Label, "label of document group "+g.ID); err != nil {
				return err
			}
			for _, id := range g.Any {
				if err := known(id); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// Label returns a document's label; ok is false for an id the form does not
// know.
func (d *DocumentRules) Label(id string) (lang.Text, bool) {
	l, ok := d.labels[id]
	return l, ok
}

// checklist splits the documents into those received (known ids, in the
// order given) and those still needed, in rule order, each once.
func (d *DocumentRules) checklist(given []string, e env) (received, missing []Document) {
	have := map[string]bool{}
	for _, id := range given {
		if l, ok := d.labels[id]; ok && !have[id] {
			have[id] = true
			received = append(received, Document{ID: id, Label: l})
		}
	}
	listed := map[string]bool{}
	need := func(id string, label lang.Text) {
		if !listed[id] {
			listed[id] = true
			missing = append(missing, Document{ID: id, Label: label})
		}
	}
	for _, r := range d.Rules {
		if !r.When.eval(e) {
			continue
		}
		for _, id := range r.Require {
			if !have[id] {
				need(id, d.labels[id])
			}
		}
		for _, g := range r.OneOf {
			found := false
			for _, id := range g.Any {
				found = found || have[id]
			}
			if !found {
				need(g.ID, g.Label)
			}
		}
	}
	return received, missing
}

// DocumentsFor is what interactive intake offers for these answers: the
// documents that apply (those the rules whose conditions hold name, in rule
// order, each once) and, as the default answer, those every such applicant
// needs (each group's first choice included). Nothing that cannot apply is
// listed.
func (f *Form) DocumentsFor(soFar map[string]any, ctx Context) (apply []Document, needed []string) {
	d := &f.Documents
	r := f.evaluate(f.known(soFar), nil, ctx, true)
	seen := map[string]bool{}
	add := func(id string) {
		if !seen[id] {
			seen[id] = true
			apply = append(apply, Document{ID: id, Label: d.labels[id]})
		}
	}
	for _, rule := range d.Rules {
		if !rule.When.eval(r.env) {
			continue
		}
		for _, id := range rule.Require {
			add(id)
			needed = append(needed, id)
		}
		for _, g := range rule.OneOf {
			for i, id := range g.Any {
				add(id)
				if i == 0 && !slices.Contains(needed, id) {
					needed = append(needed, id)
				}
			}
		}
	}
	return apply, needed
}
