package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nifcloud_lb/nifcloud/batch"
	"nifcloud_lb/nifcloud/nifcloudtest"
)

// These tests run real processes of the module at once against one
// emulator, as forks of ansible-playbook do: the lock, the queue and the
// outcomes cross process boundaries here.

// fleet is one emulator and the processes a test runs against it.
type fleet struct {
	t        *testing.T
	bin      string
	emu      *nifcloudtest.Server
	endpoint string
	lockDir  string
}

// newFleet starts an emulator with servers web01..web60 known, weblb01
// (80->8080, web01) and webelb01 (elb-0a1b2c3d, TCP 80->8080, web01).
func newFleet(t *testing.T, adjust func(*nifcloudtest.Options)) *fleet {
	opts := nifcloudtest.Options{Credentials: []nifcloudtest.Credential{cred}}
	for i := 1; i <= 60; i++ {
		opts.Instances = append(opts.Instances, nifcloudtest.Instance{InstanceID: fmt.Sprintf("web%02d", i)})
	}
	web01 := []nifcloudtest.Member{{InstanceID: "web01"}}
	opts.LoadBalancers = []nifcloudtest.LoadBalancer{{Name: "weblb01", Ports: []nifcloudtest.Port{{LoadBalancerPort: 80, InstancePort: 8080, Members: web01}}}}
	opts.ElasticLoadBalancers = []nifcloudtest.ElasticLoadBalancer{{Name: "webelb01", ID: "elb-0a1b2c3d",
		Listeners: []nifcloudtest.ElasticListener{{Protocol: "TCP", ElasticLoadBalancerPort: 80, InstancePort: 8080, Members: web01}}}}
	if adjust != nil {
		adjust(&opts)
	}
	emu, err := nifcloudtest.New(opts)
	require.NoError(t, err)
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	return &fleet{t: t, bin: binary(t), emu: emu, endpoint: srv.URL + "/api/", lockDir: t.TempDir()}
}

// start starts one run of module with args (the endpoint, and the
// listener of the family, are added).
func (f *fleet) start(module string, args map[string]any) (*exec.Cmd, *strings.Builder) {
	a := map[string]any{"endpoint": f.endpoint, "loadbalancer_port": 80, "instance_port": 8080, "_ansible_module_name": module}
	if module == "nifcloud_elb" {
		a["loadbalancer_name"] = "webelb01"
	} else {
		a["loadbalancer_name"] = "weblb01"
	}
	lockDir := f.lockDir
	for k, v := range args {
		if k == "_lock_dir" {
			lockDir = v.(string)
			continue
		}
		a[k] = v
	}
	data, err := json.Marshal(a)
	require.NoError(f.t, err)
	path := filepath.Join(f.t.TempDir(), "args")
	require.NoError(f.t, os.WriteFile(path, data, 0o600))
	cmd := exec.Command(f.bin, path)
	cmd.Env = []string{"NIFCLOUD_ACCESS_KEY_ID=" + cred.AccessKeyID, "NIFCLOUD_SECRET_ACCESS_KEY=" + cred.SecretAccessKey, "NIFCLOUD_LB_LOCK_DIR=" + lockDir}
	out := &strings.Builder{}
	cmd.Stdout = out
	require.NoError(f.t, cmd.Start())
	return cmd, out
}

// finish waits for a run and decodes its result.
func (f *fleet) finish(cmd *exec.Cmd, out *strings.Builder) map[string]any {
	_ = cmd.Wait() // the exit code is in the result
	var res map[string]any
	require.NoError(f.t, json.Unmarshal([]byte(out.String()), &res), "one JSON object: %q", out.String())
	assert.NotContains(f.t, out.String(), cred.SecretAccessKey)
	return res
}

// runAll runs the modules with the given args at once and returns their
// results, in order.
func (f *fleet) runAll(module string, args []map[string]any) []map[string]any {
	cmds := make([]*exec.Cmd, len(args))
	outs := make([]*strings.Builder, len(args))
	for i, a := range args {
		cmds[i], outs[i] = f.start(module, a)
	}
	res := make([]map[string]any, len(args))
	for i := range args {
		res[i] = f.finish(cmds[i], outs[i])
	}
	return res
}

