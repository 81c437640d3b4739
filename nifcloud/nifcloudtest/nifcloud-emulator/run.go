package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"nifcloud_lb/nifcloud/nifcloudtest"
)

// shutdownTimeout bounds how long in-flight requests may take after a
// signal.
const shutdownTimeout = 30 * time.Second

// config holds the parsed flags.
type config struct {
	addr        string
	seed        string
	tls         bool
	caOut       string
	latency     time.Duration
	errorStatus int
	appear      time.Duration
	inService   time.Duration
	elasticBusy time.Duration
	busyState   string
	busyCode    string
	visibility  time.Duration
	jsonOut     bool
	readyFile   string
	quiet       bool
}

// startup is what the command tells scripts once it is listening.
type startup struct {
	Endpoint        string `json:"endpoint"`
	AccessKey       string `json:"access_key"`
	SecretAccessKey string `json:"secret_access_key"`
	CABundle        string `json:"ca_bundle"`
}

// parseFlags parses args; it returns flag.ErrHelp for -h.
func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("nifcloud-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.addr, "addr", "127.0.0.1:18080", "listen address (port 0 picks a free port)")
	fs.StringVar(&c.seed, "seed", "", "seed file (JSON) replacing the demo state and credentials")
	fs.BoolVar(&c.tls, "tls", false, "serve HTTPS with a fresh self-signed certificate")
	fs.StringVar(&c.caOut, "ca-out", "", "with -tls: write the certificate (PEM CA bundle) here (default: a temporary file)")
	fs.DurationVar(&c.latency, "latency", 0, "delay added to every API call")
	fs.IntVar(&c.errorStatus, "error-status", 500, "HTTP status of Client.* error replies")
	fs.DurationVar(&c.appear, "appear", time.Second, "delay before a new registration has a health result")
	fs.DurationVar(&c.inService, "in-service", 3*time.Second, "delay before a new registration is InService")
	fs.DurationVar(&c.elasticBusy, "elastic-busy", 2*time.Second,
		"how long a Multi Load Balancer is not available after a change (0: always available)")
	fs.StringVar(&c.busyState, "elastic-busy-state", nifcloudtest.DefaultElasticBusyState,
		"State of a Multi Load Balancer that is not available")
	fs.StringVar(&c.busyCode, "elastic-busy-code", nifcloudtest.CodeElasticLoadBalancerBusy,
		"error code refusing changes of a Multi Load Balancer that is not available")
	fs.DurationVar(&c.visibility, "visibility-delay", 0,
		"how long a created load balancer or port definition stays hidden from other calls")
	fs.BoolVar(&c.jsonOut, "json", false, "print one JSON line with endpoint and credentials instead of the banner")
	fs.StringVar(&c.readyFile, "ready-file", "", "write the JSON line to this file once listening")
	fs.BoolVar(&c.quiet, "quiet", false, "do not log API calls to stderr")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: nifcloud-emulator [flags]\n\n"+
			"Serves a local NIFCLOUD load-balancer API emulator (classic and Multi Load Balancer) on /api/\n(demo credentials %s / %s).\n\nFlags:\n",
			demoAccessKey, demoSecretKey)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	if c.caOut != "" && !c.tls {
		return config{}, errors.New("-ca-out needs -tls")
	}
	return c, nil
}

// run is the whole command; it returns the exit status. It serves until ctx
// ends, then shuts down gracefully.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "nifcloud-emulator: %v\n", err)
		return 2
	}
	if err := serve(ctx, c, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "nifcloud-emulator: %v\n", err)
		return 1
	}
	return 0
}

// options builds the emulator options from the flags.
func options(c config, logger *log.Logger) (nifcloudtest.Options, error) {
	opts := demoOptions()
	if c.seed != "" {
		var err error
		if opts, err = nifcloudtest.LoadSeedFile(c.seed); err != nil {
			return nifcloudtest.Options{}, err
		}
	}
	opts.Health = nifcloudtest.Health{Appear: c.appear, InService: c.inService}
	opts.ElasticBusy = c.elasticBusy
	opts.ElasticBusyState = c.busyState
	opts.ElasticBusyCode = c.busyCode
	opts.CreateVisibilityDelay = c.visibility
	opts.Latency = c.latency
	opts.ErrorStatus = c.errorStatus
	opts.Inspection = true
	if !c.quiet {
		opts.OnRequest = func(r nifcloudtest.Request) {
			line := fmt.Sprintf("%s %s %s -> %d", r.Method, r.Path, r.Action, r.Status)
			if r.Code != "" {
				line += " " + r.Code
			}
			if r.Fault != "" {
				line += " (fault: " + r.Fault + ")"
			}
			logger.Print(line)
		}
	}
	return opts, nil
}

