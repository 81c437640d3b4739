package nifcloud

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// ErrInvalidInput is wrapped by the errors an operation returns, before any
// request is sent, for an input it cannot send (a missing name, a port out of
// range, an empty instance list...).
var ErrInvalidInput = errors.New("invalid input")

// errMissingCredentials reports credentials without an access key or secret.
var errMissingCredentials = errors.New("credentials need an access key id and a secret access key")

// APIError is a failure reported by the API: a reply carrying the
// <Response><Errors><Error> envelope (whatever its HTTP status, 200
// included), or a non-2xx reply without a readable envelope, in which case
// Code is empty and Message describes the body. Its fields quote what the
// server sent, which may echo the request: callers scrub the secret access
// key and every signature (see Client.OnSecret) where text leaves the
// process. Long fields are cut only between words, so an echoed secret is
// whole or absent, never a fragment.
type APIError struct {
	// Action is the API action that failed, e.g. "DescribeLoadBalancers".
	Action string
	// StatusCode is the HTTP status of the reply.
	StatusCode int
	// Code is the NIFCLOUD error code, e.g.
	// "Client.InvalidParameterNotFound.LoadBalancer"; empty when the
	// reply had no error envelope.
	Code string
	// Message is the error message of the envelope, or a description with
	// a short sanitised excerpt of the body when there was no envelope.
	Message string
	// RequestID is the RequestID of the envelope, when there was one.
	RequestID string
}

// Error returns "Action: Code: Message (HTTP status, request ID id)".
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString(e.Action)
	b.WriteString(": ")
	if e.Code != "" {
		b.WriteString(e.Code)
		b.WriteString(": ")
	}
	b.WriteString(e.Message)
	fmt.Fprintf(&b, " (HTTP %d", e.StatusCode)
	if e.RequestID != "" {
		b.WriteString(", request ID ")
		b.WriteString(e.RequestID)
	}
	b.WriteString(")")
	return b.String()
}

// ErrorCode returns the NIFCLOUD error code. It lets aws/retry read the code.
func (e *APIError) ErrorCode() string { return e.Code }

// HTTPStatusCode returns the HTTP status of the reply. It lets aws/retry read
// the status.
func (e *APIError) HTTPStatusCode() int { return e.StatusCode }

// retryable classifies an API error for NIFCLOUD: Client.* codes never,
// Server.* codes always, whatever the HTTP status; a reply without an
// envelope when its status is 500, 429, 502, 503, 504 or 509; any other code
// by the same statuses except 500 (the API reports client errors with 500).
func (e *APIError) retryable() bool {
	switch {
	case strings.HasPrefix(e.Code, "Client."):
		return false
	case strings.HasPrefix(e.Code, "Server."):
		return true
	case e.Code == "" && e.StatusCode == 500:
		return true
	}
	switch e.StatusCode {
	case 429, 502, 503, 504, 509:
		return true
	}
	return false
}

// ErrorCode returns the NIFCLOUD error code of the *APIError in err's chain,
// or "" when there is none.
func ErrorCode(err error) string {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.Code
	}
	return ""
}

// ambiguousError marks the failure of a mutating call whose request may have
// been processed by the API.
type ambiguousError struct {
	err error
}

func (e *ambiguousError) Error() string {
	return "outcome unknown, the request may have been applied: " + e.err.Error()
}

func (e *ambiguousError) Unwrap() error { return e.err }

// IsAmbiguous reports whether err comes from a mutating call
// (RegisterInstancesWithLoadBalancer, DeregisterInstancesFromLoadBalancer)
// that failed after its request may have reached the API: a timeout, a
// dropped connection, a 5xx or Server.* reply, an unreadable 2xx reply, or the
// caller's context ending while the request was in flight. The client does not
// retry such a call; read the state again to learn whether it was applied.
func IsAmbiguous(err error) bool {
	var a *ambiguousError
	return errors.As(err, &a)
}

// xmlErrorResponse is the error envelope. It has no namespace and spells
// RequestID with a capital ID.
type xmlErrorResponse struct {
	XMLName   xml.Name         `xml:"Response"`
	Errors    []xmlErrorDetail `xml:"Errors>Error"`
	RequestID string           `xml:"RequestID"`
}

type xmlErrorDetail struct {
	Code    string `xml:"Code"`
	Message string `xml:"Message"`
}

// excerptLimit is the most bytes of a body quoted in an error.
const excerptLimit = 200

// checkResponse turns a reply into an *APIError when it carries the error
// envelope (any status) or has a non-2xx status; it returns nil for a 2xx
// reply without the envelope.
func checkResponse(action string, status int, body []byte) *APIError {
	if env, ok := parseErrorEnvelope(body); ok {
		d := env.Errors[0]
		return &APIError{
			Action:     action,
			StatusCode: status,
			Code:       truncate(strings.TrimSpace(d.Code), 256, isDot),
			Message:    truncate(strings.TrimSpace(d.Message), 1024, unicode.IsSpace),
			RequestID:  truncate(strings.TrimSpace(env.RequestID), 256, isIDSeparator),
		}
	}
	if status >= 200 && status <= 299 {
		return nil
	}
	return &APIError{Action: action, StatusCode: status, Message: describeBody(body)}
}

