# nifcloud_lb: build, test, lint, demo, benchmark and ship the Ansible modules.
#
#   make build        static binary for this machine at library/nifcloud_lb, and
#                     a link to it under each other module's name
#   make install DEST=path/to/project/library
#                     the same in another library/ folder, with the sidecar docs
#   make test         every test, the real ansible-playbook tests included
#   make lint         gofmt, go vet, staticcheck, go mod tidy is a no-op
#   make demo         a rolling-deploy walk-through against the local emulator
#   make bench        benchmarks, written to BENCHMARKS.md
#   make collection   the Ansible collection, with binaries for Linux and macOS
#                     (x86_64, arm64): build/NAMESPACE-NAME-VERSION.tar.gz
#   make dist         versioned archives (one library/ folder per platform, and
#                     the collection) with SHA256SUMS, in dist/
#   make clean        remove what the targets above produced
SHELL := /bin/bash
GO ?= go
# The version lives in main.go (var version = "..."), and only there.
VERSION := $(shell sed -n 's/^var version = "\(.*\)"$$/\1/p' main.go)
LDFLAGS := -s -w
BIN := library/nifcloud_lb
# The modules of the binary: one sidecar documentation file each.
MODULES := $(basename $(notdir $(wildcard library/*.yml)))
LINKS := $(filter-out nifcloud_lb,$(MODULES))
BUILD := build
DIST := dist
# sha256sum, or macOS's equivalent.
SHA256SUM := $(shell command -v sha256sum >/dev/null && echo sha256sum || echo shasum -a 256)
# The platforms of the collection and dist, SYSTEM_ARCHITECTURE as the
# collection's action plugin names them (uname -s in lower case; x86_64,
# arm64). Go calls x86_64 amd64.
PLATFORMS := linux_x86_64 linux_arm64 darwin_x86_64 darwin_arm64
PLATFORM_BINS := $(PLATFORMS:%=$(BUILD)/bin/nifcloud_lb_%)
# The collection's namespace and name, from its galaxy.yml template.
COLLECTION_SRC := ansible/collection
COLLECTION := $(shell sed -n 's/^namespace: *//p' $(COLLECTION_SRC)/galaxy.yml.in)-$(shell sed -n 's/^name: *//p' $(COLLECTION_SRC)/galaxy.yml.in)

.PHONY: all build install collection dist test race lint demo bench clean FORCE

all: build

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) .
	@for m in $(LINKS); do ln -sfn nifcloud_lb $(dir $(BIN))$$m; done

install:
	@[ -n "$(DEST)" ] || { echo "make install: say where, as in: make install DEST=path/to/project/library" >&2; exit 2; }
	@$(MAKE) --no-print-directory build
	mkdir -p "$(DEST)"
	install -m 0755 $(BIN) "$(DEST)/nifcloud_lb"
	@for m in $(LINKS); do ln -sfn nifcloud_lb "$(DEST)/$$m"; done
	install -m 0644 $(MODULES:%=library/%.yml) "$(DEST)/"

# One static binary per platform (make -j builds them side by side).
$(BUILD)/bin/nifcloud_lb_%: FORCE
	@system=$*; system=$${system%%_*}; arch=$*; arch=$${arch#*_}; arch=$${arch/x86_64/amd64}; \
	echo "building $@ ($$system/$$arch)"; \
	CGO_ENABLED=0 GOOS=$$system GOARCH=$$arch $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $@ .

collection: $(PLATFORM_BINS)
	$(COLLECTION_SRC)/build.sh $(BUILD) $(VERSION) $(PLATFORM_BINS)

# dist: nifcloud_lb-VERSION-PLATFORM.tar.gz holds a library/ folder's files
# (the binary, its links, the sidecars) under nifcloud_lb-VERSION-PLATFORM/.
dist: collection
	rm -rf $(DIST) && mkdir -p $(DIST)
	@set -e; for p in $(PLATFORMS); do \
		dir=nifcloud_lb-$(VERSION)-$$p; stage=$(BUILD)/dist/$$dir; \
		rm -rf $$stage; mkdir -p $$stage; \
		cp $(BUILD)/bin/nifcloud_lb_$$p $$stage/nifcloud_lb; \
		for m in $(LINKS); do ln -s nifcloud_lb $$stage/$$m; done; \
		cp $(MODULES:%=library/%.yml) $$stage/; \
		tar -czf $(DIST)/$$dir.tar.gz -C $(BUILD)/dist $$dir; \
	done
	cp $(BUILD)/$(COLLECTION)-$(VERSION).tar.gz $(DIST)/
	cd $(DIST) && $(SHA256SUM) nifcloud_lb-$(VERSION)-*.tar.gz $(COLLECTION)-$(VERSION).tar.gz > SHA256SUMS
	@cat $(DIST)/SHA256SUMS

# The playbook tests mostly wait on ansible-playbook processes: four
# packages and four tests at a time keep both cores busy.
test: build
	$(GO) test -count=1 -p 4 -parallel 4 ./...

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

# bench runs and times the test suite (make test) first, then measures. It
# sizes the platform binaries that make dist packs (build/bin).
bench: build dist
	$(GO) run ./nifcloud/bench -module $(BIN) -dist $(BUILD)/bin -out BENCHMARKS.md -time-test '$(MAKE) --no-print-directory test'


clean:
	rm -f $(BIN) $(addprefix library/,$(LINKS))
	rm -rf $(BUILD) $(DIST)

FORCE:
