package main

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/jemput/jemput/cmd/internal/cli"

	"github.com/spf13/cobra"
)

func newKitCommand(app *App) *cobra.Command {
	cmd := &cobra.Command{Use: "kit", Short: "Kits of this office and their enrollment tokens"}
	cmd.AddCommand(newKitAddCommand(app, nil), newKitListCommand(app), newKitRecoverCommand(app, nil), newKitRevokeCommand(app, nil), newKitBackupCommand(app, nil))
	return cmd
}

type kitAddOptions struct {
	Code string
	TTL  time.Duration
}

func newKitAddCommand(app *App, runF func(context.Context, *kitAddOptions) error) *cobra.Command {
	opts := &kitAddOptions{}
	cmd := &cobra.Command{
		Use:   "add --code CODE [--ttl 168h]",
		Short: "Register a kit and print a one-time enrollment token for it",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.TTL <= 0 {
				return cli.Usagef("--ttl %s: %s", opts.TTL, app.T("harus positif, misalnya 168h", "must be positive, for example 168h"))
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runKitAdd(cmd.Context(), app, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Code, "code", "", "the kit's code, as given to jemput init --kit-code (for example KTB01)")
	f.DurationVar(&opts.TTL, "ttl", 7*24*time.Hour, "how long the token stays valid")
	cmd.MarkFlagRequired("code")
	return cmd
}

func runKitAdd(ctx context.Context, app *App, opts *kitAddOptions) error {
	office, err := app.openOffice(ctx)
	if err != nil {
		return err
	}
	token, err := office.AddKit(ctx, opts.Code, opts.TTL)
	if err != nil {
		return err
	}
	until := app.Now().Add(opts.TTL)
	if app.JSON {
		return app.WriteJSON(map[string]any{"kit_code": opts.Code, "token": token, "expires": until.UTC(), "office_fingerprint": office.Fingerprint()})
	}
	fmt.Fprintln(app.Out, token)
	app.Note("Token sekali pakai untuk kit %s, berlaku sampai %s. Sidik jari kantor: %s",
		"One-time token for kit %s, valid until %s. Office fingerprint: %s", opts.Code, formatTime(until), office.Fingerprint())
	app.Note("Di kit: jemput enroll --central URL --token TOKEN", "On the kit: jemput enroll --central URL --token TOKEN")
	return nil
}

func newKitListCommand(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the kits: enrolled or waiting, applications received, last seen",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			office, err := app.openOffice(cmd.Context())
			if err != nil {
				return err
			}
			kits, err := office.Kits(cmd.Context())
			if err != nil {
				return err
			}
			if app.JSON {
				out := []map[string]any{}
				for _, k := range kits {
					m := map[string]any{"code": k.Code, "added_at": k.AddedAt, "enrolled": k.PublicKey != nil, "applications": k.Apps}
					if k.PublicKey != nil {
						m["public_key"] = base64.StdEncoding.EncodeToString(k.PublicKey)
						m["enrolled_at"] = k.EnrolledAt
					}
					if !k.LastSeen.IsZero() {
						m["last_seen"] = k.LastSeen
					}
					if k.Revoked() {
						m["revoked_at"] = k.RevokedAt
						m["revoked_reason"] = k.RevokedReason
					}
					out = append(out, m)
				}
				return app.WriteJSON(out)
			}
			tw := tabwriter.NewWriter(app.Out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, app.T("KIT\tTERDAFTAR\tPERMOHONAN\tTERAKHIR", "KIT\tENROLLED\tAPPLICATIONS\tLAST SEEN"))
			for _, k := range kits {
				enrolled := app.T("menunggu enroll", "waiting for enroll")
				switch {
				case k.Revoked():
					enrolled = fmt.Sprintf(app.T("DICABUT %s: %s", "REVOKED %s: %s"), formatTime(k.RevokedAt), k.RevokedReason)
				case k.PublicKey != nil:
					enrolled = formatTime(k.EnrolledAt)
				}
				fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", k.Code, enrolled, k.Apps, formatTime(k.LastSeen))
			}
			return tw.Flush()
		},
	}
}

type kitRevokeOptions struct {
	Code   string
	Reason string
}

func newKitRevokeCommand(app *App, runF func(context.Context, *kitRevokeOptions) error) *cobra.Command {
	opts := &kitRevokeOptions{}
	cmd := &cobra.Command{
		Use:   "revoke CODE --reason TEXT",
		Short: "Cut off a lost or stolen kit: its requests and export files are refused from now on",
		Long: `Revoke the kit's device key. From now on the office refuses its requests and
its export files (kit_revoked), and the kit says why. What it sent before
stays. To put a replacement laptop in service, make it a new token with
'jemput-central kit add --code CODE' (or give it a code of its own) and
enroll it: it gets a key of its own, and the revoked key stays revoked.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Code = args[0]
			if strings.TrimSpace(opts.Reason) == "" {
				return cli.Usagef("--reason: %s", app.T("wajib: mengapa kit ini dicabut (misalnya \"laptop hilang di kapal\")", "required: why this kit is revoked (for example \"laptop lost on the boat\")"))
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runKitRevoke(cmd.Context(), app, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Reason, "reason", "", "why (kept, and shown in kit list)")
	return cmd
}

func runKitRevoke(ctx context.Context, app *App, opts *kitRevokeOptions) error {
	office, err := app.openOffice(ctx)
	if err != nil {
		return err
	}
	k, err := office.RevokeKit(ctx, opts.Code, opts.Reason)
	if err != nil {
		return err
	}
	if app.JSON {
		return app.WriteJSON(map[string]any{"code": k.Code, "revoked_at": k.RevokedAt, "revoked_reason": k.RevokedReason})
	}
	app.Say("Kit %s dicabut (%s): permintaan dan berkas ekspornya ditolak mulai sekarang.", "Kit %s revoked (%s): its requests and export files are refused from now on.", k.Code, k.RevokedReason)
	app.Note("Kit pengganti: jemput-central kit add --code %s, lalu jemput enroll di laptop pengganti", "A replacement: jemput-central kit add --code %s, then jemput enroll on the replacement laptop", k.Code)
	return nil
}
