// Package report makes the kit's printed end-of-day report and its CSV
// twin: what the supervisor signs at the end of an event day and what the
// office reads in a spreadsheet. What a report says is decided here; how
// it is laid out on paper is the pdf package's business, as for receipts.
package report
