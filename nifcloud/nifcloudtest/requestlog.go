package nifcloudtest

import (
	"net/url"
	"time"
)

// Request is one logged API call (every request to /api/ and to unknown
// paths, signed or not; the /_emulator/ endpoints are not logged).
type Request struct {
	// Time is the emulator's clock when the request arrived.
	Time time.Time `json:"time"`
	// Method is the HTTP method.
	Method string `json:"method"`
	// Path is the request path.
	Path string `json:"path"`
	// Action is the Action parameter, possibly empty or unknown.
	Action string `json:"action,omitempty"`
	// AccessKeyID is the AccessKeyId parameter, possibly empty or unknown.
	AccessKeyID string `json:"access_key_id,omitempty"`
	// Params are the decoded parameters without Signature (nil when the
	// request could not be parsed).
	Params url.Values `json:"params,omitempty"`
	// Status is the HTTP status sent; 0 when no reply was sent (dropped
	// connection, or the client went away during a delay).
	Status int `json:"status"`
	// Code is the error code sent, empty on success.
	Code string `json:"code,omitempty"`
	// RequestID is the reply's request id.
	RequestID string `json:"request_id"`
	// Fault describes the injected fault that affected the call, if any,
	// e.g. "error", "drop", "body", "delay", "delay+error",
	// "error after apply".
	Fault string `json:"fault,omitempty"`
}

// Requests returns a copy of the request log, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.log))
	for i, r := range s.log {
		out[i] = r.clone()
	}
	return out
}

// ResetRequests empties the request log.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = nil
}

// CountActions counts the logged requests per Action, whatever their
// outcome (requests without an Action count under "").
func (s *Server) CountActions() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	counts := map[string]int{}
	for _, r := range s.log {
		counts[r.Action]++
	}
	return counts
}

func (r Request) clone() Request {
	if r.Params != nil {
		params := make(url.Values, len(r.Params))
		for k, v := range r.Params {
			params[k] = append([]string(nil), v...)
		}
		r.Params = params
	}
	return r
}
