package sqlite

// Wrap lets the tests hold real SQLite errors to wrap.
var Wrap = wrap
