package nifcloudtest

import (
	"crypto/x509"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSelfSignedCertificate(t *testing.T) {
	t.Parallel()
	now := time.Now()
	cert, pem, err := SelfSignedCertificate("test-emulator", now)
	require.NoError(t, err)
	pool := x509.NewCertPool()
	require.True(t, pool.AppendCertsFromPEM(pem))
	leaf, err := x509.ParseCertificate(cert.Certificate[0])
	require.NoError(t, err)
	assert.Equal(t, "test-emulator", leaf.Subject.CommonName)
	for _, host := range []string{"127.0.0.1", "::1", "localhost"} {
		_, err := leaf.Verify(x509.VerifyOptions{Roots: pool, DNSName: host, CurrentTime: now})
		assert.NoError(t, err, host)
	}
	_, err = leaf.Verify(x509.VerifyOptions{Roots: pool, DNSName: "example.com", CurrentTime: now})
	assert.Error(t, err, "only loopback names")
	_, err = leaf.Verify(x509.VerifyOptions{Roots: pool, DNSName: "localhost", CurrentTime: now.Add(31 * 24 * time.Hour)})
	assert.Error(t, err, "expired after 30 days")
}
