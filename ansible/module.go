package ansible

import (
	"maps"
	"sort"
	"sync"
)

// Module is what a module's run function works with: its name, Ansible's
// internal settings, the validated options, and the warnings and
// deprecations to report.
type Module struct {
	// Name is the module name as written in the task (_ansible_module_name),
	// or the Program's name when run by hand.
	Name string
	// Internal holds Ansible's settings for this run (check mode, diff, verbosity, ...).
	Internal Internal
	// Params holds the validated options.
	Params Params
	// Getenv looks up the module's environment: the function Main was
	// given (os.LookupEnv in production).
	Getenv func(string) (string, bool)

	warnings     []string
	deprecations []Deprecation
	mu           sync.Mutex // guards warnings, deprecations and noLog, which may be added to from several goroutines
	noLog        map[string]struct{}
	binding      *binding // of a Program made by NewProgram
}

// Warn adds a warning, which Ansible shows as "[WARNING]: msg".
// It is safe for concurrent use.
func (m *Module) Warn(msg string) {
	m.mu.Lock()
	m.warnings = append(m.warnings, msg)
	m.mu.Unlock()
}

// Deprecate adds a deprecation warning.
// It is safe for concurrent use.
func (m *Module) Deprecate(d Deprecation) {
	m.mu.Lock()
	m.deprecations = append(m.deprecations, d)
	m.mu.Unlock()
}

// AddNoLogValue adds a secret to scrub from the output, for values the
// module learns while it runs (a request signature, a token). Empty
// strings are ignored. It is safe for concurrent use.
func (m *Module) AddNoLogValue(secret string) {
	if secret != "" {
		m.mu.Lock()
		m.noLog[secret] = struct{}{}
		m.mu.Unlock()
	}
}

// Scrub masks in s every no_log value known so far, in every encoding the
// output is scrubbed of. It is for text that leaves the run by another way
// than its result: what a run writes for another run to report, which that
// run's own scrubbing cannot know the secrets of (this run's signatures).
// It is safe for concurrent use.
func (m *Module) Scrub(s string) string {
	m.mu.Lock()
	secrets := maps.Clone(m.noLog)
	m.mu.Unlock()
	return newScrubber(secrets).text(s)
}

// NoLogValues returns the secrets that will be scrubbed from the output,
// sorted: the values of the NoLog options (from the user, an environment
// fallback or a default, and after conversion) and those added with
// AddNoLogValue.
func (m *Module) NoLogValues() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]string, 0, len(m.noLog))
	for s := range m.noLog {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}
