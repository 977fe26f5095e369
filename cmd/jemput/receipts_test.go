package main

import "testing"

// TestRollMedia: a roll receipt's paper is its own page (the first
// MediaBox gofpdf writes), not the document's default after it, rounded up
// so that nothing is cut.
func TestRollMedia(t *testing.T) {
	pdf := []byte("1 0 obj\n<</Type /Page\n/MediaBox [0 0 226.77 1125.41]\n>>\n2 0 obj\n<</Type /Pages\n/MediaBox [0 0 226.77 841.89]\n>>")
	if got, ok := rollMedia(pdf); !ok || got != "media=Custom.80x398mm" {
		t.Errorf("rollMedia = %q, %v", got, ok)
	}
	if _, ok := rollMedia([]byte("%PDF-1.3 no page")); ok {
		t.Error("a media size from a PDF without a MediaBox")
	}
}
