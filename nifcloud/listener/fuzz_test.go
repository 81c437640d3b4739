package listener

import (
	"net/netip"
	"testing"
)

// FuzzCanonicalAddress checks that CanonicalAddress accepts exactly the
// addresses and CIDR blocks without a zone, and that its result is
// canonical: accepted again, unchanged.
func FuzzCanonicalAddress(f *testing.F) {
	for _, s := range []string{"192.0.2.10", "203.0.113.9/24", "2001:DB8::1", "2001:db8::/32", "::ffff:192.0.2.1", "fe80::1%eth0",
		"*.*.*.*", "10.0.0.01", "1.2.3.4/33", "", "/", "1.2.3.4/", "::/0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, ok := CanonicalAddress(s)
		_, addrErr := netip.ParseAddr(s)
		_, prefixErr := netip.ParsePrefix(s)
		if ok && addrErr != nil && prefixErr != nil {
			t.Fatalf("%q accepted, but it is neither an address nor a block", s)
		}
		if !ok {
			return
		}
		again, ok := CanonicalAddress(c)
		if !ok || again != c {
			t.Fatalf("%q -> %q -> %q, %v: not canonical", s, c, again, ok)
		}
	})
}

func TestCanonicalAddress(t *testing.T) {
	for in, want := range map[string]string{
		"192.0.2.10": "192.0.2.10", "203.0.113.9/24": "203.0.113.0/24", "2001:DB8::1": "2001:db8::1", "2001:db8:0:0::/64": "2001:db8::/64",
		"fe80::1%eth0": "", "*.*.*.*": "", "10.0.0.01": "", "192.0.2.1/33": "", "example.com": "",
	} {
		got, ok := CanonicalAddress(in)
		if got != want || ok != (want != "") {
			t.Errorf("CanonicalAddress(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}
