package ansible

import (
	"encoding/json"
	"math/big"
	"strconv"
)

// truthy reports whether Python would take v as true in an if statement.
func truthy(v any) bool {
	switch t := v.(type) {
	case nil:
		return false
	case bool:
		return t
	case string:
		return t != ""
	case []any:
		return len(t) > 0
	case *object:
		return len(t.keys) > 0
	case map[string]any:
		return len(t) > 0
	}
	if f, i, ok := numeric(v); ok {
		if i != nil {
			return i.Sign() != 0
		}
		return f != 0
	}
	return true
}

// numeric returns the value of a number (or bool, which Python treats as
// an int): i is set for integers, f for floats.
func numeric(v any) (f float64, i *big.Int, ok bool) {
	switch t := v.(type) {
	case bool:
		if t {
			return 0, big.NewInt(1), true
		}
		return 0, big.NewInt(0), true
	case int:
		return 0, big.NewInt(int64(t)), true
	case int64:
		return 0, big.NewInt(t), true
	case float64:
		return t, nil, true
	case pyFloatValue:
		return float64(t), nil, true
	case json.Number:
		if isFloatNumber(t) {
			f, _ := strconv.ParseFloat(string(t), 64)
			return f, nil, true
		}
		if n, ok := new(big.Int).SetString(string(t), 10); ok {
			return 0, n, true
		}
	}
	return 0, nil, false
}

// pyEqual compares two values as Python's == compares what json.loads
// made of them: numbers by value across int, float and bool, lists item by
// item, dicts key by key.
func pyEqual(a, b any) bool {
	if fa, ia, ok := numeric(a); ok {
		fb, ib, ok := numeric(b)
		switch {
		case !ok:
			return false
		case ia != nil && ib != nil:
			return ia.Cmp(ib) == 0
		case ia != nil:
			fa, _ = new(big.Float).SetInt(ia).Float64()
		case ib != nil:
			fb, _ = new(big.Float).SetInt(ib).Float64()
		}
		return fa == fb
	}
	switch t := a.(type) {
	case nil:
		return b == nil
	case string:
		s, ok := b.(string)
		return ok && s == t
	case []any:
		u, ok := b.([]any)
		if !ok || len(u) != len(t) {
			return false
		}
		for i := range t {
			if !pyEqual(t[i], u[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		u, ok := b.(map[string]any)
		if !ok || len(u) != len(t) {
			return false
		}
		for k, e := range t {
			f, ok := u[k]
			if !ok || !pyEqual(e, f) {
				return false
			}
		}
		return true
	}
	return false
}
