package batch

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var web80 = Listener{LoadBalancerName: "weblb01", LoadBalancerPort: 80, InstancePort: 8080}

func req(id string, present bool, names ...string) Request {
	return Request{ID: id, Listener: web80, Present: present, Instances: names}
}

func ids(bs [][]Request) [][]string {
	var out [][]string
	for _, b := range bs {
		var row []string
		for _, r := range b {
			row = append(row, r.ID)
		}
		out = append(out, row)
	}
	return out
}

func TestBatches(t *testing.T) {
	other := Listener{LoadBalancerName: "weblb01", LoadBalancerPort: 443, InstancePort: 8443}
	purge := req("p", true, "web9")
	purge.Purge = true
	alone := req("a", true, "web8")
	alone.Alone = true
	orphan := req("o", true, "web7")
	orphan.Orphaned = true
	onOther := req("x", false, "web1")
	onOther.Listener = other
	tests := []struct {
		name    string
		pending []Request
		mine    string
		want    [][]string
	}{
		{"compatible requests go together", []Request{req("1", true, "web1"), req("2", true, "web2"), req("3", false, "web3")}, "2",
			[][]string{{"1", "2", "3"}}},
		{"a register and a deregister of one server conflict, in arrival order", []Request{req("1", true, "web1"), req("2", false, "web1"), req("3", true, "web2")}, "3",
			[][]string{{"1"}, {"2", "3"}}},
		{"the holder stops after its own batch", []Request{req("1", true, "web1"), req("2", false, "web1"), req("3", true, "web2")}, "1",
			[][]string{{"1"}}},
		{"purge, alone and orphans go alone", []Request{req("1", true, "web1"), purge, req("2", true, "web2"), alone, orphan, req("3", true, "web3")}, "3",
			[][]string{{"1"}, {"p"}, {"2"}, {"a"}, {"o"}, {"3"}}},
		{"other listeners never conflict", []Request{req("1", true, "web1"), onOther}, "x", [][]string{{"1", "x"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, ids(batches(tt.pending, tt.mine)))
		})
	}
}

func TestGroups(t *testing.T) {
	a, b := req("1", true, "web1"), req("2", true, "web2")
	b.Listener.LoadBalancerPort = 443
	c := req("3", false, "web3")
	assert.Equal(t, [][]string{{"1", "3"}, {"2"}}, ids(groups([]Request{a, b, c})))
}

func TestOutcomeOf(t *testing.T) {
	res := Result{Registered: []string{"web3", "web1"}, Deregistered: []string{"web5"}, Instances: []string{"web1", "web2", "web3"}}
	present := req("1", true, "web3", "web2", "web1")
	out := outcomeOf(present, res)
	assert.Equal(t, []string{"web1", "web3"}, out.Registered, "its own servers the batch registered, sorted")
	assert.Equal(t, []string{}, out.Deregistered)
	absent := req("2", false, "web5", "web6")
	out = outcomeOf(absent, res)
	assert.Equal(t, []string{}, out.Registered)
	assert.Equal(t, []string{"web5"}, out.Deregistered)
	purge := req("3", true, "web1")
	purge.Purge = true
	assert.Equal(t, []string{"web5"}, outcomeOf(purge, res).Deregistered, "purge deregisters others")
	orphan := req("4", true, "web2", "web9")
	orphan.Orphaned, orphan.Add, orphan.Remove = true, []string{"web2", "web9"}, []string{"web7"}
	out = outcomeOf(orphan, res)
	assert.Equal(t, []string{"web2"}, out.Registered, "an orphan counts what of its plan shows applied")
	assert.Equal(t, []string{"web7"}, out.Deregistered)
	out = outcomeOf(orphan, Result{Err: &Error{Msg: "read failed"}})
	assert.Equal(t, []string{"web2", "web9"}, out.Registered, "nothing read: an orphan's whole plan may have been applied")
	assert.Equal(t, []string{"web7"}, out.Deregistered)
}

func TestKeyAndRoot(t *testing.T) {
	assert.Len(t, Key("https://x/api/", "AK", "secret", "weblb01"), 32)
	assert.NotEqual(t, Key("a", "bc"), Key("ab", "c"), "parts do not run together")
	assert.NotContains(t, Key("secret-value"), "secret")
	assert.Equal(t, "/custom", Root(func(k string) (string, bool) { return "/custom", k == EnvDir }))
	assert.Equal(t, filepath.Join(os.TempDir(), "nifcloud_lb-"+itoa(os.Getuid())), Root(func(string) (string, bool) { return "", false }))
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestOpenRefusesFoldersOfOthers(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, os.Chmod(root, 0o777))
	_, err := Open(root, "k")
	assert.ErrorContains(t, err, "others may write to it")
	require.NoError(t, os.Chmod(root, 0o700))
	file := filepath.Join(root, "file")
	require.NoError(t, os.WriteFile(file, nil, 0o600))
	_, err = Open(file, "k")
	assert.ErrorContains(t, err, "not a folder")
	q, err := Open(root, "k")
	require.NoError(t, err)
	info, err := os.Stat(q.dir)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), info.Mode().Perm())
}

