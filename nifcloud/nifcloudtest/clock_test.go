package nifcloudtest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestClock(t *testing.T) {
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	c := NewClock(start)
	assert.Equal(t, start, c.Now())
	c.Advance(time.Minute)
	assert.Equal(t, start.Add(time.Minute), c.Now())
	assert.NoError(t, c.Sleep(t.Context(), 10*time.Second))
	assert.Equal(t, start.Add(70*time.Second), c.Now())

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	assert.ErrorIs(t, c.Sleep(ctx, time.Second), context.Canceled)
	assert.Equal(t, start.Add(71*time.Second), c.Now(), "the time still passes")
}
