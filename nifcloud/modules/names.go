package modules

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"nifcloud_lb/nifcloud"
)

// codeNames are the names the options and the results give to the codes of
// one setting of the API, name -> code.
type codeNames map[string]string

// The names of the API's codes, said once for every module.
var (
	accountingTypes = codeNames{"monthly": nifcloud.AccountingTypeMonthly, "pay_per_use": nifcloud.AccountingTypePayPerUse}
	balancingTypes  = codeNames{
		"round_robin":      strconv.Itoa(nifcloud.BalancingTypeRoundRobin),
		"least_connection": strconv.Itoa(nifcloud.BalancingTypeLeastConnection),
	}
	filterTypes = codeNames{"allow": nifcloud.FilterTypeAllow, "deny": nifcloud.FilterTypeDeny}
)

// choices are the names in the order of their codes (the API's first
// value first): the choices of the option that sets the setting.
func (n codeNames) choices() []any {
	names := slices.SortedFunc(maps.Keys(n), func(a, b string) int { return strings.Compare(n[a], n[b]) })
	out := make([]any, len(names))
	for i, name := range names {
		out[i] = name
	}
	return out
}

// code returns the code of a name ("" for an unknown one).
func (n codeNames) code(name string) string { return n[name] }

// name returns the name of a code: the code itself when it has no name (a
// value the API did not document), or nil when the API gave none.
func (n codeNames) name(code string) *string {
	if code == "" {
		return nil
	}
	for name, c := range n {
		if c == code {
			return &name
		}
	}
	return ptr(code)
}

// balancingType names a listener's BalancingType (nil for 0, none).
func balancingType(n int) *string {
	if n == 0 {
		return nil
	}
	return balancingTypes.name(strconv.Itoa(n))
}

// balancingCode is the BalancingType of a name (0 for none).
func balancingCode(name string) int {
	n, _ := strconv.Atoi(balancingTypes.code(name))
	return n
}

func ptr[T any](v T) *T { return &v }

// optional is a pointer to v, or nil when v is the zero value (the API
// gave none): a field of a typed result that is null then.
func optional[T comparable](v T) *T {
	var zero T
	if v == zero {
		return nil
	}
	return &v
}

// orNull is v, or null when v is the zero value (not given, or not known):
// a value of a result map.
func orNull[T comparable](v T) any {
	var zero T
	if v == zero {
		return nil
	}
	return v
}
