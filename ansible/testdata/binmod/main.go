// Command binmod is a tiny two-module binary built by binary_test.go to
// check what a real process prints: module binmod's "mode" option picks
// success, failure, panic or a wait for a signal; module binecho echoes its
// typed options.
package main

import (
	"context"
	"os"
	"time"

	"nifcloud_lb/ansible"
)

type binmodOptions struct {
	Mode   string `ansible:"mode"`
	Secret string `ansible:"secret"`
}

type binechoOptions struct {
	Word  string `ansible:"word"`
	Count *int   `ansible:"count"`
}

func main() {
	ctx, stop := ansible.SignalContext(context.Background())
	grace, _ := time.ParseDuration(os.Getenv("BINMOD_GRACE"))
	code := ansible.Main(ctx, ansible.Binary{
		Name:           "binmod",
		Version:        "9.9.9",
		InterruptGrace: grace,
		Modules: []ansible.Program{
			ansible.NewProgram("binmod", ansible.Spec{Options: []ansible.Option{
				{Name: "mode", Required: true, Choices: []any{"ok", "fail", "panic", "wait", "hang", "finish"}},
				{Name: "secret", NoLog: true, EnvFallback: []string{"BINMOD_SECRET"}},
			}}, binmod),
			ansible.NewProgram("binecho", ansible.Spec{Options: []ansible.Option{
				{Name: "word", Default: "hello"},
				{Name: "count", Type: ansible.TypeInt},
			}}, func(_ context.Context, m *ansible.Module, o binechoOptions) ansible.Result {
				data := map[string]any{"word": o.Word, "count": nil, "module": m.Name}
				if o.Count != nil {
					data["count"] = *o.Count
				}
				return ansible.Result{Data: data}
			}),
		},
	}, os.Args, os.Stdout, os.LookupEnv)
	stop()
	os.Exit(code)
}

func binmod(ctx context.Context, _ *ansible.Module, o binmodOptions) ansible.Result {
	switch o.Mode {
	case "fail":
		return ansible.Failf("failed with %s", o.Secret)
	case "panic":
		panic("panic with " + o.Secret)
	case "wait": // until interrupted, then report what was done
		ready()
		<-ctx.Done()
		return ansible.Result{Failed: true, Changed: true, Msg: "had registered web003", Data: map[string]any{"registered": []string{"web003"}}}
	case "hang": // ignores the interruption
		ready()
		select {}
	case "finish": // finishes its work whole after the interruption
		ready()
		<-ctx.Done()
		return ansible.Result{Changed: true, Msg: "registered web003"}
	}
	return ansible.Result{Changed: true, Msg: "ok with " + o.Secret}
}

// ready tells the test, by creating the file BINMOD_READY names, that the
// module waits.
func ready() {
	if f, err := os.Create(os.Getenv("BINMOD_READY")); err == nil {
		f.Close()
	}
}
