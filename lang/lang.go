// Package lang holds what every part of the kit needs to speak its two
// languages: the bilingual Text of labels, messages and hints. It imports
// nothing of ours, so that storage, the protocol and the forms can all say
// things to a person without depending on each other.
package lang

// The languages the kit speaks. Indonesian is the language of the service
// and comes first.
const (
	ID = "id"
	EN = "en"
)

// Text is a message or label in both languages the kit speaks.
type Text struct {
	ID string `json:"id"`
	EN string `json:"en"`
}

// T makes a Text.
func T(id, en string) Text { return Text{ID: id, EN: en} }

// In returns the text in lang ("id" or "en"); anything but "en" is
// Indonesian, and an English text left empty falls back to Indonesian.
func (t Text) In(lang string) string {
	if lang == EN && t.EN != "" {
		return t.EN
	}
	return t.ID
}

// IsZero reports whether the text is empty in both languages.
func (t Text) IsZero() bool { return t.ID == "" && t.EN == "" }
