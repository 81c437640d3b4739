package modules

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nifcloud_lb/ansible"
)

// TestProgramsAreValid checks every module's spec and its binding to its
// options struct: a misspelt option name or a field of the wrong type
// fails here.
func TestProgramsAreValid(t *testing.T) {
	names := map[string]bool{}
	for _, p := range All("test", Env{}) {
		assert.NoError(t, p.Validate(), p.Name)
		assert.False(t, names[p.Name], "module %s twice", p.Name)
		names[p.Name] = true
	}
}

// requireTool returns the path of an external tool the test needs. A missing
// tool fails the test (CI installs ansible-core); -short leaves such tests
// out on purpose.
func requireTool(t *testing.T, name string) string {
	t.Helper()
	if testing.Short() {
		t.Skipf("-short: not running the %s test", name)
	}
	path, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s not found: install ansible-core (apt-get install --no-install-recommends ansible-core), or run go test -short to leave this test out", name)
	}
	return path
}

// documented is an option as ansible-doc --json renders it, and as the spec
// says it should be.
type documented struct {
	Type     string                `json:"type"`
	Elements string                `json:"elements"`
	Default  any                   `json:"default"`
	Choices  []any                 `json:"choices"`
	Aliases  []string              `json:"aliases"`
	Required bool                  `json:"required"`
	Options  map[string]documented `json:"suboptions"`
}

// fromSpec is what the documentation of the options must say.
func fromSpec(opts []ansible.Option) map[string]documented {
	out := map[string]documented{}
	for _, o := range opts {
		typ := string(o.Type)
		if typ == "" {
			typ = "str"
		}
		d := documented{Type: typ, Elements: string(o.Elements), Default: asJSON(o.Default), Aliases: o.Aliases, Required: o.Required}
		for _, c := range o.Choices {
			d.Choices = append(d.Choices, asJSON(c))
		}
		if len(o.Options) > 0 {
			d.Options = fromSpec(o.Options)
		}
		out[o.Name] = d
	}
	return out
}

// asJSON is a spec value as it decodes from JSON: ints become float64.
func asJSON(v any) any {
	if n, ok := v.(int); ok {
		return float64(n)
	}
	return v
}

// TestDocumentationMatchesSpec renders every module's sidecar
// (library/MODULE.yml) with ansible-doc and checks that its options are
// exactly the module's spec: names, types, element types, defaults,
// choices, aliases, required and sub-options; and that each option's
// description names its environment fallbacks.
func TestDocumentationMatchesSpec(t *testing.T) {
	ansibleDoc := requireTool(t, "ansible-doc")
	lib := filepath.Join(t.TempDir(), "library")
	require.NoError(t, os.Mkdir(lib, 0o755))
	// ansible-doc finds a module by its file and reads the sidecar; it
	// never runs the binary, so an ELF header stands in for it.
	require.NoError(t, os.WriteFile(filepath.Join(lib, "nifcloud_lb"), []byte("\x7fELF\x02\x01\x01"), 0o755))
	for _, p := range All("test", Env{}) {
		doc, err := os.ReadFile(filepath.Join("..", "..", "library", p.Name+".yml"))
		require.NoError(t, err, "every module has its sidecar")
		require.NoError(t, os.WriteFile(filepath.Join(lib, p.Name+".yml"), doc, 0o644))
		if p.Name != "nifcloud_lb" {
			require.NoError(t, os.Symlink("nifcloud_lb", filepath.Join(lib, p.Name)))
		}
	}
	for _, p := range All("test", Env{}) {
		t.Run(p.Name, func(t *testing.T) {
			text, err := exec.Command(ansibleDoc, "-M", lib, p.Name).CombinedOutput()
			require.NoError(t, err, "%s", text)
			assert.Contains(t, string(text), "> "+strings.ToUpper(p.Name))
			assert.Contains(t, string(text), "EXAMPLES:")
			assert.Contains(t, string(text), "RETURN VALUES:")

			out, err := exec.Command(ansibleDoc, "-M", lib, "--json", p.Name).Output()
			require.NoError(t, err)
			var rendered map[string]struct {
				Doc struct {
					Options map[string]documented `json:"options"`
				} `json:"doc"`
			}
			require.NoError(t, json.Unmarshal(out, &rendered))
			assert.Equal(t, fromSpec(p.Spec.Options), rendered[p.Name].Doc.Options,
				"library/%s.yml and the module's spec must document the same options", p.Name)

			var described map[string]struct {
				Doc struct {
					Options map[string]struct {
						Description any `json:"description"`
					} `json:"options"`
				} `json:"doc"`
			}
			require.NoError(t, json.Unmarshal(out, &described))
			for _, o := range p.Spec.Options {
				for _, env := range o.EnvFallback {
					assert.Contains(t, fmt.Sprint(described[p.Name].Doc.Options[o.Name].Description), env,
						"library/%s.yml: %s falls back to %s; its description must say so", p.Name, o.Name, env)
				}
			}
		})
	}
}
