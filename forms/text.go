package forms

// Text is a message or label in both languages the kit speaks.
// Indonesian comes first: it is the language of the service.
type Text struct {
	ID string `json:"id"`
	EN string `json:"en"`
}

// In returns the text in lang ("id" or "en"); anything but "en" is Indonesian.
func (t Text) In(lang string) string {
	if lang == "en" && t.EN != "" {
		return t.EN
	}
	return t.ID
}
