package modules

import (
	"fmt"
	"strconv"
	"unicode"
	"unicode/utf8"

	"nifcloud_lb/ansible"
	"nifcloud_lb/nifcloud"
)

// maxServerName bounds the length of a server name. NIFCLOUD server names
// are at most 15 letters and digits, and a shared server's carries a
// 9-character NIFCLOUD ID prefix ("ABC12345."); the module accepts up to 64
// characters so that a longer rule in the future is not refused, and
// refuses anything longer before any call.
const maxServerName = 64

// serverNames checks that every item of a list option is a plausible server
// name: at most maxServerName characters, with no blank (any Unicode
// space), control or format character, and no replacement character (the
// trace of invalid UTF-8). The message shows the offending name escaped.
func serverNames() ansible.Check {
	return func(name string, value any) error {
		items, _ := value.([]any)
		for _, item := range items {
			s, _ := item.(string)
			if n := utf8.RuneCountInString(s); n > maxServerName {
				return fmt.Errorf("value of %s must be server names of at most %d characters, got one of %d characters: %s",
					name, maxServerName, n, quoteStart(s))
			}
			for i, r := range []rune(s) {
				if unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError {
					return fmt.Errorf("value of %s must be server names without blanks, control or format characters, got: %s (%U at character %d)",
						name, strconv.QuoteToASCII(s), r, i+1)
				}
			}
		}
		return nil
	}
}

// quoteStart quotes the start of a long string, escaped, for a message.
func quoteStart(s string) string {
	runes := []rune(s)
	return strconv.QuoteToASCII(string(runes[:min(len(runes), 20)])) + "..."
}

// portRange checks a port option against the API's range.
var portRange = ansible.IntRange(nifcloud.MinPort, nifcloud.MaxPort)

// classicName checks a classic load balancer's name, which may carry the
// prefix of the NIFCLOUD ID that shares it.
var classicName = nameCheck(nifcloud.ValidLoadBalancerName, nameRule+", optionally prefixed by a sharing NIFCLOUD ID (ABC12345.name)")

// elasticName checks a Multi Load Balancer's name.
var elasticName = nameCheck(nifcloud.ValidElasticLoadBalancerName, nameRule)

// nameRule is what a load balancer's own name is.
var nameRule = fmt.Sprintf("1 to %d letters and digits", nifcloud.MaxLoadBalancerNameLength)

// nameCheck checks a string option, or each item of a list of strings,
// with valid: "value of NAME must be DESCRIPTION, got: VALUE".
func nameCheck(valid func(string) bool, description string) ansible.Check {
	return func(name string, value any) error {
		items, ok := value.([]any)
		if !ok {
			items = []any{value}
		}
		for _, item := range items {
			if s, _ := item.(string); !valid(s) {
				return fmt.Errorf("value of %s must be %s, got: %s", name, description, shown(fmt.Sprint(item)))
			}
		}
		return nil
	}
}

// shown is a value as a message shows it: as it is when it is plain
// printable ASCII, as Ansible's own messages do, else quoted and escaped.
func shown(s string) string {
	for _, r := range s {
		if r <= ' ' || r > '~' {
			return strconv.QuoteToASCII(s)
		}
	}
	return s
}
