package main

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRun(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run([]string{"/bin/sh", "-c", `echo "$LANG $NIFCLOUD_ACCESS_KEY_ID"; echo oops >&2; exit 3`}, &out, &errOut)
	require.Equal(t, 0, code, errOut.String())
	var s sample
	require.NoError(t, json.Unmarshal(out.Bytes(), &s))
	assert.Equal(t, 3, s.Exit)
	assert.Equal(t, "C \n", s.Stdout, "fixed environment")
	assert.Equal(t, "oops\n", s.Stderr)
	assert.Positive(t, s.Wall)
	assert.Positive(t, s.MaxRSS)
	assert.Less(t, s.MaxRSS, int64(1<<30), "bytes, not KiB counted twice")
}

func TestRunFailures(t *testing.T) {
	for _, args := range [][]string{nil, {"/nonexistent/program"}} {
		var out, errOut bytes.Buffer
		assert.Equal(t, 2, run(args, &out, &errOut), "%q", args)
		assert.Empty(t, out.String())
		assert.NotEmpty(t, errOut.String())
	}
}