// parseErrorEnvelope decodes body as the error envelope. It reports false
// when the root element is not Response or no Error has a Code.
func parseErrorEnvelope(body []byte) (xmlErrorResponse, bool) {
	var env xmlErrorResponse
	if rootName(body) != "Response" {
		return env, false
	}
	if err := xml.Unmarshal(body, &env); err != nil {
		return env, false
	}
	for i, e := range env.Errors {
		if strings.TrimSpace(e.Code) != "" {
			env.Errors = env.Errors[i:]
			return env, true
		}
	}
	return env, false
}

// rootName returns the local name of the first element of body, or "".
func rootName(body []byte) string {
	d := xml.NewDecoder(bytes.NewReader(body))
	for {
		tok, err := d.RawToken()
		if err != nil {
			return ""
		}
		if se, ok := tok.(xml.StartElement); ok {
			return se.Name.Local
		}
	}
}

// truncate cuts s to at most limit bytes, marking the cut with "...". It
// cuts only where sep is true (between words for sep unicode.IsSpace): a
// word the limit would split is dropped whole, so that a secret echoed in s
// is either whole (and scrubbed on output) or absent, never a fragment that
// no scrubber recognises.
func truncate(s string, limit int, sep func(rune) bool) string {
	if len(s) <= limit {
		return s
	}
	return dropPartialWord(s[:limit], s[limit:], sep) + "..."
}

// dropPartialWord returns kept without its last word when that word goes on
// in rest (the text that was cut off); words are separated where sep is
// true.
func dropPartialWord(kept, rest string, sep func(rune) bool) string {
	r, _ := utf8.DecodeRuneInString(rest)
	if rest == "" || sep(r) {
		return kept
	}
	last, size := utf8.DecodeLastRuneInString(kept)
	if last == utf8.RuneError && size <= 1 && kept != "" {
		kept = kept[:len(kept)-1] // the limit split a character
	}
	i := strings.LastIndexFunc(kept, sep)
	if i < 0 {
		return ""
	}
	return kept[:i]
}

// isDot separates the parts of an error code ("Server.InternalError").
func isDot(r rune) bool { return r == '.' || unicode.IsSpace(r) }

// isIDSeparator separates the parts of a request id (a UUID).
func isIDSeparator(r rune) bool { return r == '-' || isDot(r) }

// describeBody describes a body that is not the expected XML.
func describeBody(body []byte) string {
	if len(bytes.TrimSpace(body)) == 0 {
		return "empty response body"
	}
	return "unexpected response body: " + excerpt(body)
}

// excerpt returns a quoted, sanitised prefix of body: at most excerptLimit
// bytes, cut between words (see truncate), with invalid UTF-8 and control
// characters dropped and white space runs collapsed to one space.
func excerpt(body []byte) string {
	rest := ""
	if len(body) > excerptLimit {
		body, rest = body[:excerptLimit], string(body[excerptLimit:])
	}
	var b strings.Builder
	space := false
	for len(body) > 0 {
		r, size := utf8.DecodeRune(body)
		if r == utf8.RuneError && size <= 1 {
			if !utf8.FullRune(body) {
				rest = string(body) + rest
				break
			}
			body = body[size:]
			continue
		}
		body = body[size:]
		switch {
		case unicode.IsSpace(r):
			space = b.Len() > 0
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
		default:
			if space {
				b.WriteByte(' ')
				space = false
			}
			b.WriteRune(r)
		}
	}
	if rest == "" {
		return fmt.Sprintf("%q", b.String())
	}
	if space {
		rest = " " + rest
	}
	return fmt.Sprintf("%q...", dropPartialWord(b.String(), rest, unicode.IsSpace))
}

// CallError is the failure of an API call that made several attempts: it
// says which action, how many attempts over how long, and wraps the error of
// the last attempt (an *APIError, a network error, ...).
type CallError struct {
	// Action is the API action, e.g. "DescribeLoadBalancers".
	Action string
	// Attempts is how many HTTP attempts the call made.
	Attempts int
	// Elapsed is the time from the first attempt to the end of the call.
	Elapsed time.Duration
	// Err is the error of the last attempt.
	Err error
}

// Error returns "ACTION failed after N attempts over T: ERR".
func (e *CallError) Error() string {
	return fmt.Sprintf("%s failed after %d attempts over %s: %v", e.Action, e.Attempts, e.Elapsed.Round(time.Millisecond), e.Err)
}

// Unwrap returns the error of the last attempt.
func (e *CallError) Unwrap() error { return e.Err }

// IsNoReply reports a call that never got an HTTP reply: the connection
// could not be made (DNS, refused, unreachable), broke, or timed out. A TLS
// verification failure is not one (see IsTLSFailure).
func IsNoReply(err error) bool {
	var (
		apiErr *APIError
		decErr *decodeError
		urlErr *url.Error
	)
	switch {
	case err == nil, IsTLSFailure(err), errors.As(err, &apiErr), errors.As(err, &decErr):
		return false
	}
	return errors.As(err, &urlErr)
}

// authWords are parts of error codes that name a refused authentication.
// The live API's codes for these are not documented (reference §9), so the
// test is broad.
var authWords = []string{"auth", "signature", "accesskey", "credential", "timestamp", "expired"}

// IsAuthFailure reports an API refusal of the credentials or of the
// signature: HTTP 401 or 403, or an error code naming authentication, a
// signature, an access key, credentials or the timestamp.
func IsAuthFailure(err error) bool {
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	if apiErr.StatusCode == 401 || apiErr.StatusCode == 403 {
		return true
	}
	code := strings.ToLower(apiErr.Code)
	for _, w := range authWords {
		if strings.Contains(code, w) {
			return true
		}
	}
	return false
}
