package intake

import (
	"context"
)

// PageSize is how many applications one page of EachPending or
// EachBackupItem reads when the caller does not say.
const PageSize = 250

// AppCursor is where a paged listing of applications stands: the key of
// the last application of the page before, as the store orders them (its
// stored creation time and its id, neither of which ever changes). The
// zero cursor is the start.
type AppCursor struct{ CreatedAt, ID string }

// EachPending gives fn the application versions the office has not yet
// said it holds (approved ones, then handovers, each oldest first), at most
// size at a time (0: PageSize), so that no more than a page of documents is
// in memory (supervisors only). Each page is read in a read transaction of
// its own, and fn is called after it ends: fn may write (save acks, mark
// what is offered) and take as long as a batch takes to reach the office.
// fn must not keep the page's items past the call. An error from fn ends
// the walk and is returned.
//
// Nothing pending is skipped and nothing is given twice, though the kit may
// change between pages (the kit is single-writer, but an officer may
// approve or return in another command, and this sync's own acks move
// applications to synced):
//
//   - The pages are disjoint ranges of a key (created_at, id) that an
//     application gets when it is captured and never changes, so within
//     one status an application can fall in one page only.
//   - An application pending from the start of the walk to the moment its
//     page is read is given, with what its current version is at that
//     moment (a record is immutable once made: the version it names never
//     changes). One that stops being pending before its page is read
//     (returned, voided, answered by the office) is not given: it is no
//     longer pending. One that becomes pending during the walk (approved
//     between pages) is given if its key is after the cursor, and
//     otherwise waits for the next sync or export, exactly as if it had
//     been approved just after a listing in one transaction: nothing marks
//     an application from a listing, only the acks and the export of the
//     records that were really sent, so it stays pending.
//   - One version could still be met twice across the status walks (an
//     application moved from one walked status to another, as a backup's
//     captured to returned, between them): the record ids already given
//     are kept (ids only) and such a repeat is dropped.
func (s *Service) EachPending(ctx context.Context, size int, fn func([]SyncItem) error) error {
	return s.walk(ctx, PendingStatuses, true, size, fn)
}

// EachBackupItem gives fn, as EachPending does, the current version of
// every application captured but not approved, for a sealed backup at the
// office (supervisors only). It changes nothing.
func (s *Service) EachBackupItem(ctx context.Context, size int, fn func([]SyncItem) error) error {
	return s.walk(ctx, BackupStatuses, false, size, fn)
}

// walk pages through the applications in these statuses (see EachPending);
// unheld leaves out the versions the office holds or refused.
func (s *Service) walk(ctx context.Context, statuses []Status, unheld bool, size int, fn func([]SyncItem) error) error {
	if size <= 0 {
		size = PageSize
	}
	given := map[string]bool{}
	for _, st := range statuses {
		var cur AppCursor
		for {
			if err := ctx.Err(); err != nil {
				return err
			}
			var items []SyncItem
			var n int
			err := s.store.View(ctx, func(tx Tx) error {
				if _, err := s.actor(tx, RoleSupervisor); err != nil {
					return err
				}
				apps, next, err := tx.ApplicationsPage(st, unheld, cur, size)
				if err != nil {
					return err
				}
				if len(apps) > 0 && next == cur {
					// A walk that does not move would never end.
					return Errorf(CodeInvalid, "daftar halaman tidak maju setelah %s", "the paged listing does not move past %s", cur.ID)
				}
				n, cur = len(apps), next
				kept := apps[:0]
				for _, a := range apps {
					if id := RecordID(a.ID, a.Version); !given[id] {
						given[id] = true
						kept = append(kept, a)
					}
				}
				items, err = syncItems(tx, kept)
				return err
			})
			if err != nil {
				return err
			}
			if len(items) > 0 {
				if err := fn(items); err != nil {
					return err
				}
			}
			if n < size {
				break
			}
		}
	}
	return nil
}
