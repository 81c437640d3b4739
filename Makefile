# nifcloud_lb: build, test, lint, demo and benchmark the Ansible module.
#
#   make build   static binary for this machine at library/nifcloud_lb
#   make test    every test, the real ansible-playbook tests included
#   make lint    gofmt, go vet, staticcheck
#   make demo    a rolling-deploy walk-through against the local emulator
#   make bench   benchmarks, written to BENCHMARKS.md
#   make dist    binaries for Linux and macOS (amd64, arm64) with checksums
#   make clean   remove what the targets above produced
SHELL := /bin/bash
GO ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)
BIN := library/nifcloud_lb
DIST := dist
# os/arch pairs of dist, named as Ansible's facts name them:
# nifcloud_lb_<ansible_system|lower>_<ansible_architecture>.
PLATFORMS := linux/amd64:linux_x86_64 linux/arm64:linux_aarch64 darwin/amd64:darwin_x86_64 darwin/arm64:darwin_arm64

.PHONY: all build dist test race lint demo bench clean

all: build

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) .

dist:
	@mkdir -p $(DIST)
	@set -e; for p in $(PLATFORMS); do \
		target=$${p%%:*}; name=$${p##*:}; \
		echo "building $(DIST)/nifcloud_lb_$$name"; \
		CGO_ENABLED=0 GOOS=$${target%%/*} GOARCH=$${target##*/} \
			$(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(DIST)/nifcloud_lb_$$name . ; \
	done
	cp library/nifcloud_lb.yml $(DIST)/
	cd $(DIST) && sha256sum nifcloud_lb_* nifcloud_lb.yml > SHA256SUMS
	@cat $(DIST)/SHA256SUMS

test: build
	$(GO) test -count=1 ./...

race:
	CGO_ENABLED=1 $(GO) test -race -count=1 ./...

lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) tool staticcheck ./...

demo: build
	./playbooks/demo/demo.sh

# bench runs and times the test suite (make test) first, then measures.
bench: build dist
	$(GO) run ./nifcloud/bench -module $(BIN) -dist $(DIST) -out BENCHMARKS.md -time-test '$(MAKE) --no-print-directory test'


clean:
	rm -f $(BIN)
	rm -rf $(DIST)
