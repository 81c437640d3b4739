package nifcloudtest

import (
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"
)

// APIPath is the path the emulator serves the Computing API on.
const APIPath = "/api/"

// Server is the emulator, an http.Handler. Create it with New; it is safe
// for concurrent use. Every API call is handled under one lock, so each
// action is atomic.
type Server struct {
	opts    Options
	secrets map[string]string // access key id -> secret

	mu            sync.Mutex
	lbs           []*lbState
	elbs          []*elbState
	instances     map[string]*instanceState
	instanceOrder []string
	faults        []*pendingFault
	log           []Request
}

// New returns an emulator seeded from opts. It checks the seed (names,
// ports, limits, references to known servers, ...) and returns an error
// describing the first problem.
func New(opts Options) (*Server, error) {
	switch {
	case opts.ErrorStatus != 0 && (opts.ErrorStatus < 400 || opts.ErrorStatus > 599):
		return nil, fmt.Errorf("nifcloudtest: error status %d: want 400-599", opts.ErrorStatus)
	case opts.Health.Appear < 0 || opts.Health.InService < 0:
		return nil, errors.New("nifcloudtest: health delays must not be negative")
	case opts.Latency < 0:
		return nil, errors.New("nifcloudtest: latency must not be negative")
	case opts.MaxClockSkew < 0:
		return nil, errors.New("nifcloudtest: max clock skew must not be negative")
	case opts.CreateVisibilityDelay < 0:
		return nil, errors.New("nifcloudtest: create visibility delay must not be negative")
	case opts.ElasticBusy < 0:
		return nil, errors.New("nifcloudtest: elastic busy duration must not be negative")
	case opts.ElasticBusyState == ElasticStateAvailable:
		return nil, fmt.Errorf("nifcloudtest: elastic busy state must not be %q", ElasticStateAvailable)
	case opts.ElasticBusyCode != "" && !validErrorCode(opts.ElasticBusyCode):
		return nil, fmt.Errorf("nifcloudtest: elastic busy code %q: want Client.* or Server.*", opts.ElasticBusyCode)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.RequestID == nil {
		opts.RequestID = randomUUID
	}
	s := &Server{
		opts:      opts,
		secrets:   map[string]string{},
		instances: map[string]*instanceState{},
	}
	if err := s.seed(opts, s.now()); err != nil {
		return nil, fmt.Errorf("nifcloudtest: seed: %w", err)
	}
	return s, nil
}

func (s *Server) now() time.Time {
	return s.opts.Now()
}

// ServeHTTP serves the Computing API on APIPath (GET and POST, signed with
// Signature Version 2); other paths get a 404 error envelope. With
// Options.Inspection it also serves an unauthenticated JSON inspection API
// to loopback clients (others get 403); these calls are not logged:
//
//	GET    /_emulator/state           State()
//	GET    /_emulator/requests        Requests()
//	GET    /_emulator/faults          Faults()
//	POST   /_emulator/faults          Inject a fault, or an array of faults, in
//	                                  the JSON form of Fault.UnmarshalJSON;
//	                                  201 with the pending faults
//	DELETE /_emulator/faults          ClearFaults(); 204
//	POST   /_emulator/reset-requests  ResetRequests(); 204
//
// Errors of the inspection API are JSON objects {"error": "..."}.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.opts.Inspection && strings.HasPrefix(r.URL.Path, inspectPrefix) {
		s.serveInspection(w, r)
		return
	}
	s.serveAPI(w, r)
}

// serveAPI handles one API call: latency, then the refusals of admit, then
// the action itself (see dispatch).
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	entry := Request{Time: s.now(), Method: r.Method, Path: r.URL.Path, RequestID: s.opts.RequestID()}
	s.mu.Unlock()
	// The body is read first: only then can the server notice a client
	// that goes away during the latency or a delay.
	params, postQuery, readErr := readParams(w, r)
	if !sleep(r, s.opts.Latency) {
		s.record(entry)
		return
	}
	act, apiErr := s.admit(w, r, &entry, params, postQuery, readErr)
	if apiErr != nil {
		s.replyError(w, &entry, apiErr)
		return
	}
	s.dispatch(w, r, &entry, act, params)
}

// admit checks the path, the method, the parameters' syntax, the
// authentication and the action of a call, filling in the request log
// entry as it learns more.
func (s *Server) admit(w http.ResponseWriter, r *http.Request, entry *Request, params, postQuery url.Values, readErr error) (action, *apiError) {
	if r.URL.Path != APIPath {
		return action{}, &apiError{status: http.StatusNotFound, code: CodeNotFound,
			message: fmt.Sprintf("The path '%s' is not served; use %s.", clip(r.URL.Path), APIPath)}
	}
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, POST")
		return action{}, &apiError{status: http.StatusMethodNotAllowed, code: CodeMethodNotAllowed,
			message: fmt.Sprintf("The method '%s' is not allowed; use GET or POST.", clip(r.Method))}
	}
	if readErr != nil {
		return action{}, errorf(CodeMalformedRequest, "The request cannot be parsed: %s.", clip(readErr.Error()))
	}
	entry.Params = withoutSignature(params)
	entry.Action = params.Get("Action")
	entry.AccessKeyID = params.Get("AccessKeyId")
	if apiErr := s.authenticate(r, params); apiErr != nil {
		return action{}, apiErr
	}
	return lookupAction(params, postQuery)
}

