package storetest

import (
	"bytes"
	"errors"
	"testing"

	"github.com/jemput/jemput/central"
)

// A kit's newest sealed backup replaces the one before; another kit's is
// its own; none is ErrNotFound; nothing of it shows among applications.
func testBackups(t *testing.T, st central.Store) {
	update(t, st, func(tx central.Tx) error {
		for _, k := range []string{"KTB01", "KTB02"} {
			if err := tx.AddKit(k, t0); err != nil {
				return err
			}
		}
		if _, err := tx.Backup("KTB01"); !errors.Is(err, central.ErrNotFound) {
			t.Errorf("Backup before any: %v, want ErrNotFound", err)
		}
		if err := tx.PutBackup(central.Backup{Kit: "KTB01", ReceivedAt: t0, CreatedAt: t0, Records: 3, Photos: 1, Body: []byte("first")}); err != nil {
			return err
		}
		if err := tx.PutBackup(central.Backup{Kit: "KTB02", ReceivedAt: t0, CreatedAt: t0, Records: 1, Body: []byte("other")}); err != nil {
			return err
		}
		return tx.PutBackup(central.Backup{Kit: "KTB01", ReceivedAt: t0.Add(60e9), CreatedAt: t0.Add(30e9), Records: 4, Photos: 2, Body: []byte("second")})
	})
	view(t, st, func(tx central.Tx) error {
		b, err := tx.Backup("KTB01")
		if err != nil {
			return err
		}
		if b.Kit != "KTB01" || b.Records != 4 || b.Photos != 2 || !bytes.Equal(b.Body, []byte("second")) ||
			!b.ReceivedAt.Equal(t0.Add(60e9)) || !b.CreatedAt.Equal(t0.Add(30e9)) {
			t.Errorf("Backup(KTB01) = %+v, want the second", b)
		}
		if b, err := tx.Backup("KTB02"); err != nil || string(b.Body) != "other" {
			t.Errorf("Backup(KTB02) = %+v, %v", b, err)
		}
		apps, err := tx.Applications(central.AppFilter{})
		if err != nil {
			return err
		}
		if len(apps) != 0 {
			t.Errorf("%d applications after backups only, want 0", len(apps))
		}
		return nil
	})
}
