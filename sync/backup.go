package sync

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"net/http"
	"time"
)

// BackupResult is the office's answer to a sealed backup.
type BackupResult struct {
	Records    int       `json:"records"`
	Photos     int       `json:"photos"`
	ReceivedAt time.Time `json:"received_at"`
}

// SealBackup writes a kit's applications not yet approved as a backup for
// the office: an export file (sealed to recipient, signed by key) whose
// batch the office keeps apart and never receives as applications.
func SealBackup(recipient string, key ed25519.PrivateKey, e Export) ([]byte, error) {
	var buf bytes.Buffer
	if err := SealExport(&buf, recipient, key, e); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// SendBackup sends a sealed backup (SealBackup) to the office, which keeps
// it in place of the kit's previous one.
func (c *Client) SendBackup(ctx context.Context, sealed []byte) (BackupResult, error) {
	var res BackupResult
	err := c.roundTrip(ctx, request{method: http.MethodPost, path: "/v1/backups", signed: true, body: sealed,
		header: map[string]string{"Content-Type": "application/octet-stream"}}, &res)
	return res, err
}
