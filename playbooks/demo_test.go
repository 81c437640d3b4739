package playbooks

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDemo runs make demo's script from the repository root, as make demo
// does, with the modules installed in a library/ folder of the test's own:
// every step of the story runs against its emulator.
func TestDemo(t *testing.T) {
	t.Parallel()
	requireAnsible(t)
	lib := filepath.Join(t.TempDir(), "library")
	install(t, lib)
	// demo.sh builds the emulator: with this machine's Go caches, not
	// those of the test's own HOME, which start empty.
	goEnv, err := exec.Command("go", "env", "GOCACHE", "GOMODCACHE").Output()
	require.NoError(t, err)
	caches := strings.Fields(string(goEnv))
	require.Len(t, caches, 2)
	cmd := exec.Command("playbooks/demo/demo.sh")
	cmd.Dir = ".."
	cmd.Env = ansibleEnv(t.TempDir(), "GOCACHE="+caches[0], "GOMODCACHE="+caches[1], "DEMO_LIBRARY="+lib, "NIFCLOUD_LB_LOCK_DIR="+t.TempDir(), "DEMO_EMULATOR_FLAGS=-appear 0s -in-service 500ms -elastic-busy 100ms")
	out, err := cmd.CombinedOutput()
	output := string(out)
	require.NoError(t, err, "%s", output)
	assert.Equal(t, recap{ok: 16, changed: 6}, parseRecap(t, output))
	assert.Regexp(t, `7\. Before maintenance(?s:.*?)"changed=True updated=\[[^\n]*'loadbalancer_name': 'demolb'`, output)
	assert.Regexp(t, `8\. \.\.\. and out of every Multi Load Balancer(?s:.*?)"changed=True updated=\[[^\n]*'loadbalancer_id': 'elb-0d3e0e1b'`, output)
	assert.Contains(t, output, "What the API saw")
}
