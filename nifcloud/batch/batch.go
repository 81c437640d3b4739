// Package batch combines the membership changes that concurrent runs on one
// machine want on one load balancer, and makes them single writers of it.
//
// The usual way to run a module is one task per host, delegated to the
// controller: fifty forks run fifty processes against the same load
// balancer. Each run that wants a change writes a Request into the load
// balancer's queue folder, then takes the folder's lock (an flock, which the
// OS releases when its holder dies). The holder takes every request queued
// at that moment, in arrival order, and applies those that may go together
// as one change (the serve function of the caller: one register and one
// deregister per listener), then writes each request's Outcome. A run whose
// request another run served reads its outcome and finishes without
// changing anything itself.
//
// A change counter kept beside the lock tells a run, cheaply and exactly,
// whether another run on this machine may have changed the load balancer
// since it read it (ReadStamp before the read, then Do): only then does
// the holder read again. The counter is bumped before any change is sent,
// so a holder that dies mid-change still leaves it moved.
//
// Requests that may not go together are applied in arrival order, each
// alone: a register and a deregister of the same server, a request with
// purge, a request that asks to be alone (Request.Alone). Files are created
// with mode 0600 in folders of mode 0700; a run removes its own files when
// it ends, and a holder removes those of runs that died.
package batch

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// EnvDir names the environment variable of the lock folder's root.
const EnvDir = "NIFCLOUD_LB_LOCK_DIR"

// Root returns the root of the lock folders: $NIFCLOUD_LB_LOCK_DIR when
// set, else "nifcloud_lb-UID" in the system's temporary folder (which
// honours TMPDIR).
func Root(getenv func(string) (string, bool)) string {
	if dir, ok := getenv(EnvDir); ok && dir != "" {
		return dir
	}
	return filepath.Join(os.TempDir(), "nifcloud_lb-"+strconv.Itoa(os.Getuid()))
}

// Key returns the name of a load balancer's folder: a hash of its parts
// (the endpoint, the credentials, the load balancer's id), so that no
// secret is written to disk.
func Key(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%d:%s\n", len(p), p)
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// Queue is the folder of one load balancer: its lock, change counter and
// queue of requests.
type Queue struct {
	dir string
	// aliases are the folders of the other keys of the same load balancer
	// (its name, when the queue is keyed by id): their counters move with
	// the queue's, so a run that knows only the name can take its Stamp
	// before it reads the load balancer.
	aliases []string
}

// Open returns the queue of the load balancer key under root, creating the
// folders (mode 0700) when needed, with the other keys the load balancer
// is known by. A root that exists and is not a folder of this user, or that
// others may write to, is refused.
func Open(root, key string, aliases ...string) (*Queue, error) {
	if err := ownFolder(root); err != nil {
		return nil, err
	}
	q := &Queue{dir: filepath.Join(root, key)}
	if err := ownFolder(q.dir); err != nil {
		return nil, err
	}
	for _, a := range aliases {
		if a == key {
			continue
		}
		dir := filepath.Join(root, a)
		if err := ownFolder(dir); err != nil {
			return nil, err
		}
		q.aliases = append(q.aliases, dir)
	}
	return q, nil
}

// ownFolder makes sure dir is a folder of this user that no one else may
// write to, creating it with mode 0700 when it does not exist.
func ownFolder(dir string) error {
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
		return fmt.Errorf("lock folder %s: %w", dir, err)
	}
	info, err := os.Lstat(dir)
	if err != nil {
		return fmt.Errorf("lock folder %s: %w", dir, err)
	}
	st, ok := info.Sys().(*syscall.Stat_t)
	switch {
	case !info.IsDir():
		return fmt.Errorf("lock folder %s: not a folder", dir)
	case ok && int(st.Uid) != os.Getuid():
		return fmt.Errorf("lock folder %s: owned by user %d, not by this user", dir, st.Uid)
	case info.Mode().Perm()&0o022 != 0:
		return fmt.Errorf("lock folder %s: others may write to it (mode %s)", dir, info.Mode().Perm())
	}
	return nil
}

// Stamp is the change counter of a load balancer at one moment.
type Stamp struct {
	dir string
	n   uint64
}

// ReadStamp returns the change counter of the load balancer key under root,
// to be taken before the run reads the load balancer; Do compares it with
// the counter once it holds the lock. It creates nothing: a missing or
// unreadable counter reads as 0.
func ReadStamp(root, key string) Stamp {
	dir := filepath.Join(root, key)
	return Stamp{dir: dir, n: counter(dir)}
}

// Stamps reads the change counters of every load balancer under root at
// once, for a run that reads several load balancers before it knows which
// it will change: the function it returns gives, for a key, the stamp
// ReadStamp would have given at that moment.
func Stamps(root string) func(key string) Stamp {
	entries, _ := os.ReadDir(root)
	known := make(map[string]Stamp, len(entries))
	for _, e := range entries {
		known[e.Name()] = ReadStamp(root, e.Name())
	}
	return func(key string) Stamp {
		if s, ok := known[key]; ok {
			return s
		}
		return Stamp{dir: filepath.Join(root, key)} // no folder yet: counter 0
	}
}

// StampAfter returns the stamp of the queue as its counter was right after
// the batch that served out: a run that changes another listener of the
// same load balancer next still knows its own read of it is current unless
// someone changed the load balancer since.
func (q *Queue) StampAfter(out Outcome) Stamp {
	if out.Counter == 0 {
		return Stamp{}
	}
	return Stamp{dir: q.dir, n: out.Counter}
}

// moved reports whether the counter moved since the stamp was taken.
func (s Stamp) moved() bool {
	return s.dir == "" || counter(s.dir) != s.n
}

// counter reads the change counter of a folder.
func counter(dir string) uint64 {
	data, err := os.ReadFile(filepath.Join(dir, "counter"))
	if err != nil {
		return 0
	}
	n, _ := strconv.ParseUint(strings.TrimSpace(string(data)), 10, 64)
	return n
}

// bump increments the change counters of the queue and its aliases; the
// caller holds the lock.
func (q *Queue) bump() error {
	for _, dir := range append([]string{q.dir}, q.aliases...) {
		if err := writeFile(filepath.Join(dir, "counter"), []byte(strconv.FormatUint(counter(dir)+1, 10))); err != nil {
			return err
		}
	}
	return nil
}

// writeFile writes data to path atomically, with mode 0600.
func writeFile(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// lock is the held flock of a queue.
type lock struct {
	f *os.File
}

// tryLock takes the queue's lock if it is free.
func (q *Queue) tryLock() (*lock, bool, error) {
	f, err := os.OpenFile(filepath.Join(q.dir, "lock"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, false, fmt.Errorf("lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, false, nil
		}
		return nil, false, fmt.Errorf("lock: %w", err)
	}
	return &lock{f: f}, true, nil
}

// unlock releases the lock.
func (l *lock) unlock() {
	l.f.Close() // closing the file releases the flock
}

// Lock polling: the first wait, and the longest (real time: other
// processes hold the lock, not this one's clock).
const (
	firstPoll = 5 * time.Millisecond
	maxPoll   = 50 * time.Millisecond
)
