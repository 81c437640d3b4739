package ansible

import (
	"fmt"
	"regexp"
)

// Check is an extra validation of an option, run by Main on the converted
// value when it is not null. name is the option's name; value has the Go
// type Params documents for the option's type. A non-nil error fails the
// task, its text joined with the other validation messages, so word it as
// Ansible does: "value of NAME must be ..., got: VALUE".
type Check func(name string, value any) error

// IntRange checks that an int option, or each item of a list of ints, lies
// between minimum and maximum inclusive: "value of NAME must be between MIN and
// MAX, got: VALUE".
func IntRange(minimum, maximum int) Check {
	return func(name string, value any) error {
		return eachItem(value, func(v any) error {
			n, ok := asInt(v)
			if !ok || n < minimum || n > maximum {
				return fmt.Errorf("value of %s must be between %d and %d, got: %s", name, minimum, maximum, pyStr(v))
			}
			return nil
		})
	}
}

// MatchRegexp checks that a string option, or each string item of a list,
// matches re: "value of NAME must be DESCRIPTION, got: VALUE", so the
// description completes "must be", as in "a NIFCLOUD instance ID (letters
// and digits)".
func MatchRegexp(re *regexp.Regexp, description string) Check {
	return func(name string, value any) error {
		return eachItem(value, func(v any) error {
			s, ok := v.(string)
			if !ok || !re.MatchString(s) {
				return fmt.Errorf("value of %s must be %s, got: %s", name, description, pyStr(v))
			}
			return nil
		})
	}
}

// NonEmpty checks that a string, list or dict option is not empty: "value
// of NAME must not be empty".
func NonEmpty() Check {
	return func(name string, value any) error {
		if !truthy(value) {
			if _, isBool := value.(bool); !isBool {
				return fmt.Errorf("value of %s must not be empty", name)
			}
		}
		return nil
	}
}

// NonEmptyElements checks that no item of a list option is an empty (or
// all-blank) string or null: "value of NAME must not contain empty
// elements, got: LIST". It catches "a,,b" and a trailing comma.
func NonEmptyElements() Check {
	return func(name string, value any) error {
		list, ok := value.([]any)
		if !ok {
			return nil
		}
		for _, e := range list {
			if s, isStr := e.(string); e == nil || (isStr && pyStrip(s) == "") {
				return fmt.Errorf("value of %s must not contain empty elements, got: %s", name, pyRepr(list))
			}
		}
		return nil
	}
}

// eachItem applies f to value, or to each item when value is a list.
func eachItem(value any, f func(any) error) error {
	list, ok := value.([]any)
	if !ok {
		return f(value)
	}
	for _, e := range list {
		if err := f(e); err != nil {
			return err
		}
	}
	return nil
}

func asInt(v any) (int, bool) {
	switch t := v.(type) {
	case int:
		return t, true
	case bool:
		if t {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}