// dispatch runs an admitted call: it consumes a matching fault, if any,
// and otherwise (or with Fault.AfterApply, first) handles the action.
func (s *Server) dispatch(w http.ResponseWriter, r *http.Request, entry *Request, act action, params url.Values) {
	s.mu.Lock()
	fault, faulty := s.takeFault(entry.Action)
	s.mu.Unlock()
	if faulty {
		entry.Fault = fault.describe()
		if !sleep(r, fault.Delay) {
			s.record(*entry)
			return
		}
		if fault.hasOutcome() && !fault.AfterApply {
			s.deliverFault(w, entry, fault)
			return
		}
	}
	body, apiErr := s.handle(entry.Action, act, params, entry.RequestID)
	if faulty && fault.AfterApply {
		s.deliverFault(w, entry, fault)
		return
	}
	if apiErr != nil {
		s.replyError(w, entry, apiErr)
		return
	}
	entry.Status = http.StatusOK
	writeXML(w, http.StatusOK, body)
	s.record(*entry)
}

// lookupAction finds the implementation of the request's Action and
// refuses a query string on a POST (only the body is signed and read).
func lookupAction(params, postQuery url.Values) (action, *apiError) {
	name := params.Get("Action")
	if name == "" {
		return action{}, errMissing("Action")
	}
	act, ok := actions[name]
	if !ok {
		return action{}, errorf(CodeUnknownAction, "The Action '%s' is not supported.", clip(name))
	}
	if len(postQuery) > 0 {
		keys := make([]string, 0, len(postQuery))
		for k := range postQuery {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		return action{}, errorf(CodeUnknownParameter,
			"The parameter '%s' is in the query string of a POST; send parameters in the body.", clip(keys[0]))
	}
	return act, nil
}

// handle checks the parameters of a call, runs the action under the lock
// and renders its reply.
func (s *Server) handle(name string, act action, params url.Values, requestID string) ([]byte, *apiError) {
	if apiErr := act.spec.check(name, params); apiErr != nil {
		return nil, apiErr
	}
	s.mu.Lock()
	result, apiErr := act.run(s, params, s.now())
	s.mu.Unlock()
	if apiErr != nil {
		return nil, apiErr
	}
	body, err := renderSuccess(name, result, requestID)
	if err != nil {
		return nil, &apiError{status: http.StatusInternalServerError, code: CodeInternalError, message: internalErrorMessage}
	}
	return body, nil
}

// deliverFault produces the outcome of an injected fault.
func (s *Server) deliverFault(w http.ResponseWriter, entry *Request, f Fault) {
	switch {
	case f.Drop:
		s.record(*entry)
		drop(w)
	case f.Body != "":
		entry.Status = f.Status
		if entry.Status == 0 {
			entry.Status = http.StatusOK
		}
		ct := f.ContentType
		if ct == "" {
			ct = xmlContentType
		}
		w.Header().Set("Content-Type", ct)
		w.WriteHeader(entry.Status)
		_, _ = w.Write([]byte(f.Body))
		s.record(*entry)
	default:
		s.replyError(w, entry, s.faultError(f))
	}
}

// drop closes the connection without a reply.
func drop(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

const xmlContentType = "text/xml; charset=UTF-8"

// replyError sends the error envelope for e and logs the call.
func (s *Server) replyError(w http.ResponseWriter, entry *Request, e *apiError) {
	status := e.status
	if status == 0 {
		status = s.opts.errorStatus()
	}
	entry.Status = status
	entry.Code = e.code
	writeXML(w, status, renderError(e, entry.RequestID))
	s.record(*entry)
}

func writeXML(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", xmlContentType)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// record appends a call to the log and reports it to Options.OnRequest.
func (s *Server) record(entry Request) {
	s.mu.Lock()
	s.log = append(s.log, entry)
	s.mu.Unlock()
	if s.opts.OnRequest != nil {
		s.opts.OnRequest(entry.clone())
	}
}

// withoutSignature copies params without the Signature parameter.
func withoutSignature(params url.Values) url.Values {
	out := make(url.Values, len(params))
	for k, v := range params {
		if k != "Signature" {
			out[k] = append([]string(nil), v...)
		}
	}
	return out
}

// randomUUID returns a random version 4 UUID.
func randomUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// Members returns the servers registered on the port definition (lb,
// lbPort, instPort) in registration order, or nil if there is no such port
// definition.
func (s *Server) Members(lb string, lbPort, instPort int) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, p, apiErr := s.lookupPort(lb, portKey{lbPort, instPort}, helperView)
	if apiErr != nil {
		return nil
	}
	out := make([]string, 0, len(p.members))
	for _, m := range p.members {
		out = append(out, m.id)
	}
	return out
}

// State returns a deep copy of the current state, with each member's
// current health in Member.State and each elastic load balancer's current
// State.
func (s *Server) State() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.snapshot(s.now())
}

// AddInstance makes a server known, so that it can be registered. An empty
// UniqueID is generated from the name.
func (s *Server) AddInstance(in Instance) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.addInstance(in); err != nil {
		return fmt.Errorf("add instance: %w", err)
	}
	return nil
}