// serve runs the emulator until ctx ends.
func serve(ctx context.Context, c config, stdout, stderr io.Writer) error {
	logger := log.New(stderr, "nifcloud-emulator: ", log.LstdFlags)
	opts, err := options(c, logger)
	if err != nil {
		return err
	}
	srv, err := nifcloudtest.New(opts)
	if err != nil {
		return err
	}
	ln, info, cleanup, err := listen(c, opts.Credentials[0])
	if err != nil {
		return err
	}
	defer cleanup()
	base := strings.TrimSuffix(info.Endpoint, nifcloudtest.APIPath)

	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          logger,
	}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()

	if err := announce(c, info, base, stdout); err != nil {
		_ = hs.Close()
		return err
	}
	if c.readyFile != "" {
		defer os.Remove(c.readyFile)
	}

	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		_ = hs.Close()
		return fmt.Errorf("shutdown: %w", err)
	}
	if !c.jsonOut {
		fmt.Fprintln(stdout, "nifcloud-emulator: stopped")
	}
	return nil
}

// listen opens the listener of -addr, wrapped in TLS with -tls, and
// describes it for scripts. cleanup closes it and removes a temporary CA
// file.
func listen(c config, cred nifcloudtest.Credential) (net.Listener, startup, func(), error) {
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return nil, startup{}, nil, fmt.Errorf("listen: %w", err)
	}
	info := startup{AccessKey: cred.AccessKeyID, SecretAccessKey: cred.SecretAccessKey}
	cleanup := func() { _ = ln.Close() }
	scheme := "http"
	if c.tls {
		path, removeCA, err := listenTLS(&ln, c.caOut)
		if err != nil {
			cleanup()
			return nil, startup{}, nil, err
		}
		closeLn := cleanup
		cleanup = func() { closeLn(); removeCA() }
		info.CABundle = path
		scheme = "https"
	}
	info.Endpoint = scheme + "://" + ln.Addr().String() + nifcloudtest.APIPath
	return ln, info, cleanup, nil
}

// listenTLS wraps *ln in TLS with a fresh self-signed certificate, written
// as PEM to caOut or to a new temporary file (removed by cleanup).
func listenTLS(ln *net.Listener, caOut string) (path string, cleanup func(), err error) {
	cert, caPEM, err := nifcloudtest.SelfSignedCertificate("nifcloud-emulator", time.Now())
	if err != nil {
		return "", nil, err
	}
	cleanup = func() {}
	if caOut == "" {
		f, err := os.CreateTemp("", "nifcloud-emulator-ca-*.pem")
		if err != nil {
			return "", nil, fmt.Errorf("create CA file: %w", err)
		}
		caOut = f.Name()
		if err := f.Close(); err != nil {
			return "", nil, fmt.Errorf("create CA file: %w", err)
		}
		cleanup = func() { _ = os.Remove(caOut) }
	}
	if err := os.WriteFile(caOut, caPEM, 0o644); err != nil {
		cleanup()
		return "", nil, fmt.Errorf("write CA file: %w", err)
	}
	abs, err := filepath.Abs(caOut)
	if err != nil {
		abs = caOut
	}
	*ln = tls.NewListener(*ln, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
	return abs, cleanup, nil
}

// announce prints the endpoint and credentials and writes the ready file.
func announce(c config, info startup, base string, stdout io.Writer) error {
	line, err := json.Marshal(info)
	if err != nil {
		return fmt.Errorf("encode startup line: %w", err)
	}
	if c.jsonOut {
		fmt.Fprintf(stdout, "%s\n", line)
	} else {
		fmt.Fprintf(stdout, "NIFCLOUD emulator listening on %s\n", info.Endpoint)
		fmt.Fprintf(stdout, "  access key:          %s\n", info.AccessKey)
		fmt.Fprintf(stdout, "  secret access key:   %s\n", info.SecretAccessKey)
		if info.CABundle != "" {
			fmt.Fprintf(stdout, "  CA bundle:           %s\n", info.CABundle)
		}
		fmt.Fprintf(stdout, "  health delays:       result after %s, InService after %s\n", c.appear, c.inService)
		fmt.Fprintf(stdout, "  Multi Load Balancer: %s for %s after each change\n", c.busyState, c.elasticBusy)
		if c.visibility > 0 {
			fmt.Fprintf(stdout, "  visibility delay:    %s after CreateLoadBalancer and RegisterPortWithLoadBalancer\n", c.visibility)
		}
		fmt.Fprintf(stdout, "  inspection API:      %s/_emulator/state (also requests, faults, reset-requests)\n", base)
		fmt.Fprintf(stdout, "Stop with Ctrl-C.\n")
	}
	if c.readyFile == "" {
		return nil
	}
	tmp := c.readyFile + ".tmp"
	if err := os.WriteFile(tmp, append(line, '\n'), 0o600); err != nil {
		return fmt.Errorf("write ready file: %w", err)
	}
	if err := os.Rename(tmp, c.readyFile); err != nil {
		return fmt.Errorf("write ready file: %w", err)
	}
	return nil
}
