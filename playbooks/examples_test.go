package playbooks

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The emulator command of the examples, built once per test run.
var (
	emulatorOnce sync.Once
	emulatorBin  string
	emulatorErr  error
)

// demo is an emulator command started as the README says: its demo state
// and credentials.
type demo struct{ endpoint, accessKey, secretKey string }

// emulator starts the emulator command with its demo state, on a port of
// its own and with short health and busy delays, and returns its endpoint and
// credentials as it prints them.
func emulator(t *testing.T) demo {
	t.Helper()
	emulatorOnce.Do(func() {
		emulatorBin = filepath.Join(work, "nifcloud-emulator")
		if out, err := exec.Command("go", "build", "-o", emulatorBin, "nifcloud_lb/nifcloud/nifcloudtest/nifcloud-emulator").CombinedOutput(); err != nil {
			emulatorErr = fmt.Errorf("go build nifcloud-emulator: %w\n%s", err, out)
		}
	})
	require.NoError(t, emulatorErr)
	ready := filepath.Join(t.TempDir(), "ready")
	cmd := exec.Command(emulatorBin, "-addr", "127.0.0.1:0", "-ready-file", ready, "-quiet", "-appear", "0s", "-in-service", "0s", "-elastic-busy", "100ms")
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		assert.NoError(t, cmd.Process.Signal(os.Interrupt))
		assert.NoError(t, cmd.Wait())
	})
	var info struct {
		Endpoint        string `json:"endpoint"`
		AccessKey       string `json:"access_key"`
		SecretAccessKey string `json:"secret_access_key"`
	}
	// It writes the file once it listens: a process start, polled briefly.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if data, err := os.ReadFile(ready); err == nil && json.Unmarshal(data, &info) == nil {
			return demo{info.Endpoint, info.AccessKey, info.SecretAccessKey}
		}
		require.True(t, time.Now().Before(deadline), "the emulator did not start")
	}
}

// example runs examples/NAME as the README says: from the repository root,
// with the collection as make collection assembles it, the emulator's
// endpoint in
// NIFCLOUD_ENDPOINT_URL and the credentials given (key and secret) in the
// environment, and extra arguments. It returns the output.
func example(t *testing.T, name string, d demo, key, secret string, args ...string) string {
	t.Helper()
	r := builtRelease(t)
	cmd := exec.Command("ansible-playbook", append([]string{"-i", "playbooks/examples/inventory.ini", "playbooks/examples/" + name}, args...)...)
	cmd.Dir = ".."
	cmd.Env = ansibleEnv(t.TempDir(),
		"ANSIBLE_COLLECTIONS_PATH="+filepath.Join(r.build, "collection"),
		"NIFCLOUD_ENDPOINT_URL="+d.endpoint,
		"NIFCLOUD_ACCESS_KEY_ID="+key,
		"NIFCLOUD_SECRET_ACCESS_KEY="+secret,
		"NIFCLOUD_LB_LOCK_DIR="+t.TempDir(), // the test's own, not the machine's
	)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "ansible-playbook %s:\n%s", name, out)
	assert.NotContains(t, string(out), d.secretKey)
	assert.NotContains(t, string(out), "[WARNING]")
	return string(out)
}

// TestExamples runs every playbook of examples/ against the emulator, as
// the README says to, and checks what the known ones did.
func TestExamples(t *testing.T) {
	t.Parallel()
	// Each check gets the output and a function that runs the example
	// again against the same emulator.
	checks := map[string]func(t *testing.T, out string, again func() string){
		"minimal.yml": func(t *testing.T, out string, _ func() string) {
			assert.Equal(t, recap{ok: 1, changed: 1}, parseRecap(t, out))
		},
		"rolling_deploy.yml": func(t *testing.T, out string, _ func() string) {
			for _, host := range []string{"web001", "web002"} {
				assert.Equal(t, recap{ok: 3, changed: 2}, hostRecap(t, out, host), host)
			}
		},
		"elb_rolling_deploy.yml": func(t *testing.T, out string, _ func() string) {
			for _, host := range []string{"web001", "web002"} {
				assert.Equal(t, recap{ok: 3, changed: 2}, hostRecap(t, out, host), host)
			}
		},
		"drain.yml": func(t *testing.T, out string, _ func() string) {
			assert.Equal(t, recap{ok: 3, changed: 2}, parseRecap(t, out))
			assert.Contains(t, out, `"loadbalancer_port": 443`)
			assert.Contains(t, out, `"loadbalancer_id": "elb-0d3e0e1b"`, "the Multi Load Balancer's listeners too")
			assert.Contains(t, out, `"protocol": "HTTPS"`)
		},
		"build_lb.yml": func(t *testing.T, out string, again func() string) {
			assert.Equal(t, recap{ok: 4, changed: 2}, parseRecap(t, out))
			assert.Contains(t, out, `: [['web003', 'web004'], ['web003', 'web004']]`)
			assert.Equal(t, recap{ok: 4}, parseRecap(t, again()), "a second run changes nothing")
		},
		"credentials_vault.yml": func(t *testing.T, out string, _ func() string) {
			assert.Equal(t, recap{ok: 1}, parseRecap(t, out), "web001 and web002 are the demo's members already")
		},
	}
	examples, err := filepath.Glob(filepath.Join("examples", "*.yml"))
	require.NoError(t, err)
	require.NotEmpty(t, examples)
	for _, ex := range examples {
		name := filepath.Base(ex)
		t.Run(strings.TrimSuffix(name, ".yml"), func(t *testing.T) {
			t.Parallel()
			requireAnsible(t)
			d := emulator(t)
			out := example(t, name, d, d.accessKey, d.secretKey)
			check := checks[name]
			require.NotNil(t, check, "add a check of what examples/%s does", name)
			check(t, out, func() string { return example(t, name, d, d.accessKey, d.secretKey) })
		})
	}
}

// TestExampleVault runs credentials_vault.yml with the credentials in an
// Ansible Vault file, and wrong ones in the environment: module_defaults
// give the vault's to the module.
func TestExampleVault(t *testing.T) {
	t.Parallel()
	requireAnsible(t)
	d := emulator(t)
	dir := t.TempDir()
	password := filepath.Join(dir, "password")
	vault := filepath.Join(dir, "nifcloud.yml")
	require.NoError(t, os.WriteFile(password, []byte("example vault password\n"), 0o600))
	require.NoError(t, os.WriteFile(vault, []byte("nifcloud_access_key: "+d.accessKey+"\nnifcloud_secret_access_key: "+d.secretKey+"\n"), 0o600))
	encrypt := exec.Command("ansible-vault", "encrypt", "--vault-password-file", password, vault)
	encrypt.Env = ansibleEnv(dir)
	out, err := encrypt.CombinedOutput()
	require.NoError(t, err, "%s", out)
	require.NotContains(t, readFile(t, vault), d.secretKey)

	got := example(t, "credentials_vault.yml", d, "WRONGACCESSKEY000001", "wrong-secret", "-e", "@"+vault, "--vault-password-file", password)
	assert.Equal(t, recap{ok: 1}, parseRecap(t, got))
}

// TestReadmePlaybooks checks that the playbooks the README shows whole are
// those of examples/, which TestExamples runs: its first one, minimal.yml,
// and the load balancer built from nothing, build_lb.yml.
func TestReadmePlaybooks(t *testing.T) {
	readme := readFile(t, filepath.Join("..", "README.md"))
	for _, name := range []string{"minimal.yml", "build_lb.yml"} {
		assert.Contains(t, readme, "```yaml\n"+readFile(t, filepath.Join("examples", name))+"```\n", name)
	}
}