// count counts the emulator's calls of an action.
func (f *fleet) count(action string) int {
	return f.emu.CountActions()[action]
}

// queueDir is the lock folder of a load balancer, as the modules key it.
func (f *fleet) queueDir(kind, name string) string {
	return filepath.Join(f.lockDir, batch.Key(f.endpoint, cred.AccessKeyID, cred.SecretAccessKey, kind, name))
}

func registerEach(from, n int) []map[string]any {
	var out []map[string]any
	for i := range n {
		out = append(out, map[string]any{"instance_ids": fmt.Sprintf("web%02d", from+i)})
	}
	return out
}

func names(from, n int) []string {
	var out []string
	for i := range n {
		out = append(out, fmt.Sprintf("web%02d", from+i))
	}
	return out
}

func TestConcurrentElasticRunsOnOneMachine(t *testing.T) {
	t.Parallel()
	f := newFleet(t, func(o *nifcloudtest.Options) { o.ElasticBusy = 300 * time.Millisecond })
	results := f.runAll("nifcloud_elb", registerEach(2, 10))
	for i, res := range results {
		require.Equal(t, false, res["failed"], "run %d: %v", i, res["msg"])
		assert.Equal(t, []any{fmt.Sprintf("web%02d", i+2)}, res["registered"], "each run reports its own server")
		assert.Equal(t, true, res["changed"])
	}
	assert.ElementsMatch(t, append([]string{"web01"}, names(2, 10)...), f.emu.ElasticMembers("webelb01", "TCP", 80, 8080))
	assert.Less(t, f.count("NiftyRegisterInstancesWithElasticLoadBalancer"), 10, "concurrent requests are combined")
}

func TestConcurrentElasticRunsOfSeparateControllers(t *testing.T) {
	t.Parallel()
	f := newFleet(t, func(o *nifcloudtest.Options) { o.ElasticBusy = 200 * time.Millisecond })
	args := registerEach(2, 10)
	for _, a := range args {
		a["_lock_dir"] = t.TempDir() // ten controllers: no shared lock
	}
	results := f.runAll("nifcloud_elb", args)
	for i, res := range results {
		require.Equal(t, false, res["failed"], "run %d: %v", i, res["msg"])
		assert.Equal(t, []any{fmt.Sprintf("web%02d", i+2)}, res["registered"])
	}
	assert.ElementsMatch(t, append([]string{"web01"}, names(2, 10)...), f.emu.ElasticMembers("webelb01", "TCP", 80, 8080))
}

func TestBatchReportsEachRunsOwnServers(t *testing.T) {
	t.Parallel()
	f := newFleet(t, func(o *nifcloudtest.Options) {
		o.Latency = 50 * time.Millisecond
		o.LoadBalancers[0].Ports[0].Members = append(o.LoadBalancers[0].Ports[0].Members, []nifcloudtest.Member{
			{InstanceID: "web20"}, {InstanceID: "web21"}, {InstanceID: "web22"}, {InstanceID: "web23"}, {InstanceID: "web24"}}...)
	})
	args := registerEach(2, 5)
	for _, n := range names(20, 5) {
		args = append(args, map[string]any{"instance_ids": n, "state": "absent"})
	}
	results := f.runAll("nifcloud_lb", args)
	for i, res := range results {
		require.Equal(t, false, res["failed"], "run %d: %v", i, res["msg"])
		assert.Equal(t, true, res["changed"])
		if i < 5 {
			assert.Equal(t, []any{fmt.Sprintf("web%02d", i+2)}, res["registered"])
			assert.Equal(t, []any{}, res["deregistered"])
		} else {
			assert.Equal(t, []any{}, res["registered"])
			assert.Equal(t, []any{fmt.Sprintf("web%02d", i+15)}, res["deregistered"])
		}
	}
	assert.ElementsMatch(t, append([]string{"web01"}, names(2, 5)...), f.emu.Members("weblb01", 80, 8080))
	assert.Less(t, f.count("RegisterInstancesWithLoadBalancer"), 5)
	assert.Less(t, f.count("DeregisterInstancesFromLoadBalancer"), 5)
	assertQueueClean(t, f.queueDir("classic", "weblb01"))
}

