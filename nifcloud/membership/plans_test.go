package membership

import (
	"context"
	"errors"
)

// The two plans the tests drive the reconciler with: the modules build
// theirs (see modules.combined) and call Apply.

// Present makes instances members of the listener. With purge, it also
// deregisters every member that is not in instances (instances must not be
// empty: purging to no member at all is refused). The servers that do not
// exist make the whole run fail, naming them; a load balancer or listener
// that does not exist is an error too.
func (r *Reconciler) Present(ctx context.Context, l Listener, instances []string, purge bool) (Change, error) {
	want := unique(instances)
	if len(want) == 0 {
		return Change{Listener: l}, errors.New("no server to make a member: the list of servers is empty")
	}
	return r.converge(ctx, l, nil, func(members []string) (add, remove []string) {
		add = Difference(want, members)
		if purge {
			remove = Difference(members, want)
		}
		return add, remove
	})
}

// Absent deregisters instances from the listener. A load balancer or
// listener that does not exist is a *MissingError; the change still counts
// what a call with an unknown outcome may have deregistered before it
// disappeared.
func (r *Reconciler) Absent(ctx context.Context, l Listener, instances []string) (Change, error) {
	want := unique(instances)
	return r.converge(ctx, l, nil, func(members []string) (add, remove []string) {
		return nil, Intersection(members, want)
	})
}
