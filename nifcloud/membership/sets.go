package membership

import "slices"

// The helpers below treat []string as sets of server names. They keep the
// order of their first argument, so that API calls list servers in the order
// the user gave them, and they run in linear time: a port definition can have
// thousands of members.

// unique returns names without duplicates, in first-seen order.
func unique(names []string) []string {
	seen := make(map[string]struct{}, len(names))
	out := make([]string, 0, len(names))
	for _, n := range names {
		if _, dup := seen[n]; !dup {
			seen[n] = struct{}{}
			out = append(out, n)
		}
	}
	return out
}

// toSet returns the names as a set.
func toSet(names []string) map[string]struct{} {
	s := make(map[string]struct{}, len(names))
	for _, n := range names {
		s[n] = struct{}{}
	}
	return s
}

// Difference returns the names of a that are not in b.
func Difference(a, b []string) []string {
	in := toSet(b)
	var out []string
	for _, n := range a {
		if _, ok := in[n]; !ok {
			out = append(out, n)
		}
	}
	return out
}

// Intersection returns the names of a that are also in b.
func Intersection(a, b []string) []string {
	in := toSet(b)
	var out []string
	for _, n := range a {
		if _, ok := in[n]; ok {
			out = append(out, n)
		}
	}
	return out
}

// Union returns a followed by the names of b that are not in a, without
// duplicates; it never returns nil.
func Union(a, b []string) []string {
	return unique(append(slices.Clip(a), b...))
}

// Sorted returns a sorted copy of names without duplicates, never nil.
func Sorted(names []string) []string {
	out := unique(names)
	slices.Sort(out)
	return out
}
