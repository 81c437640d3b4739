# nifcloud_lb: build, test, lint, demo and benchmark the Ansible module.
#
#   make build   static binary for this machine at library/nifcloud_lb, and a
#                link to it under each other module's name
#   make test    every test, the real ansible-playbook tests included
#   make lint    gofmt, go vet, staticcheck, go mod tidy is a no-op
#   make demo    a rolling-deploy walk-through against the local emulator
#   make bench   benchmarks, written to BENCHMARKS.md
#   make dist    binaries for Linux and macOS (amd64, arm64) with checksums
#   make clean   remove what the targets above produced
SHELL := /bin/bash
GO ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)
BIN := library/nifcloud_lb
# The modules of the binary: one sidecar documentation file each.
MODULES := $(basename $(notdir $(wildcard library/*.yml)))
DIST := dist
# os/arch pairs of dist, named as Ansible's facts name them:
# nifcloud_lb_<ansible_system|lower>_<ansible_architecture>.
PLATFORMS := linux/amd64:linux_x86_64 linux/arm64:linux_aarch64 darwin/amd64:darwin_x86_64 darwin/arm64:darwin_arm64

.PHONY: all build dist test race lint demo bench clean

all: build

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) .
	@for m in $(filter-out nifcloud_lb,$(MODULES)); do ln -sfn nifcloud_lb library/$$m; done

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
	@$(GO) mod tidy -diff >/dev/null || { echo "go mod tidy would change go.mod or go.sum: run go mod tidy"; exit 1; }

demo: build
	./playbooks/demo/demo.sh

# bench runs and times the test suite (make test) first, then measures.
bench: build dist
	$(GO) run ./nifcloud/bench -module $(BIN) -dist $(DIST) -out BENCHMARKS.md -time-test '$(MAKE) --no-print-directory test'


clean:
	rm -f $(BIN) $(addprefix library/,$(filter-out nifcloud_lb,$(MODULES)))
	rm -rf $(DIST)
