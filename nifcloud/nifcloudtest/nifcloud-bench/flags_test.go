package main

import (
	"bytes"
	"flag"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseFlags(t *testing.T) {
	t.Parallel()
	var stderr bytes.Buffer
	c, err := parseFlags(nil, &stderr)
	require.NoError(t, err)
	assert.Equal(t, "library/nifcloud_lb", c.module)
	assert.Equal(t, "dist", c.dist)
	assert.Equal(t, "BENCHMARKS.md", c.out)
	assert.Equal(t, "./nifcloud/", c.goBenchPkg)
	assert.Equal(t, settings{Reps: 40, RemoteReps: 10, MemberReps: 10, LBReps: 3, Latency: 100 * time.Millisecond,
		Members: []int{1000, 10000}, LBs: 200, LBRemote: true, Concurrent: 50, ConcurrentRounds: 3, ConcurrentOriginal: 100}, c.settings)

	c, err = parseFlags([]string{"-members", " 5, ,7 ", "-latency", "0s", "-dist", ""}, &stderr)
	require.NoError(t, err)
	assert.Equal(t, []int{5, 7}, c.Members)
	assert.Empty(t, c.dist)

	_, err = parseFlags([]string{"-h"}, &stderr)
	assert.ErrorIs(t, err, flag.ErrHelp)
	assert.Contains(t, stderr.String(), "Usage: nifcloud-bench [flags]")

	for _, bad := range [][]string{
		{"extra"}, {"-members", "x"}, {"-members", "0"}, {"-reps", "0"}, {"-lb-reps", "0"}, {"-latency", "-1s"},
		{"-lbs", "236"}, {"-lbs", "0"}, {"-concurrent", "0"}, {"-concurrent-rounds", "-1"}, {"-module", ""}, {"-out", ""}, {"-nope"},
	} {
		_, err := parseFlags(bad, &stderr)
		assert.Error(t, err, "%q", bad)
	}
}
