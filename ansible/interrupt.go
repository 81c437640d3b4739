package ansible

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

// InterruptError is the cause of a context that SignalContext cancelled.
type InterruptError struct {
	// Signal is the signal that interrupted the run.
	Signal os.Signal
}

func (e *InterruptError) Error() string {
	return "interrupted by " + e.Name()
}

// Name names the signal as users know it: SIGINT, SIGTERM.
func (e *InterruptError) Name() string { return signalName(e.Signal) }

// signalName names a signal as users know it: SIGINT, SIGTERM.
func signalName(s os.Signal) string {
	switch s {
	case os.Interrupt:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return s.String()
}

// SignalContext returns a context that SIGINT or SIGTERM cancels, with an
// *InterruptError as its cause, and the function that stops listening.
func SignalContext(parent context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-ch:
			cancel(&InterruptError{Signal: s})
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		close(done)
		cancel(nil)
	}
}

// Interrupted returns the interruption that ended ctx, if a signal did.
func Interrupted(ctx context.Context) (*InterruptError, bool) {
	var ie *InterruptError
	ok := errors.As(context.Cause(ctx), &ie)
	return ie, ok
}

// runInterruptible runs the module and returns how it ended. Once ctx is
// interrupted the module has the binary's grace period to finish; if it
// does not, the run ends with a failure that says so.
func (r *runner) runInterruptible(ctx context.Context, prog Program) outcome {
	done := make(chan outcome, 1)
	go func() { done <- r.run(ctx, prog) }()
	select {
	case out := <-done:
		return r.interrupted(ctx, out)
	case <-ctx.Done():
	}
	ie, ok := Interrupted(ctx)
	if !ok { // ended otherwise: the module's own calls see it
		return <-done
	}
	grace := r.bin.InterruptGrace
	if grace <= 0 {
		grace = DefaultInterruptGrace
	}
	select {
	case out := <-done:
		return r.interrupted(ctx, out)
	case <-time.After(grace):
		return outcome{res: Result{Failed: true, Msg: fmt.Sprintf(
			"Interrupted by %s, and the module did not stop within %s: what it had changed by then is not known. Read the state again before running it again.",
			signalName(ie.Signal), grace)}}
	}
}

// interrupted marks the result of a run that a signal interrupted: a
// failure says so first; a run that had finished gets a warning.
func (r *runner) interrupted(ctx context.Context, out outcome) outcome {
	ie, ok := Interrupted(ctx)
	if !ok || out.stack != nil {
		return out
	}
	if !out.res.Failed {
		r.module.Warn(fmt.Sprintf("%s arrived after the module had finished; its result is complete", signalName(ie.Signal)))
		return out
	}
	if !strings.HasPrefix(out.res.Msg, "Interrupted") {
		out.res.Msg = fmt.Sprintf("Interrupted by %s before the module finished. %s", signalName(ie.Signal), out.res.Msg)
	}
	return out
}
