package ansible

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Result is what a module run returns. Main prints it as one JSON object
// with Data's keys at the top level next to changed, failed, msg, warnings,
// deprecations, diff and invocation.
type Result struct {
	// Changed reports that the module changed something (or would have, in check mode).
	Changed bool
	// Failed makes the task fail; Main then exits 1.
	Failed bool
	// Skipped reports the task as skipped.
	Skipped bool
	// Msg is the message Ansible shows (always printed for a failure).
	Msg string
	// Diff is printed only when the user asked for diff mode (Internal.Diff).
	Diff *Diff
	// Data holds the module's own result keys (maps, slices, structs: anything
	// encoding/json can encode). Its keys must not be reserved ones (see Validate).
	Data map[string]any
}

// Diff is the before/after view Ansible renders under --diff. Before and
// After are strings (diffed line by line) or maps (rendered as sorted JSON).
type Diff struct {
	Before       any    `json:"before"`
	After        any    `json:"after"`
	BeforeHeader string `json:"before_header,omitempty"`
	AfterHeader  string `json:"after_header,omitempty"`
}

// Deprecation is a deprecation warning, shown by Ansible as
// "[DEPRECATION WARNING]: MSG. This feature will be removed from
// COLLECTION in version VERSION" (or "in a release after DATE").
type Deprecation struct {
	// Msg is the warning.
	Msg string `json:"msg"`
	// Version is the version that removes the feature (ignored when Date is set).
	Version string `json:"version,omitempty"`
	// Date (YYYY-MM-DD) is the date after which a release removes the feature.
	Date string `json:"date,omitempty"`
	// CollectionName names the collection that deprecates the feature.
	CollectionName string `json:"collection_name,omitempty"`
}

// MarshalJSON writes the shape AnsibleModule writes: msg, then date or
// version (null when neither is set), then collection_name (null when
// unset).
func (d Deprecation) MarshalJSON() ([]byte, error) {
	m := map[string]any{"msg": d.Msg, "collection_name": nil}
	if d.CollectionName != "" {
		m["collection_name"] = d.CollectionName
	}
	if d.Date != "" {
		m["date"] = d.Date
	} else if d.Version != "" {
		m["version"] = d.Version
	} else {
		m["version"] = nil
	}
	return json.Marshal(m)
}

// Failf returns a failed Result whose Msg is formatted as fmt.Sprintf does.
func Failf(format string, args ...any) Result {
	return Result{Failed: true, Msg: fmt.Sprintf(format, args...)}
}

// reservedKeys are the result keys Main writes itself, or that Ansible
// removes, renames or reads with a meaning of its own; Data must not use
// them (nor any key starting with "_ansible_").
var reservedKeys = []string{
	"add_group", "add_host", "changed", "deprecations", "diff", "exception",
	"failed", "invocation", "msg", "results", "skipped", "warnings",
}

// Validate reports Data keys that clash with the keys Main writes itself
// or that Ansible treats specially: changed, failed, skipped, msg,
// warnings, deprecations, diff, invocation, exception, results, add_host,
// add_group, and any key starting with "_ansible_". Main fails the task
// with this error instead of dropping the keys.
func (r Result) Validate() error {
	var bad []string
	for k := range r.Data {
		if strings.HasPrefix(k, "_ansible_") || slices.Contains(reservedKeys, k) {
			bad = append(bad, k)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	sort.Strings(bad)
	return fmt.Errorf("result data uses reserved key(s) %s: set them through the Result fields or rename them", strings.Join(bad, ", "))
}
