package central

import (
	"bytes"
	"context"
	"errors"

	ksync "github.com/jemput/jemput/sync"
)

// MaxBackupBytes bounds a sealed backup: a day's unapproved applications
// with their photos (about 350 photos of 33 KB). It is opened in memory,
// within the per-kit memory budget of the server (central/server limits).
const MaxBackupBytes = 12 << 20

// ReceiveBackup keeps a kit's sealed backup of its applications not yet
// approved (jemput sync --backup), in place of the one before. It is
// opened once to check that the kit signed it and that it holds only the
// kit's own records, and kept sealed as it came: nothing of it becomes a
// received application, and the kit's sync state does not change.
func (o *Office) ReceiveBackup(ctx context.Context, kit string, sealed []byte) (ksync.BackupResult, error) {
	if len(sealed) > MaxBackupBytes {
		return ksync.BackupResult{}, ksync.Errorf(ksync.CodeTooLarge, "a backup of %d bytes, at most %d", len(sealed), MaxBackupBytes)
	}
	e, err := ksync.OpenExport(bytes.NewReader(sealed), o.keys.AgeIdentity, o.KeysFor(ctx))
	if err != nil {
		return ksync.BackupResult{}, err
	}
	if e.Kit != kit {
		return ksync.BackupResult{}, malformedf("a backup of kit %s sent by kit %s", e.Kit, kit)
	}
	now := o.now()
	b := Backup{Kit: kit, ReceivedAt: now, CreatedAt: e.Created, Records: len(e.Batch.Records), Photos: len(e.Attachments), Body: sealed}
	err = o.store.Update(ctx, func(tx Tx) error {
		if old, err := tx.Backup(kit); err == nil && old.CreatedAt.After(e.Created) {
			return nil // an older backup arriving late: the newer one stays
		} else if err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		return tx.PutBackup(b)
	})
	if err != nil {
		return ksync.BackupResult{}, err
	}
	o.log.Info("backup received", "kit", kit, "records", b.Records, "photos", b.Photos, "bytes", len(sealed))
	return ksync.BackupResult{Records: b.Records, Photos: b.Photos, ReceivedAt: now.UTC()}, nil
}

// OpenBackup opens a kit's newest sealed backup (jemput-central kit
// backup): what the office can give back when a laptop is lost.
func (o *Office) OpenBackup(ctx context.Context, kit string) (Backup, ksync.Export, error) {
	var b Backup
	err := o.store.View(ctx, func(tx Tx) (err error) {
		b, err = tx.Backup(kit)
		return err
	})
	if err != nil {
		return b, ksync.Export{}, err
	}
	// Checked again against the kit's key: a backup signed by a key the
	// kit no longer has (enrolled again since) does not open here.
	e, err := ksync.OpenExport(bytes.NewReader(b.Body), o.keys.AgeIdentity, o.KeysFor(ctx))
	return b, e, err
}
