package nifcloudtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"
)

// Forever, as Fault.Times, makes a fault affect every matching call until
// ClearFaults.
const Forever = -1

// Fault makes matching API calls misbehave. Faults are matched, in the
// order they were injected, against authenticated calls of a known action
// (unsigned, refused and unknown-action requests never consume a fault);
// the first pending fault whose Action is empty or equal to the call's
// action is used and its count decremented.
//
// A fault first waits Delay (if set), then produces one outcome:
//   - Drop: the connection is hijacked and closed without a reply (where
//     hijacking is impossible, e.g. HTTP/2, the handler aborts with
//     http.ErrAbortHandler, which resets the stream);
//   - Body: the raw Body is sent with Status (default 200) and ContentType
//     (default "text/xml; charset=UTF-8"), e.g. an HTML 502 page of a proxy
//     or a truncated XML document;
//   - an error: Code and/or Status set; the standard error envelope with
//     Code (default Server.InternalError), Message (default the live API's
//     message for Server.InternalError, otherwise "Injected fault.") and
//     Status (default Options.ErrorStatus);
//   - none of these (a Delay alone): the call is then handled normally.
//
// With AfterApply the call is handled first (its state change, if it
// succeeds, is kept) and the outcome replaces the reply, which is how a lost
// reply looks to a client; AfterApply needs an outcome. If the client goes
// away during Delay the call is abandoned unapplied.
type Fault struct {
	// Action is the action to affect; empty means any action.
	Action string
	// Times is how many matching calls the fault affects: 0 means once,
	// N > 0 means N calls, Forever every call.
	Times int
	// Delay is waited (real time) before the outcome; it ends early when
	// the request's context ends (e.g. a client timeout).
	Delay time.Duration
	// Status is the HTTP status of an error or Body outcome.
	Status int
	// Code and Message make an error outcome.
	Code    string
	Message string
	// Drop closes the connection without a reply.
	Drop bool
	// Body is a raw reply body (malformed-body outcome).
	Body string
	// ContentType is the Content-Type of a Body outcome.
	ContentType string
	// AfterApply handles the call before producing the outcome.
	AfterApply bool
}

// faultJSON is the JSON form of Fault used by the inspection API: the same
// fields in snake_case, with Delay as a Go duration string ("250ms").
type faultJSON struct {
	Action      string `json:"action,omitempty"`
	Times       int    `json:"times,omitempty"`
	Delay       string `json:"delay,omitempty"`
	Status      int    `json:"status,omitempty"`
	Code        string `json:"code,omitempty"`
	Message     string `json:"message,omitempty"`
	Drop        bool   `json:"drop,omitempty"`
	Body        string `json:"body,omitempty"`
	ContentType string `json:"content_type,omitempty"`
	AfterApply  bool   `json:"after_apply,omitempty"`
}

// MarshalJSON encodes f as the inspection API shows it.
func (f Fault) MarshalJSON() ([]byte, error) {
	j := faultJSON{
		Action: f.Action, Times: f.Times, Status: f.Status, Code: f.Code, Message: f.Message,
		Drop: f.Drop, Body: f.Body, ContentType: f.ContentType, AfterApply: f.AfterApply,
	}
	if f.Delay != 0 {
		j.Delay = f.Delay.String()
	}
	return json.Marshal(j)
}

// UnmarshalJSON decodes the inspection API's JSON form of a fault; unknown
// keys are refused.
func (f *Fault) UnmarshalJSON(data []byte) error {
	var j faultJSON
	if err := strictUnmarshal(data, &j); err != nil {
		return fmt.Errorf("decode fault: %w", err)
	}
	var delay time.Duration
	if j.Delay != "" {
		d, err := time.ParseDuration(j.Delay)
		if err != nil {
			return fmt.Errorf("decode fault: delay: %w", err)
		}
		delay = d
	}
	*f = Fault{
		Action: j.Action, Times: j.Times, Delay: delay, Status: j.Status, Code: j.Code, Message: j.Message,
		Drop: j.Drop, Body: j.Body, ContentType: j.ContentType, AfterApply: j.AfterApply,
	}
	return nil
}

