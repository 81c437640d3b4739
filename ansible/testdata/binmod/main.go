// Command binmod is a tiny module built by binary_test.go to check what a
// real process prints: its "mode" option picks success, failure or panic.
package main

import (
	"os"

	"nifcloud_lb/ansible"
)

func main() {
	os.Exit(ansible.Main(ansible.Program{
		Name:    "binmod",
		Version: "9.9.9",
		Spec: ansible.Spec{Options: []ansible.Option{
			{Name: "mode", Required: true, Choices: []any{"ok", "fail", "panic"}},
			{Name: "secret", NoLog: true, EnvFallback: []string{"BINMOD_SECRET"}},
		}},
		Run: func(m *ansible.Module) ansible.Result {
			switch m.Params.Str("mode") {
			case "fail":
				return ansible.Failf("failed with %s", m.Params.Str("secret"))
			case "panic":
				panic("panic with " + m.Params.Str("secret"))
			}
			return ansible.Result{Changed: true, Msg: "ok with " + m.Params.Str("secret")}
		},
	}, os.Args, os.Stdout, os.LookupEnv))
}
