package nifcloud

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"hash"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Signature methods accepted by the NIFCLOUD Computing API for Signature
// Version 2.
const (
	SignatureMethodHmacSHA256 = "HmacSHA256"
	SignatureMethodHmacSHA1   = "HmacSHA1"
)

// timestampLayout is the Timestamp format the signer sends: UTC, whole
// seconds.
const timestampLayout = "2006-01-02T15:04:05Z"

// sign adds the common authentication parameters (AccessKeyId,
// SignatureVersion, SignatureMethod, Timestamp) to v, overwriting any existing
// values, drops any old Signature, and adds the Signature computed over
// httpMethod, host, path and the parameters. It returns the signature so the
// caller can keep it out of error texts. Every parameter must have exactly
// one value. sign is a pure function: the time is passed in.
func sign(v url.Values, creds aws.Credentials, sigMethod, httpMethod, host, path string, now time.Time) (string, error) {
	if !creds.HasKeys() {
		return "", fmt.Errorf("sign request: %w", errMissingCredentials)
	}
	if sigMethod == "" {
		sigMethod = SignatureMethodHmacSHA256
	}
	if _, err := newMAC(sigMethod, nil); err != nil {
		return "", fmt.Errorf("sign request: %w", err)
	}
	for k, vals := range v {
		if len(vals) != 1 {
			return "", fmt.Errorf("sign request: parameter %q has %d values, want exactly 1", k, len(vals))
		}
	}
	v.Del("Signature")
	v.Set("AccessKeyId", creds.AccessKeyID)
	v.Set("SignatureVersion", "2")
	v.Set("SignatureMethod", sigMethod)
	v.Set("Timestamp", now.UTC().Format(timestampLayout))

	sig, err := computeSignature(sigMethod, creds.SecretAccessKey, stringToSign(httpMethod, host, path, v))
	if err != nil {
		return "", fmt.Errorf("sign request: %w", err)
	}
	v.Set("Signature", sig)
	return sig, nil
}

// stringToSign returns the four lines that Signature Version 2 signs: the
// HTTP method, the host (with its port when the endpoint has one), the path
// (defaulting to "/") and the canonical query, joined by newlines.
func stringToSign(httpMethod, host, path string, v url.Values) string {
	if path == "" {
		path = "/"
	}
	return httpMethod + "\n" + host + "\n" + path + "\n" + canonicalQuery(v)
}

// canonicalQuery encodes v for signing: parameter names sorted byte-wise,
// names and values percent-encoded as RFC 3986 requires (see escape), pairs
// joined with "&". The Signature parameter is never part of it. A name with
// several values contributes one pair per value, in order.
func canonicalQuery(v url.Values) string {
	keys := make([]string, 0, len(v))
	size := 0
	for k, vals := range v {
		if k == "Signature" {
			continue
		}
		keys = append(keys, k)
		for _, val := range vals {
			size += len(k) + len(val) + 2
		}
	}
	sort.Strings(keys)

	var b strings.Builder
	b.Grow(size + size/2)
	for _, k := range keys {
		ek := escape(k)
		for _, val := range v[k] {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(ek)
			b.WriteByte('=')
			b.WriteString(escape(val))
		}
	}
	return b.String()
}

// escape percent-encodes s byte by byte: only the RFC 3986 unreserved
// characters A-Z a-z 0-9 - _ . ~ are left alone; every other byte (space
// included) becomes %XX with upper-case hex.
func escape(s string) string {
	n := 0
	for i := 0; i < len(s); i++ {
		if !unreserved(s[i]) {
			n++
		}
	}
	if n == 0 {
		return s
	}
	const hexDigits = "0123456789ABCDEF"
	b := make([]byte, 0, len(s)+2*n)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) {
			b = append(b, c)
			continue
		}
		b = append(b, '%', hexDigits[c>>4], hexDigits[c&0x0F])
	}
	return string(b)
}

// unreserved reports whether c is an RFC 3986 unreserved character.
func unreserved(c byte) bool {
	switch {
	case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		return true
	case c == '-', c == '_', c == '.', c == '~':
		return true
	}
	return false
}

// computeSignature returns the base64 (standard alphabet, padded) HMAC of
// msg keyed with secret, using the algorithm named by sigMethod.
func computeSignature(sigMethod, secret, msg string) (string, error) {
	mac, err := newMAC(sigMethod, []byte(secret))
	if err != nil {
		return "", err
	}
	mac.Write([]byte(msg))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil)), nil
}

// newMAC returns the HMAC for a signature method name.
func newMAC(sigMethod string, key []byte) (hash.Hash, error) {
	switch sigMethod {
	case SignatureMethodHmacSHA256:
		return hmac.New(sha256.New, key), nil
	case SignatureMethodHmacSHA1:
		return hmac.New(sha1.New, key), nil
	default:
		return nil, fmt.Errorf("unsupported signature method %q (want %s or %s)",
			sigMethod, SignatureMethodHmacSHA256, SignatureMethodHmacSHA1)
	}
}