// hasError reports whether f's outcome is an error envelope.
func (f Fault) hasError() bool {
	return !f.Drop && f.Body == "" && (f.Code != "" || f.Status != 0)
}

// hasOutcome reports whether f replaces the normal reply.
func (f Fault) hasOutcome() bool {
	return f.Drop || f.Body != "" || f.Code != "" || f.Status != 0
}

// validate checks that f is meaningful.
func (f Fault) validate() error {
	switch {
	case f.Times < Forever:
		return fmt.Errorf("times %d: want 0 (once), a positive count or Forever (-1)", f.Times)
	case f.Delay < 0:
		return fmt.Errorf("delay %s: must not be negative", f.Delay)
	case f.Status != 0 && (f.Status < 100 || f.Status > 599):
		return fmt.Errorf("status %d: want an HTTP status code", f.Status)
	case f.Drop && (f.Body != "" || f.Code != "" || f.Status != 0 || f.Message != ""):
		return errors.New("drop cannot be combined with body, code, message or status")
	case f.Body != "" && (f.Code != "" || f.Message != ""):
		return errors.New("body cannot be combined with code or message")
	case f.Message != "" && f.Code == "":
		return errors.New("message needs a code")
	case f.ContentType != "" && f.Body == "":
		return errors.New("content type needs a body")
	case f.AfterApply && !f.hasOutcome():
		return errors.New("after apply needs an outcome: drop, body, code or status")
	case !f.hasOutcome() && f.Delay == 0:
		return errors.New("a fault needs a delay or an outcome: drop, body, code or status")
	case f.Action != "" && actions[f.Action].run == nil:
		return fmt.Errorf("action %q is not implemented by the emulator", f.Action)
	}
	return nil
}

// describe names the fault kind for the request log.
func (f Fault) describe() string {
	var kind string
	switch {
	case f.Drop:
		kind = "drop"
	case f.Body != "":
		kind = "body"
	case f.hasError():
		kind = "error"
	default:
		kind = "delay"
	}
	if f.Delay != 0 && kind != "delay" {
		kind = "delay+" + kind
	}
	if f.AfterApply {
		kind += " after apply"
	}
	return kind
}

// pendingFault is an injected fault with its remaining count.
type pendingFault struct {
	fault Fault
	left  int // Forever or > 0
}

// Inject queues faults; each is checked first, and none is queued if one
// is invalid.
func (s *Server) Inject(faults ...Fault) error {
	for i, f := range faults {
		if err := f.validate(); err != nil {
			return fmt.Errorf("inject fault %d: %w", i+1, err)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range faults {
		left := f.Times
		if left == 0 {
			left = 1
		}
		s.faults = append(s.faults, &pendingFault{fault: f, left: left})
	}
	return nil
}

// Faults returns the pending faults in matching order, each with Times set
// to its remaining count (Forever for unlimited ones).
func (s *Server) Faults() []Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Fault, 0, len(s.faults))
	for _, p := range s.faults {
		f := p.fault
		f.Times = p.left
		out = append(out, f)
	}
	return out
}

// ClearFaults removes every pending fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// takeFault consumes the first pending fault matching action. The caller
// holds s.mu.
func (s *Server) takeFault(action string) (Fault, bool) {
	for i, p := range s.faults {
		if p.fault.Action != "" && p.fault.Action != action {
			continue
		}
		if p.left != Forever {
			p.left--
			if p.left == 0 {
				s.faults = slices.Delete(s.faults, i, i+1)
			}
		}
		return p.fault, true
	}
	return Fault{}, false
}

// faultError is the error envelope of an error outcome.
func (s *Server) faultError(f Fault) *apiError {
	e := &apiError{status: f.Status, code: f.Code, message: f.Message}
	if e.code == "" {
		e.code = CodeInternalError
	}
	if e.message == "" {
		e.message = "Injected fault."
		if e.code == CodeInternalError {
			e.message = internalErrorMessage
		}
	}
	return e
}

// sleep waits d or until the request's context ends, reporting whether the
// full delay passed.
func sleep(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}
