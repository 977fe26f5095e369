package main

import (
	"context"
	"fmt"
	"net"

	"github.com/jemput/jemput/cmd/internal/cli"

	"github.com/jemput/jemput/central"
	"github.com/jemput/jemput/central/server"
	"github.com/spf13/cobra"
)

type serveOptions struct {
	Listen  string
	TLSCert string
	TLSKey  string
	Office  string
}

func newServeCommand(app *App, runF func(context.Context, *serveOptions) error) *cobra.Command {
	opts := &serveOptions{}
	cmd := &cobra.Command{
		Use:   "serve [--listen ADDR] [--tls-cert FILE --tls-key FILE] [--office NAME]",
		Short: "Serve kits: enrollment, batches, attachments, statuses",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if (opts.TLSCert == "") != (opts.TLSKey == "") {
				return cli.Usagef("%s", app.T("--tls-cert dan --tls-key harus diberikan bersama", "--tls-cert and --tls-key go together"))
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runServe(cmd.Context(), app, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Listen, "listen", "127.0.0.1:8080", "address to listen on, host:port (port 0 picks a free one)")
	f.StringVar(&opts.TLSCert, "tls-cert", "", "TLS certificate (PEM); kits pin it at enrollment")
	f.StringVar(&opts.TLSKey, "tls-key", "", "TLS private key (PEM)")
	f.StringVar(&opts.Office, "office", "", "the office's name, as kits show it (kept in the database)")
	return cmd
}

func runServe(ctx context.Context, app *App, opts *serveOptions) error {
	log, err := cli.NewLogger(app.Err, app.Getenv, "info")
	if err != nil {
		return cli.Usagef("%v", err)
	}
	var officeOpts []central.Option
	officeOpts = append(officeOpts, central.WithLogger(log))
	if opts.TLSCert != "" {
		sum, err := server.CertSHA256(opts.TLSCert)
		if err != nil {
			return err
		}
		officeOpts = append(officeOpts, central.WithTLSCertSHA256(sum))
	}
	office, err := app.openOffice(ctx, officeOpts...)
	if err != nil {
		return err
	}
	if opts.Office != "" {
		if err := office.SetName(ctx, opts.Office); err != nil {
			return err
		}
	}
	scheme := "http"
	if opts.TLSCert != "" {
		scheme = "https"
	}
	return server.Serve(ctx, server.New(office, log), server.Config{
		Addr: opts.Listen, TLSCert: opts.TLSCert, TLSKey: opts.TLSKey, Log: log,
		Ready: func(addr net.Addr) {
			// The first line is for scripts and stays the same in every
			// language.
			fmt.Fprintf(app.Err, "listening on %s://%s\n", scheme, addr)
			app.Note("kantor %s, sidik jari %s", "office %s, fingerprint %s", office.Name(), office.Fingerprint())
			app.Note("basis data: %s", "database: %s", app.dbName())
		},
	})
}
