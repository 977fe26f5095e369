package main

import (
	"context"
	"encoding/base64"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/jemput/jemput/cmd/internal/cli"

	"github.com/spf13/cobra"
)

func newKitCommand(app *App) *cobra.Command {
	cmd := &cobra.Command{Use: "kit", Short: "Kits of this office and their enrollment tokens"}
	cmd.AddCommand(newKitAddCommand(app, nil), newKitListCommand(app), newKitRecoverCommand(app, nil), newKitBackupCommand(app, nil))
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
					out = append(out, m)
				}
				return app.WriteJSON(out)
			}
			tw := tabwriter.NewWriter(app.Out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, app.T("KIT\tTERDAFTAR\tPERMOHONAN\tTERAKHIR", "KIT\tENROLLED\tAPPLICATIONS\tLAST SEEN"))
			for _, k := range kits {
				enrolled := app.T("menunggu enroll", "waiting for enroll")
				if k.PublicKey != nil {
					enrolled = formatTime(k.EnrolledAt)
				}
				fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", k.Code, enrolled, k.Apps, formatTime(k.LastSeen))
			}
			return tw.Flush()
		},
	}
}