// assertQueueClean checks that only the lock and the counter remain in a
// queue folder, readable by their owner only.
func assertQueueClean(t *testing.T, dir string) {
	t.Helper()
	info, err := os.Stat(dir)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), info.Mode().Perm())
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		assert.Contains(t, []string{"lock", "counter"}, e.Name(), "no queue file outlives its run")
		fi, err := e.Info()
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), e.Name())
	}
}

// holdLock takes a queue's lock, as a run would, and returns the function
// that releases it.
func holdLock(t *testing.T, dir string) func() {
	require.NoError(t, os.MkdirAll(dir, 0o700))
	require.NoError(t, os.Chmod(filepath.Dir(dir), 0o700))
	lf, err := os.OpenFile(filepath.Join(dir, "lock"), os.O_RDWR|os.O_CREATE, 0o600)
	require.NoError(t, err)
	require.NoError(t, syscall.Flock(int(lf.Fd()), syscall.LOCK_EX))
	return func() { lf.Close() }
}

// waitQueued waits until n requests wait in a queue folder, and checks
// their mode.
func waitQueued(t *testing.T, dir string, n int) {
	require.Eventually(t, func() bool {
		reqs, _ := filepath.Glob(filepath.Join(dir, "*.req"))
		for _, r := range reqs {
			if fi, err := os.Stat(r); err == nil {
				assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
			}
		}
		return len(reqs) == n
	}, 20*time.Second, 5*time.Millisecond)
}

func TestConflictingRequestsGoAloneInArrivalOrder(t *testing.T) {
	t.Parallel()
	f := newFleet(t, func(o *nifcloudtest.Options) {
		o.LoadBalancers[0].Ports[0].Members = append(o.LoadBalancers[0].Ports[0].Members, nifcloudtest.Member{InstanceID: "web05"})
	})
	dir := f.queueDir("classic", "weblb01")
	release := holdLock(t, dir)
	// In arrival order: a keeps web05 and adds web06; b removes web05,
	// which conflicts with a; c adds web07, which goes with b.
	a, aOut := f.start("nifcloud_lb", map[string]any{"instance_ids": []string{"web05", "web06"}})
	waitQueued(t, dir, 1)
	b, bOut := f.start("nifcloud_lb", map[string]any{"instance_ids": "web05", "state": "absent"})
	waitQueued(t, dir, 2)
	c, cOut := f.start("nifcloud_lb", map[string]any{"instance_ids": "web07"})
	waitQueued(t, dir, 3)
	release()
	ra, rb, rc := f.finish(a, aOut), f.finish(b, bOut), f.finish(c, cOut)
	assert.Equal(t, []any{"web06"}, ra["registered"])
	assert.Equal(t, []any{"web05"}, rb["deregistered"])
	assert.Equal(t, []any{"web07"}, rc["registered"])
	assert.Equal(t, []string{"web01", "web06", "web07"}, f.emu.Members("weblb01", 80, 8080))
	counter, err := os.ReadFile(filepath.Join(dir, "counter"))
	require.NoError(t, err)
	assert.Equal(t, "2", string(counter), "two batches: a alone, then b with c")
	assert.Equal(t, 2, f.count("RegisterInstancesWithLoadBalancer"))
	assert.Equal(t, 1, f.count("DeregisterInstancesFromLoadBalancer"))
	assertQueueClean(t, dir)
}

func TestBatchFalseAppliesEachRequestAlone(t *testing.T) {
	t.Parallel()
	f := newFleet(t, nil)
	args := registerEach(2, 6)
	for _, a := range args {
		a["batch"] = false
	}
	for i, res := range f.runAll("nifcloud_lb", args) {
		require.Equal(t, false, res["failed"], "run %d: %v", i, res["msg"])
	}
	assert.Equal(t, 6, f.count("RegisterInstancesWithLoadBalancer"))
	assert.ElementsMatch(t, append([]string{"web01"}, names(2, 6)...), f.emu.Members("weblb01", 80, 8080))
}

