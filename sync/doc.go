// Package sync is the wire protocol between a kit and the central office,
// and the kit's client: enrollment tokens, signed requests, record batches,
// attachment frames, acknowledgments, statuses and sealed export files.
// docs/protocol.md describes it for people; this package is its one
// implementation, used by both sides.
//
// The name shadows the standard library's sync: callers that need both
// import this one as ksync.
package sync
