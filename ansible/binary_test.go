package ansible

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

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
		{"invalid options", []string{write("invalid", `{"mode": "nope"}`)}, 1, "value of mode must be one of: ok, fail, panic, got: nope"},
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
}
