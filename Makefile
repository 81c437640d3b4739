# nifcloud_lb: build, test and lint the Ansible module.
SHELL := /bin/bash
GO ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)
BIN := library/nifcloud_lb

.PHONY: all build test lint clean

all: build

## build: static binary for this machine at library/nifcloud_lb
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) .

## test: every test, the real ansible-playbook tests included
test: build
	REQUIRE_ANSIBLE=1 $(GO) test -count=1 ./...

## lint: gofmt, go vet, staticcheck
lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) tool staticcheck ./...

## clean: remove build outputs
clean:
	rm -f $(BIN)
	rm -rf dist
