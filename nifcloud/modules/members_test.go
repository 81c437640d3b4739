package modules

import (
	"context"
	"os"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nifcloud_lb/nifcloud"
	"nifcloud_lb/nifcloud/membership"
	"nifcloud_lb/nifcloud/nifcloudtest"
)

// failingRead is a listener whose reads fail with err.
type failingRead struct {
	membership.Listener
	err error
}

func (failingRead) String() string { return "weblb01 (80->8080)" }

func (f failingRead) Describe(context.Context) (membership.Snapshot, error) {
	return membership.Snapshot{}, f.err
}

// TestUnknownOutcomeWithAFailedRead: a run whose wait ended while another
// run applied its request, and whose read afterwards fails, counts its
// whole plan as done (it may have been) and fails with the read's error.
func TestUnknownOutcomeWithAFailedRead(t *testing.T) {
	r := &memberRun{}
	apiErr := &nifcloud.APIError{Action: describe, Code: "Server.InternalError", Message: "try later", RequestID: "req-1", StatusCode: 500}
	tg := target{listener: failingRead{err: apiErr}, snap: membership.Snapshot{Members: []string{"web001"}}}
	out, err := r.unknown(t.Context(), tg, []string{"web003"}, []string{"web001"})
	require.NoError(t, err)
	assert.Equal(t, []string{"web003"}, out.Registered)
	assert.Equal(t, []string{"web001"}, out.Deregistered)
	assert.Equal(t, []string{"web001"}, out.Instances, "the members as last read")
	require.NotNil(t, out.Err)
	assert.Contains(t, out.Err.Msg, "weblb01 (80->8080): another run on this machine was applying this run's change when the wait ended, and reading it again failed, so the change may or may not have been made")
	assert.Equal(t, []any{"Server.InternalError", "req-1", 500}, []any{out.Err.Code, out.Err.RequestID, out.Err.HTTPStatus})
	res := r.report(t.Context(), tg, out, map[string]any{})
	assert.True(t, res.Failed)
	assert.True(t, res.Changed, "what may have been done counts")
}

// TestEverywhereTrustsNoReadAnotherRunChangedUnder: a run on this machine
// changes a load balancer while an "everywhere" run reads them all; the
// change counters were taken before that read, so the everywhere run reads
// the port definition again under the lock instead of sending a change
// from its stale read.
func TestEverywhereTrustsNoReadAnotherRunChangedUnder(t *testing.T) {
	h := newHarness(t, testSeed())
	var started atomic.Bool
	h.after = func(r nifcloudtest.Request) {
		if r.Action != describe || !started.CompareAndSwap(false, true) {
			return
		}
		res, code, _ := h.run(t, h.args(map[string]any{"instance_ids": "web001", "state": "absent"}))
		require.Equal(t, 0, code, "%v", res)
		h.emu.ResetRequests()
	}
	res, code, _ := h.run(t, h.args(map[string]any{"loadbalancer_name": nil, "loadbalancer_port": nil, "instance_port": nil,
		"instance_ids": "web001", "state": "absent"}))
	require.Equal(t, 0, code, "%v", res)
	assert.Equal(t, []string{describe, deregister}, h.actions(),
		"80->8080 read again under the lock shows web001 gone; 443->8443 was not changed since the stamps")
	assert.Equal(t, []any{map[string]any{"loadbalancer_name": "weblb01", "loadbalancer_port": float64(443), "instance_port": float64(8443),
		"deregistered": []any{"web001"}}}, res["updated"])
}

// TestNoLockWithoutAChange: a run with nothing to do and a run in check
// mode take no lock: the lock folder stays empty.
func TestNoLockWithoutAChange(t *testing.T) {
	h := newHarness(t, testSeed())
	for _, extra := range []map[string]any{
		{"instance_ids": "web001"},
		{"instance_ids": "web003", "_ansible_check_mode": true},
		{"instance_ids": "web003", "state": "absent"},
	} {
		res, code, _ := h.run(t, h.args(extra))
		require.Equal(t, 0, code, "%v", res)
	}
	entries, err := os.ReadDir(h.env["NIFCLOUD_LB_LOCK_DIR"])
	require.NoError(t, err)
	assert.Empty(t, entries)
	e := newHarness(t, elasticSeed())
	for _, extra := range []map[string]any{{"instance_ids": "web001"}, {"instance_ids": "web003", "_ansible_check_mode": true}} {
		res, code, _ := e.run(t, e.elbArgs(extra))
		require.Equal(t, 0, code, "%v", res)
	}
	entries, err = os.ReadDir(e.env["NIFCLOUD_LB_LOCK_DIR"])
	require.NoError(t, err)
	assert.Empty(t, entries)
	res, code, _ := h.run(t, h.args(map[string]any{"instance_ids": "web003"}))
	require.Equal(t, 0, code, "%v", res)
	entries, err = os.ReadDir(h.env["NIFCLOUD_LB_LOCK_DIR"])
	require.NoError(t, err)
	assert.NotEmpty(t, entries, "a change takes the lock")
}

// reads is a listener whose reads give snap.
type reads struct {
	membership.Listener
	snap membership.Snapshot
}

func (reads) String() string { return "weblb01 (80->8080)" }

func (r reads) Describe(context.Context) (membership.Snapshot, error) { return r.snap, nil }

// TestUnknownOutcomeSettledByARead: a run whose wait ended while another run
// applied its request reads the listener: what of its plan shows applied
// counts; what does not is a failure that says what is still needed.
func TestUnknownOutcomeSettledByARead(t *testing.T) {
	r := &memberRun{o: memberOptions{State: "present", InstanceIDs: []string{"web003", "web004"}}}
	tg := target{listener: reads{snap: membership.Snapshot{Members: []string{"web001", "web003"}}}}
	out, err := r.unknown(t.Context(), tg, []string{"web003", "web004"}, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"web003"}, out.Registered, "what the read shows applied")
	assert.Equal(t, []string{"web001", "web003"}, out.Instances)
	require.NotNil(t, out.Err)
	assert.Equal(t, "weblb01 (80->8080): another run on this machine was still applying this run's change when wait_timeout ran out; "+
		"the state read afterwards still needs this change: register web004", out.Err.Msg)

	tg.listener = reads{snap: membership.Snapshot{Members: []string{"web003", "web004"}}}
	out, err = r.unknown(t.Context(), tg, []string{"web003", "web004"}, nil)
	require.NoError(t, err)
	assert.Nil(t, out.Err, "all of it was applied")
	assert.Equal(t, []string{"web003", "web004"}, out.Registered)
}
