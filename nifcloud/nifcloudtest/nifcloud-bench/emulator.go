package main

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"nifcloud_lb/nifcloud/nifcloudtest"
)

// emulator serves a nifcloudtest.Server over HTTPS on loopback, with a
// fresh certificate whose PEM is in caFile. reset replaces the server, so
// that every run starts from the same state; the listener and certificate
// stay.
type emulator struct {
	current  atomic.Pointer[nifcloudtest.Server]
	hs       *http.Server
	ln       net.Listener
	served   chan error
	endpoint string
	caFile   string
}

// startEmulator listens on 127.0.0.1 (a free port) and writes the CA
// bundle into dir. The first reset must come before the first request.
func startEmulator(dir string) (*emulator, error) {
	cert, caPEM, err := nifcloudtest.SelfSignedCertificate("nifcloud-bench", time.Now())
	if err != nil {
		return nil, fmt.Errorf("emulator certificate: %w", err)
	}
	caFile := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(caFile, caPEM, 0o600); err != nil {
		return nil, fmt.Errorf("write CA bundle: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("emulator listen: %w", err)
	}
	e := &emulator{
		ln:       ln,
		served:   make(chan error, 1),
		endpoint: "https://" + ln.Addr().String() + nifcloudtest.APIPath,
		caFile:   caFile,
	}
	e.hs = &http.Server{
		Handler:           e,
		ReadHeaderTimeout: 10 * time.Second,
		// A module that exits closes its connection mid-handshake at
		// times; that is not worth a log line.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	tlsLn := tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
	go func() { e.served <- e.hs.Serve(tlsLn) }()
	return e, nil
}

// ServeHTTP hands the request to the current server.
func (e *emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s := e.current.Load()
	if s == nil {
		http.Error(w, "nifcloud-bench: no emulator state yet", http.StatusServiceUnavailable)
		return
	}
	s.ServeHTTP(w, r)
}

// reset replaces the server with a new one seeded from opts and returns it.
func (e *emulator) reset(opts nifcloudtest.Options) (*nifcloudtest.Server, error) {
	s, err := nifcloudtest.New(opts)
	if err != nil {
		return nil, fmt.Errorf("reset emulator: %w", err)
	}
	e.current.Store(s)
	return s, nil
}

// close stops serving.
func (e *emulator) close() error {
	err := e.hs.Close()
	if serveErr := <-e.served; !errors.Is(serveErr, http.ErrServerClosed) {
		err = errors.Join(err, serveErr)
	}
	return err
}
