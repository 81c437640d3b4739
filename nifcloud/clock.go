package nifcloud

import (
	"context"
	"time"
)

// Clock tells the time and waits. The client, the reconciler of package
// membership and the modules take one, so that tests run on a manual clock
// (nifcloudtest.Clock is one) instead of sleeping.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// Sleep waits for d, or until ctx ends, whichever comes first, and
	// returns ctx's error in the second case.
	Sleep(ctx context.Context, d time.Duration) error
}

// SystemClock is the system's clock.
var SystemClock Clock = systemClock{}

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

func (systemClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// ClockOr returns c, or SystemClock when c is nil: the default of every
// optional Clock field.
func ClockOr(c Clock) Clock {
	if c == nil {
		return SystemClock
	}
	return c
}