// serveCounting is a Serve that records its batches and answers with every
// present request's servers registered.
type serveCounting struct {
	mu      sync.Mutex
	batches [][]string
	fresh   []bool
	delay   time.Duration
}

func (s *serveCounting) serve(_ context.Context, _ Listener, reqs []Request, fresh bool) Result {
	time.Sleep(s.delay)
	var names []string
	for _, r := range reqs {
		if r.Present {
			names = append(names, r.Instances...)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.batches = append(s.batches, names)
	s.fresh = append(s.fresh, fresh)
	return Result{Registered: names, Deregistered: []string{}, Instances: names}
}

func TestDoAlone(t *testing.T) {
	root := t.TempDir()
	q, err := Open(root, "lb")
	require.NoError(t, err)
	s := &serveCounting{}
	stamp := ReadStamp(root, "lb")
	out, err := q.Do(t.Context(), req("", true, "web1"), stamp, time.Second, s.serve)
	require.NoError(t, err)
	assert.Equal(t, []string{"web1"}, out.Registered)
	assert.Equal(t, []bool{false}, s.fresh, "the counter did not move since the run's read")
	assert.EqualValues(t, 1, out.Counter)
	assert.True(t, ReadStamp(root, "lb").n == 1)
	assert.False(t, q.StampAfter(out).moved(), "the run's own change does not make its next read stale")

	out, err = q.Do(t.Context(), req("", true, "web2"), stamp, time.Second, s.serve)
	require.NoError(t, err)
	assert.Equal(t, []bool{false, true}, s.fresh, "a stale stamp makes the holder read again")
	entries, err := os.ReadDir(q.dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	assert.ElementsMatch(t, []string{"counter", "lock"}, names, "no queue file outlives its run")
	for _, e := range entries {
		info, err := e.Info()
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), e.Name())
	}
}

func TestDoCombinesConcurrentRuns(t *testing.T) {
	root := t.TempDir()
	s := &serveCounting{delay: 50 * time.Millisecond}
	const runs = 20
	var wg sync.WaitGroup
	var failed atomic.Int32
	got := make([][]string, runs)
	for i := range runs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			q, err := Open(root, "lb")
			if err != nil {
				failed.Add(1)
				return
			}
			name := "web" + itoa(i)
			out, err := q.Do(context.Background(), req("", true, name), ReadStamp(root, "lb"), 10*time.Second, s.serve)
			if err != nil || out.Unknown {
				failed.Add(1)
				return
			}
			got[i] = out.Registered
		}()
	}
	wg.Wait()
	assert.Zero(t, failed.Load())
	for i := range runs {
		assert.Equal(t, []string{"web" + itoa(i)}, got[i], "each run reports only its own server")
	}
	var all []string
	for _, b := range s.batches {
		all = append(all, b...)
	}
	slices.Sort(all)
	assert.Len(t, all, runs, "every request served once")
	assert.Less(t, len(s.batches), runs/2, "requests queued while a change is in flight go together: %v", s.batches)
}

func TestDoWithdrawsAtTheDeadline(t *testing.T) {
	root := t.TempDir()
	q, err := Open(root, "lb")
	require.NoError(t, err)
	held, ok, err := q.tryLock()
	require.NoError(t, err)
	require.True(t, ok)
	defer held.unlock()
	_, err = q.Do(t.Context(), req("", true, "web1"), ReadStamp(root, "lb"), 30*time.Millisecond, (&serveCounting{}).serve)
	assert.ErrorContains(t, err, "waited too long for another run on this machine that is changing the same load balancer")
	entries, _ := os.ReadDir(q.dir)
	for _, e := range entries {
		assert.Contains(t, []string{"lock"}, e.Name(), "the withdrawn request is gone")
	}
}

