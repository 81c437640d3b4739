package ansible

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBinary builds testdata/binmod, a real module, and runs it as Ansible
// does: stdout must hold exactly one JSON object and stderr nothing, for
// every outcome.
func TestBinary(t *testing.T) {
	t.Parallel()
	goTool, err := exec.LookPath("go")
	require.NoError(t, err, "the go command is needed to build the test module")
	dir := t.TempDir()
	bin := filepath.Join(dir, "AnsiballZ_binmod")
	build := exec.Command(goTool, "build", "-o", bin, "./testdata/binmod")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "go build: %s", out)

	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
		return p
	}
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantMsg  string
	}{
		{"success", []string{write("ok", `{"mode": "ok", "secret": "s3cr3t-value"}`)}, 0, "ok with ********"},
		{"failure", []string{write("fail", `{"mode": "fail", "secret": "s3cr3t-value"}`)}, 1, "failed with ********"},
		{"panic", []string{write("panic", `{"mode": "panic", "_ansible_module_name": "binmod"}`)}, 1, "module binmod panicked: panic with ********"},
		{"invalid options", []string{write("invalid", `{"mode": "nope"}`)}, 1, "value of mode must be one of: ok, fail, panic, wait, hang, finish, got: nope"},
		{"missing args file", []string{filepath.Join(dir, "missing")}, 1, "cannot read the args file: open " + filepath.Join(dir, "missing") + ": no such file or directory"},
		{"not JSON", []string{write("garbage", "\x00\x01garbage")}, 1, "not valid JSON"},
		{"no argument", nil, 1, "usage: binmod ARGS_FILE (Ansible passes the path of a JSON file with the task options)"},
		{"two arguments", []string{"a", "b"}, 1, "usage: binmod ARGS_FILE (Ansible passes the path of a JSON file with the task options)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(bin, tt.args...)
			cmd.Env = []string{"BINMOD_SECRET=s3cr3t-value", "PATH=/usr/bin:/bin"}
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			code := 0
			var exitErr *exec.ExitError
			if errors.As(err, &exitErr) {
				code = exitErr.ExitCode()
			} else {
				require.NoError(t, err)
			}
			assert.Equal(t, tt.wantCode, code)
			assert.Empty(t, stderr.String(), "stderr")
			got := decodeOutput(t, stdout.Bytes())
			assert.Contains(t, got["msg"], tt.wantMsg)
			assert.Equal(t, tt.wantCode == 1, got["failed"])
			assert.NotContains(t, stdout.String(), "s3cr3t-value")
		})
	}

	t.Run("version", func(t *testing.T) {
		t.Parallel()
		var stdout, stderr bytes.Buffer
		cmd := exec.Command(bin, "--version")
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		require.NoError(t, cmd.Run())
		assert.Equal(t, "binmod 9.9.9\n", stdout.String())
		assert.Empty(t, stderr.String())
	})
	t.Run("dispatch", func(t *testing.T) {
		t.Parallel()
		testDispatch(t, dir, bin, write)
	})
	t.Run("interrupted", func(t *testing.T) {
		t.Parallel()
		testInterrupt(t, dir, bin, write)
	})
}

// runBin runs the binary at path with args and env, and returns the exit
// code and the decoded output, checking that stderr is empty.
func runBin(t *testing.T, path string, env []string, args ...string) (int, map[string]any) {
	t.Helper()
	cmd := exec.Command(path, args...)
	cmd.Env = append([]string{"PATH=/usr/bin:/bin"}, env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		code = exitErr.ExitCode()
	} else {
		require.NoError(t, err)
	}
	assert.Empty(t, stderr.String(), "stderr")
	return code, decodeOutput(t, stdout.Bytes())
}

// testDispatch checks that the binary runs the module its link, its file
// name or _ansible_module_name names.
func testDispatch(t *testing.T, dir, bin string, write func(name, content string) string) {
	link := func(name string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.Symlink(bin, p))
		return p
	}
	echo := write("echo", `{"count": "3"}`)
	for _, tt := range []struct {
		name, path, args string
		want             map[string]any
	}{
		{"by link name", link("binecho"), echo, map[string]any{"word": "hello", "count": json.Number("3"), "module": "binecho"}},
		{"by link name with a platform suffix", link("binecho_linux_x86_64"), echo, map[string]any{"word": "hello", "count": json.Number("3"), "module": "binecho"}},
		{"by Ansible's copy name", link("AnsiballZ_binecho"), write("echo-null", `{"count": null, "word": "hi"}`), map[string]any{"word": "hi", "count": nil, "module": "binecho"}},
		{"by FQCN whatever the file name", bin, write("echo-fqcn", `{"_ansible_module_name": "my.coll.binecho"}`), map[string]any{"word": "hello", "count": nil, "module": "my.coll.binecho"}},
		{"by a task naming a per-platform copy", bin, write("echo-platform", `{"_ansible_module_name": "binecho_darwin_arm64"}`), map[string]any{"module": "binecho_darwin_arm64"}},
	} {
		code, got := runBin(t, tt.path, nil, tt.args)
		assert.Equal(t, 0, code, tt.name)
		for k, v := range tt.want {
			assert.Equal(t, v, got[k], "%s: %s", tt.name, k)
		}
	}
	code, got := runBin(t, link("binother_darwin_arm64"), nil, echo)
	assert.Equal(t, 1, code)
	assert.Equal(t, `unknown module "binother" (from the file name binother_darwin_arm64): this binary (binmod 9.9.9) holds the modules binecho, binmod; run it as one of them, through a link of that name, or with _ansible_module_name set`, got["msg"])
}

// testInterrupt sends SIGTERM to a running module: one that stops reports
// what it had done, one that does not stop is reported after the grace, and
// one that finishes its work whole succeeds with a warning.
func testInterrupt(t *testing.T, dir, bin string, write func(name, content string) string) {
	for _, tt := range []struct {
		mode, want string
	}{
		{"wait", "Interrupted by SIGTERM before the module finished. had registered web003"},
		{"hang", "Interrupted by SIGTERM, and the module did not stop within 200ms: what it had changed by then is not known. Read the state again before running it again."},
		{"finish", "registered web003"},
	} {
		ready := filepath.Join(dir, "ready-"+tt.mode)
		cmd := exec.Command(bin, write("args-"+tt.mode, `{"mode": "`+tt.mode+`"}`))
		cmd.Env = []string{"BINMOD_READY=" + ready, "BINMOD_GRACE=200ms"}
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		require.NoError(t, cmd.Start())
		require.Eventually(t, func() bool { _, err := os.Stat(ready); return err == nil }, 10*time.Second, 5*time.Millisecond)
		require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
		err := cmd.Wait()
		assert.Empty(t, stderr.String())
		got := decodeOutput(t, stdout.Bytes())
		assert.Equal(t, tt.want, got["msg"])
		if tt.mode == "finish" {
			require.NoError(t, err)
			assert.Equal(t, false, got["failed"])
			assert.Equal(t, []any{"SIGTERM arrived after the module had finished; its result is complete"}, got["warnings"])
			continue
		}
		var exitErr *exec.ExitError
		require.ErrorAs(t, err, &exitErr, tt.mode)
		assert.Equal(t, 1, exitErr.ExitCode())
		assert.Equal(t, true, got["failed"])
		if tt.mode == "wait" {
			assert.Equal(t, true, got["changed"])
			assert.Equal(t, []any{"web003"}, got["registered"])
		}
	}
}
