package batch

import (
	"slices"

	"nifcloud_lb/nifcloud/membership"
)

// batches splits the pending requests, in arrival order, into the batches a
// holder applies one after the other, up to the one that holds the request
// mine: a request joins the open batch unless one of them must be alone
// (purge, Alone, an orphan whose outcome is unknown) or they conflict (one
// registers a server the other deregisters on the same listener).
func batches(pending []Request, mine string) [][]Request {
	var out [][]Request
	var open []Request
	for _, r := range pending {
		if len(open) > 0 && (alone(r) || alone(open[0]) || conflicts(open, r)) {
			out = append(out, open)
			open = nil
			if slices.ContainsFunc(out[len(out)-1], func(x Request) bool { return x.ID == mine }) {
				return out
			}
		}
		open = append(open, r)
	}
	if len(open) > 0 {
		out = append(out, open)
	}
	return out
}

// alone reports a request that is applied in a batch of its own.
func alone(r Request) bool {
	return r.Purge || r.Alone || r.Orphaned
}

// conflicts reports whether r registers a server that a request of batch
// deregisters on the same listener, or the other way round.
func conflicts(batch []Request, r Request) bool {
	for _, b := range batch {
		if b.Listener != r.Listener || b.Present == r.Present {
			continue
		}
		if len(membership.Intersection(r.Instances, b.Instances)) > 0 {
			return true
		}
	}
	return false
}

// groups splits a batch by listener, in the order their first requests
// arrived.
func groups(batch []Request) [][]Request {
	var out [][]Request
	index := map[Listener]int{}
	for _, r := range batch {
		i, ok := index[r.Listener]
		if !ok {
			i = len(out)
			index[r.Listener] = i
			out = append(out, nil)
		}
		out[i] = append(out[i], r)
	}
	return out
}

// outcomeOf narrows the result of a batch to one request: the servers it
// named that the batch registered or deregistered. An orphan, which a
// holder may have applied before it died, counts the servers of its own
// plan that the result shows applied, or, when nothing could be read, its
// whole plan: what may have been done counts.
func outcomeOf(r Request, res Result) Outcome {
	out := Outcome{Result: res}
	switch {
	case r.Orphaned && res.Instances == nil:
		out.Registered = membership.Union(r.Add, membership.Intersection(r.Instances, res.Registered))
		out.Deregistered = membership.Union(r.Remove, membership.Intersection(r.Instances, res.Deregistered))
	case r.Orphaned:
		out.Registered = membership.Union(membership.Intersection(r.Add, res.Instances), membership.Intersection(r.Instances, res.Registered))
		out.Deregistered = membership.Difference(r.Remove, res.Instances)
	case r.Present:
		out.Registered = membership.Intersection(r.Instances, res.Registered)
		out.Deregistered = []string{}
		if r.Purge {
			out.Deregistered = res.Deregistered
		}
	default:
		out.Registered = []string{}
		out.Deregistered = membership.Intersection(r.Instances, res.Deregistered)
	}
	if out.Registered == nil {
		out.Registered = []string{}
	}
	if out.Deregistered == nil {
		out.Deregistered = []string{}
	}
	slices.Sort(out.Registered)
	slices.Sort(out.Deregistered)
	return out
}
