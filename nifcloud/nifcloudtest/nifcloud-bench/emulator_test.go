package main

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nifcloud_lb/nifcloud/nifcloudtest"
)

func TestEmulator(t *testing.T) {
	t.Parallel()
	emu, err := startEmulator(t.TempDir())
	require.NoError(t, err)

	pem, err := os.ReadFile(emu.caFile)
	require.NoError(t, err)
	pool := x509.NewCertPool()
	require.True(t, pool.AppendCertsFromPEM(pem))
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	describe := func() *http.Response {
		req, err := nifcloudtest.NewSignedRequest(http.MethodPost, emu.endpoint,
			url.Values{"Action": {"DescribeLoadBalancers"}, "Version": {"3.0"}}, testCred, time.Now())
		require.NoError(t, err)
		resp, err := client.Do(req)
		require.NoError(t, err, "the CA file verifies the emulator's certificate")
		_, _ = io.Copy(io.Discard, resp.Body)
		require.NoError(t, resp.Body.Close())
		return resp
	}

	assert.Equal(t, http.StatusServiceUnavailable, describe().StatusCode, "no state before the first reset")

	first, err := emu.reset(basicState(testCred))
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, describe().StatusCode)
	assert.Len(t, first.Requests(), 1)

	second, err := emu.reset(basicState(testCred))
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, describe().StatusCode)
	assert.Len(t, second.Requests(), 1, "a reset starts a new request log")
	assert.Len(t, first.Requests(), 1)

	_, err = emu.reset(nifcloudtest.Options{})
	assert.ErrorContains(t, err, "reset emulator: nifcloudtest: seed: at least one credential is required")

	require.NoError(t, emu.close())
}
