package nifcloud

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"strings"
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
// Code is empty and Message describes the body. Its text never contains the
// secret access key or the request signature.
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
// reply without the envelope. body must already be redacted.
func checkResponse(action string, status int, body []byte) *APIError {
	if env, ok := parseErrorEnvelope(body); ok {
		d := env.Errors[0]
		return &APIError{
			Action:     action,
			StatusCode: status,
			Code:       truncate(strings.TrimSpace(d.Code), 256),
			Message:    truncate(strings.TrimSpace(d.Message), 1024),
			RequestID:  truncate(strings.TrimSpace(env.RequestID), 256),
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

// truncate cuts s to at most limit bytes on a character boundary, marking
// the cut with "...".
func truncate(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}

// describeBody describes a body that is not the expected XML.
func describeBody(body []byte) string {
	if len(bytes.TrimSpace(body)) == 0 {
		return "empty response body"
	}
	return "unexpected response body: " + excerpt(body)
}

// excerpt returns a quoted, sanitised prefix of body: at most excerptLimit
// bytes, cut on a character boundary, with invalid UTF-8 and control
// characters dropped and white space runs collapsed to one space.
func excerpt(body []byte) string {
	truncated := len(body) > excerptLimit
	if truncated {
		body = body[:excerptLimit]
	}
	var b strings.Builder
	space := false
	for len(body) > 0 {
		r, size := utf8.DecodeRune(body)
		if r == utf8.RuneError && size <= 1 {
			if !utf8.FullRune(body) {
				truncated = true
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
	s := fmt.Sprintf("%q", b.String())
	if truncated {
		s += "..."
	}
	return s
}

// redact replaces every occurrence of the given secrets in body with
// "[REDACTED]". It returns body itself when no secret occurs.
func redact(body []byte, secrets ...string) []byte {
	for _, s := range secrets {
		if s != "" && bytes.Contains(body, []byte(s)) {
			body = bytes.ReplaceAll(body, []byte(s), []byte("[REDACTED]"))
		}
	}
	return body
}
