// Command nifcloud-emulator serves the nifcloudtest NIFCLOUD emulator on
// loopback, so that the module (or any SigV2 client) can be tried without a
// NIFCLOUD account:
//
//	go run ./nifcloud/nifcloudtest/nifcloud-emulator
//
// By default it listens on 127.0.0.1:18080 and serves a demo state: load
// balancer "demolb" with port definitions 80->8080 (HTTP) and 443->8443
// (HTTPS), Multi Load Balancer "demoelb" (id elb-0d3e0e1b) with listeners
// TCP 80->8080 and HTTPS 443->8443, web001 and web002 registered
// everywhere, and known servers web001-web004. Its demo credentials are
// fixed:
//
//	access key         DEMOACCESSKEY00000001
//	secret access key  demoSecretAccessKey0000000000000000000001
//
// A newly registered server shows no health result for 1s, then
// OutOfService, then InService after 3s (-appear, -in-service). After each
// change a Multi Load Balancer is "configuring" for 2s and refuses further
// changes with Server.ResourceIncorrectState.ElasticLoadBalancer.Processing
// (-elastic-busy, -elastic-busy-state, -elastic-busy-code; the live API's
// transitional state and refusal are unknown, these are the emulator's
// choices).
//
// Flags:
//
//	-addr host:port     listen address (default 127.0.0.1:18080; port 0 picks one)
//	-seed file.json     state and credentials from a seed file instead of the
//	                    demo (format: nifcloud/nifcloudtest/testdata/seed.json)
//	-tls                serve HTTPS with a fresh self-signed certificate for
//	                    127.0.0.1, ::1 and localhost
//	-ca-out path        where -tls writes the certificate (PEM) for clients to
//	                    trust (default: a new temporary file)
//	-latency d          delay added to every API call (e.g. 50ms)
//	-error-status n     HTTP status of Client.* errors (default 500)
//	-appear d           health result delay of new registrations (default 1s)
//	-in-service d       InService delay of new registrations (default 3s)
//	-elastic-busy d     how long a Multi Load Balancer is not available after
//	                    a register or deregister (default 2s; 0: never)
//	-elastic-busy-state s
//	                    its State meanwhile (default configuring)
//	-elastic-busy-code c
//	                    the code refusing changes meanwhile (default
//	                    Server.ResourceIncorrectState.ElasticLoadBalancer.Processing)
//	-visibility-delay d how long a load balancer made by CreateLoadBalancer, or
//	                    a port definition added by RegisterPortWithLoadBalancer,
//	                    is hidden from other calls (default 0)
//	-json               print one JSON line {"endpoint", "access_key",
//	                    "secret_access_key", "ca_bundle"} instead of the banner
//	-ready-file path    write that JSON line to path once listening
//	                    (removed on exit)
//	-quiet              do not log API calls to stderr
//
// It also serves the inspection API on /_emulator/ (state, requests, faults,
// reset-requests; see nifcloudtest.Server.ServeHTTP). It exits with status 0
// on SIGINT or SIGTERM after closing the listener and finishing in-flight
// requests.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
