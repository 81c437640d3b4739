package nifcloudtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
)

// inspectPrefix is the root of the inspection API; it cannot collide with
// APIPath.
const inspectPrefix = "/_emulator/"

// serveInspection serves the inspection API documented on ServeHTTP.
func (s *Server) serveInspection(w http.ResponseWriter, r *http.Request) {
	if !fromLoopback(r) {
		writeJSONError(w, http.StatusForbidden, "the inspection API answers loopback clients only")
		return
	}
	route := r.Method + " " + r.URL.Path
	switch route {
	case "GET /_emulator/state":
		writeJSON(w, http.StatusOK, s.State())
	case "GET /_emulator/requests":
		writeJSON(w, http.StatusOK, s.Requests())
	case "GET /_emulator/faults":
		writeJSON(w, http.StatusOK, s.Faults())
	case "POST /_emulator/faults":
		faults, err := decodeFaults(r)
		if err == nil {
			err = s.Inject(faults...)
		}
		if err != nil {
			writeJSONError(w, http.StatusBadRequest, err.Error())
			return
		}
		writeJSON(w, http.StatusCreated, s.Faults())
	case "DELETE /_emulator/faults":
		s.ClearFaults()
		w.WriteHeader(http.StatusNoContent)
	case "POST /_emulator/reset-requests":
		s.ResetRequests()
		w.WriteHeader(http.StatusNoContent)
	default:
		switch r.URL.Path {
		case "/_emulator/state", "/_emulator/requests", "/_emulator/faults", "/_emulator/reset-requests":
			writeJSONError(w, http.StatusMethodNotAllowed, fmt.Sprintf("method %s is not allowed on %s", r.Method, r.URL.Path))
		default:
			writeJSONError(w, http.StatusNotFound, fmt.Sprintf("no inspection endpoint %s", r.URL.Path))
		}
	}
}

// decodeFaults reads one fault object or an array of them.
func decodeFaults(r *http.Request) ([]Fault, error) {
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxBodyBytes))
	if err != nil {
		return nil, fmt.Errorf("read fault: %w", err)
	}
	body = bytes.TrimSpace(body)
	if len(body) > 0 && body[0] == '[' {
		var faults []Fault
		if err := strictUnmarshal(body, &faults); err != nil {
			return nil, fmt.Errorf("decode faults: %w", err)
		}
		if len(faults) == 0 {
			return nil, errors.New("decode faults: empty array")
		}
		return faults, nil
	}
	var f Fault
	if err := strictUnmarshal(body, &f); err != nil {
		return nil, err
	}
	return []Fault{f}, nil
}

// strictUnmarshal decodes exactly one JSON value, refusing unknown fields.
func strictUnmarshal(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data after the JSON value")
	}
	return nil
}

// fromLoopback reports whether the client address is a loopback address.
func fromLoopback(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	addr, err := netip.ParseAddr(host)
	return err == nil && addr.Unmap().IsLoopback()
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		writeJSONError(w, http.StatusInternalServerError, "encode reply: "+err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}

func writeJSONError(w http.ResponseWriter, status int, msg string) {
	body, _ := json.Marshal(map[string]string{"error": msg})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}
