package nifcloud

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// addReplySeeds seeds a fuzz target with every reply under testdata, each
// with a success and an error status.
func addReplySeeds(f *testing.F) {
	f.Helper()
	for _, dir := range []string{"responses", "errors", "decode"} {
		paths, err := filepath.Glob(filepath.Join("testdata", dir, "*"))
		require.NoError(f, err)
		require.NotEmpty(f, paths)
		for _, p := range paths {
			body, err := os.ReadFile(p)
			require.NoError(f, err)
			f.Add(200, body)
			f.Add(500, body)
		}
	}
	f.Add(503, []byte(nil))
	f.Add(429, []byte("<html>\x00\x1b[31m\xff</html>"))
}

// checkReply checks the invariants of interpret for any reply: a 2xx
// without an envelope either decodes or gives a decode error; anything else
// gives an *APIError with the status and a bounded, printable description.
func checkReply(t *testing.T, status int, decoded bool, err error) {
	t.Helper()
	if err == nil {
		require.True(t, decoded)
		require.True(t, status >= 200 && status <= 299, "success with status %d", status)
		return
	}
	require.False(t, decoded)
	require.NotEmpty(t, err.Error())
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		require.Equal(t, status, apiErr.StatusCode)
		if apiErr.Code == "" {
			require.False(t, status >= 200 && status <= 299, "an envelope-less 2xx is not an API error")
			require.True(t, strings.HasPrefix(apiErr.Message, "empty response body") ||
				strings.HasPrefix(apiErr.Message, "unexpected response body: "), apiErr.Message)
			require.LessOrEqual(t, len(apiErr.Message), 1024)
			require.True(t, utf8.ValidString(apiErr.Message))
			for _, r := range apiErr.Message {
				require.False(t, r < 0x20 || r == 0x7f, "control character in %q", apiErr.Message)
			}
		}
		_ = IsRetryable(err)
		return
	}
	var decodeErr *decodeError
	require.ErrorAs(t, err, &decodeErr)
	require.True(t, status >= 200 && status <= 299)
	require.False(t, IsRetryable(err))
}

func FuzzDecodeDescribeLoadBalancers(f *testing.F) {
	addReplySeeds(f)
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		out, err := decodeDescribe(status, body)
		checkReply(t, status, out != nil, err)
		if out != nil {
			for _, d := range out.LoadBalancerDescriptions {
				d.Ports()
				assert.Len(t, d.InstanceIDs(), len(d.Instances))
			}
		}
	})
}

func FuzzDecodeRegisterInstances(f *testing.F) {
	addReplySeeds(f)
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		_, err := decodeRegister(status, body)
		checkReply(t, status, err == nil, err)
	})
}

func FuzzDecodeDeregisterInstances(f *testing.F) {
	addReplySeeds(f)
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		_, err := decodeDeregister(status, body)
		checkReply(t, status, err == nil, err)
	})
}

func FuzzDecodeDescribeInstanceHealth(f *testing.F) {
	addReplySeeds(f)
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		_, err := decodeHealth(status, body)
		checkReply(t, status, err == nil, err)
	})
}

func FuzzErrorEnvelope(f *testing.F) {
	addReplySeeds(f)
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		apiErr := checkResponse("DescribeLoadBalancers", status, body)
		if apiErr == nil {
			require.True(t, status >= 200 && status <= 299, "status %d without an error", status)
			return
		}
		require.Equal(t, status, apiErr.StatusCode)
		if env, ok := parseErrorEnvelope(body); ok {
			require.NotEmpty(t, apiErr.Code)
			require.Equal(t, strings.TrimSpace(env.Errors[0].Code), apiErr.Code)
		} else {
			require.Empty(t, apiErr.Code)
		}
		require.NotEmpty(t, apiErr.Error())
		_ = IsRetryable(apiErr)
	})
}
