package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestInspectBinary(t *testing.T) {
	t.Parallel()
	exe, err := os.Executable()
	require.NoError(t, err)
	b, err := inspectBinary(exe)
	require.NoError(t, err)
	info, err := os.Stat(exe)
	require.NoError(t, err)
	assert.Equal(t, info.Size(), b.Size)
	assert.Contains(t, []string{"ELF", "Mach-O"}, b.Format)
	if b.static() {
		assert.Equal(t, "static", b.linking())
	} else {
		assert.Contains(t, b.linking(), "dynamic (")
	}

	text := filepath.Join(t.TempDir(), "script")
	require.NoError(t, os.WriteFile(text, []byte("#!/bin/sh\n"), 0o700))
	b, err = inspectBinary(text)
	require.NoError(t, err)
	assert.Equal(t, binary{Name: "script", Size: 10, Format: "unknown"}, b)
	assert.False(t, b.static())
	assert.Equal(t, "unknown format", b.linking())

	_, err = inspectBinary(filepath.Join(t.TempDir(), "missing"))
	assert.ErrorContains(t, err, "no such file")
}

func TestLinking(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "static", binary{Format: "ELF"}.linking())
	assert.Equal(t, "dynamic (/lib64/ld-linux-x86-64.so.2)", binary{Format: "ELF", Interpreter: "/lib64/ld-linux-x86-64.so.2", Libraries: []string{"libc.so.6"}}.linking())
	assert.Equal(t, "dynamic (/usr/lib/libSystem.B.dylib)", binary{Format: "Mach-O", Libraries: []string{"/usr/lib/libSystem.B.dylib"}}.linking())
}

func TestDistBinaries(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	_, err := distBinaries(dir)
	assert.EqualError(t, err, "no nifcloud_lb_* binary in "+dir+" (run make dist)")

	for _, name := range []string{"nifcloud_lb_linux_x86_64", "nifcloud_lb_darwin_arm64", "SHA256SUMS", "nifcloud_lb.yml"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(name), 0o600))
	}
	bins, err := distBinaries(dir)
	require.NoError(t, err)
	require.Len(t, bins, 2)
	assert.Equal(t, "nifcloud_lb_darwin_arm64", bins[0].Name)
	assert.Equal(t, "nifcloud_lb_linux_x86_64", bins[1].Name)
}
