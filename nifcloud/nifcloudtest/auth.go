package nifcloudtest

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"hash"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// authParams are the parameters every signed request must carry.
var authParams = []string{"AccessKeyId", "Signature", "SignatureMethod", "SignatureVersion", "Timestamp"}

// authenticate checks the Signature Version 2 authentication of a request
// whose parameters are params. It returns nil when the request is signed by
// a known access key within the allowed clock skew. Messages never contain
// the secret or the signature.
func (s *Server) authenticate(r *http.Request, params url.Values) *apiError {
	for _, name := range authParams {
		if params.Get(name) == "" {
			return authError("The parameter '%s' is required for authentication.", name)
		}
	}
	if v := params.Get("SignatureVersion"); v != "2" {
		return authError("The SignatureVersion '%s' is not supported; use 2.", clip(v))
	}
	var newHash func() hash.Hash
	switch m := params.Get("SignatureMethod"); m {
	case SignatureMethodHmacSHA256:
		newHash = sha256.New
	case SignatureMethodHmacSHA1:
		newHash = sha1.New
	default:
		return authError("The SignatureMethod '%s' is not supported; use HmacSHA256 or HmacSHA1.", clip(m))
	}
	keyID := params.Get("AccessKeyId")
	secret, ok := s.secrets[keyID]
	if !ok {
		return authError("The AccessKeyId '%s' is not registered.", clip(keyID))
	}
	ts := params.Get("Timestamp")
	at, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		return authError("The Timestamp '%s' is not a valid ISO 8601 time such as 2006-01-02T15:04:05Z.", clip(ts))
	}
	if skew := s.now().Sub(at); skew > s.opts.maxSkew() || -skew > s.opts.maxSkew() {
		return authError("The Timestamp '%s' is more than %s away from the server time.", clip(ts), s.opts.maxSkew())
	}
	want := computeSignature(newHash, StringToSign(params, r.Method, r.Host, signingPath(r)), secret)
	if subtle.ConstantTimeCompare([]byte(want), []byte(params.Get("Signature"))) != 1 {
		return authError("The request signature does not match the signature computed with the AccessKeyId '%s'.", clip(keyID))
	}
	return nil
}

// signingPath is the escaped path the client sent, taken from the request
// line so that a handler mounted under http.StripPrefix still verifies the
// path the client signed.
func signingPath(r *http.Request) string {
	if uri := r.RequestURI; uri != "" && uri != "*" {
		if u, err := url.ParseRequestURI(uri); err == nil {
			return orSlash(u.EscapedPath())
		}
		if i := strings.IndexByte(uri, '?'); i >= 0 {
			uri = uri[:i]
		}
		return orSlash(uri)
	}
	return orSlash(r.URL.EscapedPath())
}

func orSlash(path string) string {
	if path == "" {
		return "/"
	}
	return path
}
