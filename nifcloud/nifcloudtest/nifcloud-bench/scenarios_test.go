package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"nifcloud_lb/nifcloud/nifcloudtest"
)

var testCred = nifcloudtest.Credential{AccessKeyID: "TESTKEY", SecretAccessKey: "testsecret"}

func TestStatesAreValidSeeds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		opts    nifcloudtest.Options
		members []string
	}{
		{"basic", basicState(testCred), names(1, 3)},
		{"members", membersState(testCred, 5, 2), names(0, 5)},
		{"many load balancers", manyLBsState(testCred, 235), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, err := nifcloudtest.New(tt.opts)
			require.NoError(t, err)
			if tt.members != nil {
				assert.Equal(t, tt.members, srv.Members(benchLB, benchPort[0], benchPort[1]))
			}
		})
	}
	srv, err := nifcloudtest.New(manyLBsState(testCred, 3))
	require.NoError(t, err)
	assert.Len(t, srv.State().LoadBalancers, 3)
	assert.Equal(t, names(1, 3), srv.Members("lb00003", 80, 8080))
}

func TestChecks(t *testing.T) {
	t.Parallel()
	srv, err := nifcloudtest.New(basicState(testCred))
	require.NoError(t, err)

	require.NoError(t, membersAre([]string{serverName(2), serverName(1)})(srv), "order does not matter")
	assert.EqualError(t, membersAre(names(1, 4))(srv), "members of weblb01 80->8080: got [web00001 web00002], want [web00001 web00002 web00003]")

	assert.NoError(t, registeredNowhere(serverName(4))(srv))
	assert.EqualError(t, registeredNowhere(serverName(3))(srv), "web00003 is still registered on weblb02 443->8443")
}

func TestScenarios(t *testing.T) {
	t.Parallel()
	for _, sc := range append(perRunScenarios(testCred), membersScenario(testCred, 10), manyLBsScenario(testCred, 4)) {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			_, err := nifcloudtest.New(sc.state())
			require.NoError(t, err)
			assert.Positive(t, sc.calls)
			assert.NotEmpty(t, sc.options["instance_ids"])
			assert.NotNil(t, sc.check)
		})
	}
	assert.Equal(t, 5, manyLBsScenario(testCred, 4).calls)
	assert.Equal(t, []string{serverName(10)}, membersScenario(testCred, 10).options["instance_ids"])
}

func TestNames(t *testing.T) {
	t.Parallel()
	assert.Equal(t, []string{"web00003", "web00004"}, names(3, 5))
	assert.Empty(t, names(2, 2))
	assert.Equal(t, "[a b]", summarizeNames([]string{"a", "b"}))
	assert.Equal(t, "[web00000 web00001 web00002 web00003 web00004 ... web00009] (10)", summarizeNames(names(0, 10)))
	assert.Equal(t, "register-one--1000-members", fileName("Register one, 1000 members"))
}
