package nifcloudtest

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"hash"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// Signature methods of Signature Version 2.
const (
	SignatureMethodHmacSHA256 = "HmacSHA256"
	SignatureMethodHmacSHA1   = "HmacSHA1"
)

// timestampLayout is the Timestamp format the official Go SDK sends.
const timestampLayout = "2006-01-02T15:04:05Z"

// StringToSign returns the Signature Version 2 string to sign for params
// sent with method to host and path: the method, the host, the path and the
// canonical query, joined by newlines. The canonical query holds every
// parameter except Signature, sorted by name in byte order, each name and
// value percent-encoded as RFC 3986 unreserved-only (space as %20, upper-case
// hex); for a repeated name only the first value counts.
func StringToSign(params url.Values, method, host, path string) string {
	names := make([]string, 0, len(params))
	for name := range params {
		if name != "Signature" {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString(method + "\n" + host + "\n" + path + "\n")
	for i, name := range names {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(percentEncode(name))
		b.WriteByte('=')
		b.WriteString(percentEncode(params.Get(name)))
	}
	return b.String()
}

// Sign returns the base64 Signature Version 2 signature of params for a
// request sent with method to host (as in the Host header, port included)
// and path, keyed with secret. The HMAC hash follows params'
// SignatureMethod: SHA-1 for HmacSHA1, SHA-256 otherwise.
func Sign(params url.Values, method, host, path, secret string) string {
	newHash := sha256.New
	if params.Get("SignatureMethod") == SignatureMethodHmacSHA1 {
		newHash = sha1.New
	}
	return computeSignature(newHash, StringToSign(params, method, host, path), secret)
}

func computeSignature(newHash func() hash.Hash, stringToSign, secret string) string {
	mac := hmac.New(newHash, []byte(secret))
	mac.Write([]byte(stringToSign))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// NewSignedRequest returns a request that calls the API at endpoint (e.g.
// "http://127.0.0.1:18080/api/") with params, signed with cred at now the way
// the official Go SDK signs: it sets AccessKeyId, SignatureMethod=HmacSHA256
// unless params already name HmacSHA1, SignatureVersion=2, Timestamp and
// Signature on a copy of params. A POST carries the form in its body with
// Content-Type application/x-www-form-urlencoded; a GET carries it in the
// query. It is meant for tests, examples and scripts.
func NewSignedRequest(method, endpoint string, params url.Values, cred Credential, now time.Time) (*http.Request, error) {
	u, err := url.Parse(endpoint)
	if err != nil {
		return nil, fmt.Errorf("parse endpoint: %w", err)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("endpoint %q has no host", endpoint)
	}
	signed := url.Values{}
	for name, values := range params {
		signed[name] = append([]string(nil), values...)
	}
	signed.Set("AccessKeyId", cred.AccessKeyID)
	if signed.Get("SignatureMethod") != SignatureMethodHmacSHA1 {
		signed.Set("SignatureMethod", SignatureMethodHmacSHA256)
	}
	signed.Set("SignatureVersion", "2")
	signed.Set("Timestamp", now.UTC().Format(timestampLayout))
	signed.Del("Signature")
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	signed.Set("Signature", Sign(signed, method, u.Host, path, cred.SecretAccessKey))

	var req *http.Request
	switch method {
	case http.MethodPost:
		u.RawQuery = ""
		req, err = http.NewRequest(method, u.String(), strings.NewReader(signed.Encode()))
		if err == nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	case http.MethodGet:
		u.RawQuery = signed.Encode()
		req, err = http.NewRequest(method, u.String(), nil)
	default:
		return nil, fmt.Errorf("method %q: only GET and POST are signed", method)
	}
	if err != nil {
		return nil, fmt.Errorf("new %s request: %w", method, err)
	}
	return req, nil
}

// percentEncode encodes s byte by byte, leaving only A-Z a-z 0-9 - _ . ~
// unencoded and writing every other byte as %XX with upper-case hex.
func percentEncode(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isUnreserved(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&0x0f])
	}
	return b.String()
}

func isUnreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '~'
}
