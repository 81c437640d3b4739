package main

import (
	"debug/elf"
	"debug/macho"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// binary is one built module binary.
type binary struct {
	// Name is the file name, e.g. nifcloud_lb_linux_x86_64.
	Name string
	// Size is the file size in bytes.
	Size int64
	// Format is "ELF", "Mach-O" or "unknown".
	Format string
	// Libraries are the shared libraries it loads; none for a static
	// binary.
	Libraries []string
	// Interpreter is the ELF program interpreter (dynamic loader), if any.
	Interpreter string
}

// static reports a binary that loads nothing at run time.
func (b binary) static() bool {
	return b.Format != "unknown" && len(b.Libraries) == 0 && b.Interpreter == ""
}

// linking describes how the binary links, for the report.
func (b binary) linking() string {
	switch {
	case b.Format == "unknown":
		return "unknown format"
	case b.static():
		return "static"
	case b.Interpreter != "":
		return "dynamic (" + b.Interpreter + ")"
	}
	return "dynamic (" + strings.Join(b.Libraries, ", ") + ")"
}

// distBinaries inspects the module binaries of a make dist directory
// (the files named nifcloud_lb_*), in name order.
func distBinaries(dir string) ([]binary, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "nifcloud_lb_*"))
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", dir, err)
	}
	sort.Strings(paths)
	if len(paths) == 0 {
		return nil, fmt.Errorf("no nifcloud_lb_* binary in %s (run make dist)", dir)
	}
	out := make([]binary, 0, len(paths))
	for _, p := range paths {
		b, err := inspectBinary(p)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

// inspectBinary reads the size, format and dynamic dependencies of an
// executable.
func inspectBinary(path string) (binary, error) {
	info, err := os.Stat(path)
	if err != nil {
		return binary{}, fmt.Errorf("inspect binary: %w", err)
	}
	b := binary{Name: filepath.Base(path), Size: info.Size(), Format: "unknown"}
	if f, err := elf.Open(path); err == nil {
		defer f.Close()
		b.Format = "ELF"
		if b.Libraries, err = f.ImportedLibraries(); err != nil {
			return binary{}, fmt.Errorf("inspect %s: %w", path, err)
		}
		for _, p := range f.Progs {
			if p.Type == elf.PT_INTERP {
				if p.Filesz > 4096 {
					return binary{}, fmt.Errorf("inspect %s: interpreter path of %d bytes", path, p.Filesz)
				}
				data := make([]byte, p.Filesz)
				if _, err := p.ReadAt(data, 0); err != nil {
					return binary{}, fmt.Errorf("inspect %s: read interpreter: %w", path, err)
				}
				b.Interpreter = strings.TrimRight(string(data), "\x00")
			}
		}
		return b, nil
	}
	if f, err := macho.Open(path); err == nil {
		defer f.Close()
		b.Format = "Mach-O"
		if b.Libraries, err = f.ImportedLibraries(); err != nil {
			return binary{}, fmt.Errorf("inspect %s: %w", path, err)
		}
		return b, nil
	}
	return b, nil
}
