package ansible

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
)

// emitPanic reports a recovered panic. The exception holds the stack and
// ends with the panic value, as a Python traceback ends with the error:
// below -vvv Ansible shows only its last line.
func (r *runner) emitPanic(format string, v any, stack []byte) int {
	msg := fmt.Sprintf(format, v)
	return r.emit(Result{Failed: true, Msg: msg}, fmt.Sprintf("%s\npanic: %v", bytes.TrimRight(stack, "\n"), v))
}

// emit prints res as the one JSON object of the run, scrubbed of every
// no_log value known, and returns the exit code. exception, when not
// empty, is added as Ansible's "exception" key.
func (r *runner) emit(res Result, exception string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.wrote {
		return 1 // a second object would make the output unreadable to Ansible
	}
	warnings, deprecations := r.warnings, []Deprecation(nil)
	if m := r.module; m != nil {
		m.mu.Lock()
		warnings, deprecations = append([]string(nil), m.warnings...), append([]Deprecation(nil), m.deprecations...)
		m.mu.Unlock()
	}
	out := make(map[string]any, len(res.Data)+8)
	for k, v := range res.Data {
		out[k] = v
	}
	out["changed"] = res.Changed
	out["failed"] = res.Failed
	if res.Skipped {
		out["skipped"] = true
	}
	switch {
	case res.Msg != "":
		out["msg"] = res.Msg
	case res.Failed:
		out["msg"] = fmt.Sprintf("module %s failed without a message", r.name)
	}
	if len(warnings) > 0 {
		out["warnings"] = warnings
	}
	if len(deprecations) > 0 {
		out["deprecations"] = deprecations
	}
	if res.Diff != nil && r.internal.Diff {
		out["diff"] = res.Diff
	}
	if r.params != nil {
		out["invocation"] = map[string]any{"module_args": forOutput(plain(r.params))}
	}
	if exception != "" {
		out["exception"] = exception
	}
	data, err := json.Marshal(out)
	if err != nil {
		fallback := map[string]any{
			"changed": false,
			"failed":  true,
			"msg":     fmt.Sprintf("internal error in module %s: the result cannot be encoded as JSON: %v", r.name, err),
		}
		if len(warnings) > 0 {
			fallback["warnings"] = warnings
		}
		data, _ = json.Marshal(fallback) // strings and booleans only: cannot fail
		res.Failed = true
	}
	return r.write(data, res.Failed)
}

// write decodes data, json.Marshal's own output, scrubs it and prints it
// on one line. Neither step can fail: data is valid JSON, and the tree it
// decodes to holds only what encodes.
func (r *runner) write(data []byte, failed bool) int {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var tree any
	_ = dec.Decode(&tree)
	tree = newScrubber(r.secrets()).value(tree)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(tree)
	r.wrote = true
	if _, err := r.stdout.Write(buf.Bytes()); err != nil || failed {
		return 1
	}
	return 0
}

// secrets returns the no_log values known so far: the module's, which may
// grow while it runs, or those of the validation.
func (r *runner) secrets() map[string]struct{} {
	if r.module == nil {
		return r.noLog
	}
	r.module.mu.Lock()
	defer r.module.mu.Unlock()
	return maps.Clone(r.module.noLog)
}

// forOutput prepares converted parameters for encoding: float64 values are
// written in Python's notation, so 1.0 stays 1.0.
func forOutput(v any) any {
	switch t := v.(type) {
	case float64:
		return pyFloatValue(t)
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = forOutput(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = forOutput(e)
		}
		return out
	}
	return v
}