func TestABatchRefusedByTheAPIFailsEveryRun(t *testing.T) {
	t.Parallel()
	f := newFleet(t, nil)
	dir := f.queueDir("classic", "weblb01")
	require.NoError(t, f.emu.Inject(nifcloudtest.Fault{Action: "RegisterInstancesWithLoadBalancer", Times: nifcloudtest.Forever,
		Code: "Client.Inoperable.Something", Message: "refused"}))
	release := holdLock(t, dir)
	var cmds []*exec.Cmd
	var outs []*strings.Builder
	for _, a := range registerEach(2, 4) {
		c, o := f.start("nifcloud_lb", a)
		cmds, outs = append(cmds, c), append(outs, o)
	}
	waitQueued(t, dir, 4)
	release()
	for i := range cmds {
		res := f.finish(cmds[i], outs[i])
		assert.Equal(t, true, res["failed"])
		assert.Equal(t, "Client.Inoperable.Something", res["error_code"])
		assert.Equal(t, []any{"web01"}, res["instances"])
	}
	assert.Equal(t, 1, f.count("RegisterInstancesWithLoadBalancer"), "one batch, refused once")
	assertQueueClean(t, dir)
}

// lockHolder returns the process that holds the flock of file, from
// /proc/locks.
func lockHolder(t *testing.T, file string) int {
	var st syscall.Stat_t
	require.NoError(t, syscall.Stat(file, &st))
	locks, err := os.Open("/proc/locks")
	require.NoError(t, err)
	defer locks.Close()
	sc := bufio.NewScanner(locks)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 6 || f[1] != "FLOCK" {
			continue
		}
		if parts := strings.Split(f[5], ":"); len(parts) == 3 && parts[2] == strconv.FormatUint(st.Ino, 10) {
			pid, _ := strconv.Atoi(f[4])
			return pid
		}
	}
	return 0
}

func TestAHolderKilledMidBatch(t *testing.T) {
	t.Parallel()
	f := newFleet(t, nil)
	dir := f.queueDir("classic", "weblb01")
	// The holder's register hangs until the holder is killed.
	require.NoError(t, f.emu.Inject(nifcloudtest.Fault{Action: "RegisterInstancesWithLoadBalancer", Delay: 20 * time.Second}))
	release := holdLock(t, dir)
	pids := map[int]int{}
	var cmds []*exec.Cmd
	var outs []*strings.Builder
	for i, a := range registerEach(2, 3) {
		c, o := f.start("nifcloud_lb", a)
		cmds, outs = append(cmds, c), append(outs, o)
		pids[c.Process.Pid] = i
	}
	waitQueued(t, dir, 3)
	release()
	// The holder has claimed the batch: its register is in flight.
	require.Eventually(t, func() bool {
		taken, _ := filepath.Glob(filepath.Join(dir, "*.taken"))
		return len(taken) == 3
	}, 20*time.Second, 5*time.Millisecond)
	holder := lockHolder(t, filepath.Join(dir, "lock"))
	victim, ok := pids[holder]
	require.True(t, ok, "the lock is held by one of the runs (pid %d)", holder)
	require.NoError(t, cmds[victim].Process.Kill())
	_ = cmds[victim].Wait() // reaped at once, as Ansible's worker does
	for i := range cmds {
		if i == victim {
			continue
		}
		res := f.finish(cmds[i], outs[i])
		require.Equal(t, false, res["failed"], "survivor %d: %v", i, res["msg"])
		assert.Equal(t, []any{fmt.Sprintf("web%02d", i+2)}, res["registered"], "a request taken by the dead holder counts what shows applied")
	}
	members := f.emu.Members("weblb01", 80, 8080)
	for i := range cmds {
		if i != victim {
			assert.Contains(t, members, fmt.Sprintf("web%02d", i+2))
		}
	}
	assertQueueClean(t, dir)
}
