// Command nifcloud-bench measures the nifcloud_lb module and writes
// BENCHMARKS.md: what one run costs next to the least a program needs for
// one HTTPS API call (the floor), how many API calls each scenario makes,
// what a remote API's latency does to that, how runs scale with large port
// definitions, many load balancers and concurrent processes, the Go
// benchmarks of package nifcloud, and the size of the binaries; then it
// judges the results against the project's targets.
//
// make bench runs it from the repository root:
//
//	go run ./nifcloud/nifcloudtest/nifcloud-bench -module library/nifcloud_lb -dist dist -out BENCHMARKS.md
//
// It exits 1 when a check fails (a run that fails, reports the wrong
// "changed", makes another number of API calls than expected or leaves
// another state), after writing the report; a missed target is reported,
// not an error. See -h for the other flags.
package main

import (
	"context"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
