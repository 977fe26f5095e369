package store

// StorePlain makes db store applicant bytes without sealing them: the
// baseline of BenchmarkCaptureEncryption, never a kit's.
func StorePlain(db *DB) { db.plain = true }
