package main

import (
	"context"
	"fmt"
	"net"
	"runtime/debug"

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

	Limits       server.Limits
	Office8      central.Limits
	MemoryLimit  int64 // MiB; the Go runtime's soft limit
	RequestMiB   int64
	KitMiB       int64
	BatchBodyMiB int64
	BatchJSONMiB int64
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
			l := &opts.Limits
			l.Memory, l.KitMemory = opts.RequestMiB<<20, opts.KitMiB<<20
			l.BatchBody, l.BatchJSON = opts.BatchBodyMiB<<20, opts.BatchJSONMiB<<20
			if l.MaxConns < 1 || l.KitRequests < 1 || l.Memory < 1<<20 || l.KitMemory < 1<<20 || l.BatchBody < 1<<20 || l.BatchJSON < 1<<20 ||
				opts.Office8.BatchRecords < 1 || opts.Office8.RecordBytes < 1024 || opts.Office8.PartialBytes < 1<<20 {
				return cli.Usagef("%s", app.T("batas harus positif (memori dan badan permintaan paling sedikit 1 MiB)", "limits must be positive (memory and bodies at least 1 MiB)"))
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
	// The limits of docs/protocol.md, "Limits".
	opts.Limits, opts.Office8 = server.DefaultLimits, central.DefaultLimits
	l, o := &opts.Limits, &opts.Office8
	f.IntVar(&l.MaxConns, "max-conns", l.MaxConns, "open connections in all; more wait")
	f.IntVar(&l.KitRequests, "kit-requests", l.KitRequests, "requests of one kit in flight at once (429 beyond)")
	f.Int64Var(&opts.RequestMiB, "request-memory", l.Memory>>20, "MiB of request bodies in flight in all (429 when used up)")
	f.Int64Var(&opts.KitMiB, "kit-memory", l.KitMemory>>20, "MiB of request bodies one kit may have in flight")
	f.Int64Var(&opts.BatchBodyMiB, "batch-body", l.BatchBody>>20, "MiB of one batch as sent (413 beyond)")
	f.Int64Var(&opts.BatchJSONMiB, "batch-json", l.BatchJSON>>20, "MiB of one batch decompressed (413 beyond)")
	f.DurationVar(&l.HeaderTimeout, "header-timeout", l.HeaderTimeout, "to receive a request's headers")
	f.DurationVar(&l.BodyIdle, "body-idle", l.BodyIdle, "a request body may pause this long (408 beyond)")
	f.Int64Var(&l.MinBodyRate, "min-body-rate", l.MinBodyRate, "bytes/s a body must average after --body-idle (408 below)")
	f.DurationVar(&l.WriteTimeout, "write-timeout", l.WriteTimeout, "to send an answer")
	f.DurationVar(&l.IdleTimeout, "idle-timeout", l.IdleTimeout, "a kept-alive connection without a request")
	f.IntVar(&o.BatchRecords, "batch-records", o.BatchRecords, "records in one batch (413 beyond)")
	f.IntVar(&o.RecordBytes, "record-bytes", o.RecordBytes, "bytes of one record (413 beyond)")
	f.Int64Var(&o.PartialBytes, "partial-bytes", o.PartialBytes, "bytes of attachments one kit may have half sent (413 beyond)")
	f.Int64Var(&opts.MemoryLimit, "memory-limit", 192, "MiB: the soft memory limit of the process (the Go runtime's GOMEMLIMIT; 0: none)")
	return cmd
}

func runServe(ctx context.Context, app *App, opts *serveOptions) error {
	log, err := cli.NewLogger(app.Err, app.Getenv, "info")
	if err != nil {
		return cli.Usagef("%v", err)
	}
	if opts.MemoryLimit > 0 && app.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(opts.MemoryLimit << 20)
	}
	limits := opts.Limits
	var officeOpts []central.Option
	officeOpts = append(officeOpts, central.WithLogger(log), central.WithLimits(opts.Office8))
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
	return server.Serve(ctx, server.NewWithLimits(office, log, limits), server.Config{
		Addr: opts.Listen, TLSCert: opts.TLSCert, TLSKey: opts.TLSKey, Log: log, Limits: &limits,
		Ready: func(addr net.Addr) {
			// The first line is for scripts and stays the same in every
			// language.
			fmt.Fprintf(app.Err, "listening on %s://%s\n", scheme, addr)
			app.Note("kantor %s, sidik jari %s", "office %s, fingerprint %s", office.Name(), office.Fingerprint())
			app.Note("basis data: %s", "database: %s", app.dbName())
		},
	})
}