func TestOrphansAndDeadRuns(t *testing.T) {
	root := t.TempDir()
	q, err := Open(root, "lb")
	require.NoError(t, err)
	write := func(name string, r Request) {
		data, err := json.Marshal(r)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(q.dir, name), data, 0o600))
	}
	dead := req("dead", true, "web9")
	dead.PID = 1 << 30 // no such process
	write("0000000000000000001-dead.req", dead)
	orphan := req("orph", true, "web7")
	orphan.PID, orphan.Add = os.Getpid(), []string{"web7"}
	write("0000000000000000002-orph.taken", orphan)

	s := &serveCounting{}
	out, err := q.Do(t.Context(), req("", true, "web1"), ReadStamp(root, "lb"), time.Second, s.serve)
	require.NoError(t, err)
	assert.Equal(t, []string{"web1"}, out.Registered)
	assert.Equal(t, [][]string{{"web7"}, {"web1"}}, s.batches, "the orphan is served again, alone, first; the dead run's request is dropped")
	orphanOut, ok := q.outcome("orph")
	require.True(t, ok)
	assert.Equal(t, []string{"web7"}, orphanOut.Registered)
	_, err = os.Stat(filepath.Join(q.dir, "0000000000000000001-dead.req"))
	assert.True(t, os.IsNotExist(err), "the request of a dead run is removed")
}

// TestAnswered covers the moment a holder reads a taken request whose run
// is cleaning up: it read the request file, then the run removed the file
// and its outcome. Serving it again would apply it twice
// (TestDoCombinesConcurrentRuns caught this about once in 75 runs).
func TestAnswered(t *testing.T) {
	q, err := Open(t.TempDir(), "lb")
	require.NoError(t, err)
	taken := req("tk", true, "web2")
	taken.file, taken.Orphaned = "0000000000000000001-tk", true
	path := q.path(taken.file, ".taken")
	require.NoError(t, os.WriteFile(path, nil, 0o600))
	assert.False(t, q.answered(taken), "taken, no outcome, file still there: its holder died")
	q.answer(taken, Outcome{})
	assert.True(t, q.answered(taken), "its outcome is written")
	q.remove(taken)
	assert.True(t, q.answered(taken), "its run read the outcome and removed its files meanwhile")
	queued := req("rq", true, "web3")
	queued.file = "0000000000000000002-rq"
	assert.False(t, q.answered(queued), "a queued request is served")
}

// TestNoQueueFileOutlivesItsRun covers the files a run could leave: an
// outcome written after its run stopped waiting, one whose request is gone,
// and a withdrawn request of a dead run.
func TestNoQueueFileOutlivesItsRun(t *testing.T) {
	q, err := Open(t.TempDir(), "lb")
	require.NoError(t, err)
	gone := req("gone", true, "web1")
	gone.file = "0000000000000000001-gone"
	q.answer(gone, Outcome{})
	_, err = os.Stat(q.path("gone", ".out"))
	assert.True(t, os.IsNotExist(err), "an outcome for a run that stopped waiting is removed at once")

	require.NoError(t, os.WriteFile(q.path("stale", ".out"), []byte("{}"), 0o600))
	dead := req("dead", true, "web2")
	dead.PID = 1 << 30
	data, err := json.Marshal(dead)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(q.path("0000000000000000002-dead", ".withdrawn"), data, 0o600))
	live := req("live", true, "web3")
	live.PID = os.Getpid()
	data, err = json.Marshal(live)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(q.path("0000000000000000003-live", ".taken"), data, 0o600))
	require.NoError(t, os.WriteFile(q.path("live", ".out"), []byte("{}"), 0o600))
	assert.Empty(t, q.pending(), "the live run's request is answered")
	names, err := filepath.Glob(filepath.Join(q.dir, "*"))
	require.NoError(t, err)
	for i := range names {
		names[i] = filepath.Base(names[i])
	}
	assert.ElementsMatch(t, []string{"0000000000000000003-live.taken", "live.out"}, names, "the stale outcome and the dead run's withdrawn request are swept")
}

// TestEveryRequestServedOnce runs rounds of runs that all want the lock at
// once, with changes that take no time: a holder that released the lock
// before removing its own taken request had it served again as an orphan
// by the next holder.
func TestEveryRequestServedOnce(t *testing.T) {
	root := t.TempDir()
	s := &serveCounting{}
	const rounds, runs = 20, 30
	for round := range rounds {
		var wg sync.WaitGroup
		for i := range runs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				q, err := Open(root, "lb")
				if !assert.NoError(t, err) {
					return
				}
				_, err = q.Do(context.Background(), req("", true, fmt.Sprintf("web%d-%d", round, i)), ReadStamp(root, "lb"), 10*time.Second, s.serve)
				assert.NoError(t, err)
			}()
		}
		wg.Wait()
	}
	var all []string
	for _, b := range s.batches {
		all = append(all, b...)
	}
	assert.Len(t, all, rounds*runs, "every request served once")
	entries, err := os.ReadDir(filepath.Join(root, "lb"))
	require.NoError(t, err)
	assert.Len(t, entries, 2, "the lock and the counter only")
}
