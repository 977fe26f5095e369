# jemput: the field kit (cmd/jemput) and the central office endpoint
# (cmd/jemput-central).
# Every target is phony: make always does the work.

VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)
export CGO_ENABLED := 0

.PHONY: build test test-long demo bench fuzz vet fmt tools clean fixtures postgres-status

# The office's PostgreSQL tests (central/postgres, the command line, e2e)
# run against JEMPUT_TEST_POSTGRES, a postgres:// URL whose user may
# create databases (each test makes its own); when it is unset, against
# the server scripts/postgres started, if it runs. Without either they
# are skipped, and make test says so.
ifeq ($(origin JEMPUT_TEST_POSTGRES),undefined)
JEMPUT_TEST_POSTGRES := $(shell scripts/postgres dsn 2>/dev/null)
endif
export JEMPUT_TEST_POSTGRES

build:
	go build -trimpath -ldflags '$(LDFLAGS)' -o bin/jemput ./cmd/jemput
	go build -trimpath -ldflags '$(LDFLAGS)' -o bin/jemput-central ./cmd/jemput-central

# The tests need poppler-utils and zbar-tools (receipt text and QR);
# scripts/tools installs them when they are missing.
test: tools vet fixtures postgres-status
	go test -count=1 ./...
	CGO_ENABLED=1 go test -count=1 -race ./intake/ ./store/ ./forms/ ./receipt/ ./pdf/ ./sync/... ./central/... ./sqlitedb/

# Longer crash, fault and fuzz runs.
test-long: tools
	JEMPUT_CRASH_RUNS=500 go test -count=1 -run Crash -timeout 30m ./cmd/jemput/
	JEMPUT_FAULT_TRIALS=300 go test -count=1 -run Fault -timeout 60m ./e2e/
	$(MAKE) fuzz FUZZTIME=60s

FUZZTIME ?= 10s
fuzz:
	go test -run '^$$' -fuzz FuzzParseNIK -fuzztime $(FUZZTIME) ./forms/
	go test -run '^$$' -fuzz FuzzPassportName -fuzztime $(FUZZTIME) ./forms/
	go test -run '^$$' -fuzz FuzzCheck -fuzztime $(FUZZTIME) ./forms/
	go test -run '^$$' -fuzz FuzzVerify -fuzztime $(FUZZTIME) ./receipt/
	go test -run '^$$' -fuzz FuzzParseRoster -fuzztime $(FUZZTIME) ./intake/
	go test -run '^$$' -fuzz FuzzDecodeBatch -fuzztime $(FUZZTIME) ./sync/
	go test -run '^$$' -fuzz FuzzFrameReader -fuzztime $(FUZZTIME) ./sync/
	go test -run '^$$' -fuzz FuzzOpenExport -fuzztime $(FUZZTIME) ./sync/
	go test -run '^$$' -fuzz FuzzAuthenticate -fuzztime $(FUZZTIME) ./sync/
	go test -run '^$$' -fuzz FuzzEndpoints -fuzztime $(FUZZTIME) ./central/server/

# Whether testdata/fixtures was compared with ../shared/fixtures, said
# plainly either way (go test alone is silent about a skip).
fixtures:
	@out=$$(go test -count=1 -v -run '^TestSameAsShared$$' ./internal/fixtures/ 2>&1) || { echo "$$out"; exit 1; }; \
		echo "$$out" | grep -E -- '--- (PASS|SKIP)|fixtures_test.go' | sed 's/^ *//'

# Whether the PostgreSQL suites run, said plainly either way (the URL
# without its password).
postgres-status:
	@if [ -n "$$JEMPUT_TEST_POSTGRES" ]; then \
		echo "PostgreSQL: the office's PostgreSQL tests run against $$(echo "$$JEMPUT_TEST_POSTGRES" | sed -E 's#(://[^:/@]*:)[^@]*@#\1xxxxx@#; s#(password=)[^&]*#\1xxxxx#')"; \
	else \
		echo "PostgreSQL: SKIPPED, the office's PostgreSQL tests do not run (no JEMPUT_TEST_POSTGRES, no server from scripts/postgres; start one with: scripts/postgres start)"; \
	fi

vet:
	go vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo 'gofmt needed'; exit 1; }

tools:
	@scripts/tools

# A day at an event, from an empty kit to printed receipts.
demo: build
	scripts/demo

bench:
	scripts/bench

clean:
	rm -rf bin demo-out
