# Licheng — the two commands a newcomer needs are `make run` and `make test`.
CARGO ?= cargo
NPM ?= npm
RELEASE_BIN := target/release/licheng

.PHONY: run build backend frontend frontend-deps test test-rust test-postgres test-frontend test-contract test-e2e openapi clean

## Build everything (release) and serve http://127.0.0.1:8080 with the demo school 999999.
run: build
	$(RELEASE_BIN) serve --demo

build: frontend backend

backend:
	$(CARGO) build --release --locked --bin licheng

frontend: frontend-deps
	cd frontend && $(NPM) run build

frontend-deps: frontend/node_modules/.package-lock.json

frontend/node_modules/.package-lock.json: frontend/package.json frontend/package-lock.json
	cd frontend && $(NPM) ci --no-audit --no-fund

## Every test: Rust unit and integration tests on SQLite, the integration suite again on
## PostgreSQL when LICHENG_TEST_POSTGRES_URL is set, the frontend's type check and tests, the API
## contract checks, and the end-to-end browser tests (needs /usr/bin/chromium).
test: test-rust test-postgres test-frontend test-contract test-e2e

test-rust:
	$(CARGO) test --locked --workspace

test-postgres:
	@if [ -n "$$LICHENG_TEST_POSTGRES_URL" ]; then \
		echo "== integration suite on PostgreSQL ($$LICHENG_TEST_POSTGRES_URL)"; \
		LICHENG_TEST_BACKEND=postgres $(CARGO) test --locked --test integration; \
	else \
		echo "== LICHENG_TEST_POSTGRES_URL is not set: PostgreSQL suite skipped"; \
	fi

test-frontend: frontend-deps
	cd frontend && $(NPM) run typecheck && $(NPM) test

## The API contract as vendors use it (scripts/contract/run, docs/integrators.md): the document's
## lint, schemathesis with every check as admin, teacher, student and an API key against
## `licheng serve --demo`, and generated Python and TypeScript clients driving a sync and read scenario.
## Installs its pinned Python tools into target/contract-venv.
test-contract: frontend-deps
	scripts/contract/run

## End-to-end: headless Chromium against `licheng serve --demo` on a fresh database (scripts/e2e),
## then the first page's JavaScript budget (350 KB gzipped) on the build it used.
test-e2e: frontend-deps
	scripts/e2e
	cd frontend && $(NPM) run size

## Regenerate openapi/openapi.json from the code (a test fails when it drifts).
openapi:
	$(CARGO) run --quiet --bin licheng -- openapi > openapi/openapi.json.tmp
	mv openapi/openapi.json.tmp openapi/openapi.json

clean:
	$(CARGO) clean
	rm -rf frontend/dist frontend/node_modules
