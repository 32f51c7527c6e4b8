# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint bench clean fuzz fuzz-ci load load-ci soak soak-ci openapi-client lock capacity flex-cost

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

run: install  ## demo data, local host on http://localhost:7071, the POS page on http://localhost:4280
	$(BIN)/python -m shared.localhost.demo

test: install  ## the whole suite
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .

bench: install  ## figures for docs/performance.md (BENCH=client_book to pick one)
	$(BIN)/python -m tests.bench $(BENCH)

# Resilience: schemathesis against the served OpenAPI document (FUZZ_EXAMPLES per operation),
# and concurrent POS clients against the local host on loopback, invariants checked after.
fuzz: install  ## long API fuzzing run (every operation, 200 examples each, about 3 min)
	FUZZ_EXAMPLES=200 $(BIN)/python -m pytest tests/fuzz -q -p no:cacheprovider

fuzz-ci: install  ## bounded API fuzzing for CI (5 examples per operation, about 40 s)
	FUZZ_EXAMPLES=5 $(BIN)/python -m pytest tests/fuzz -q -p no:cacheprovider

# The served OpenAPI document as a POS developer uses it: openapi-python-client (in its own
# virtualenv, .tools/openapi-client-venv) generates a client, which runs the core POS flow
# against the local host. Part of `make test` too; this target runs it alone (about 30 s).
openapi-client: install  ## generate a Python client from the OpenAPI document and use it
	$(BIN)/python -m pytest tests/openapi_client -q -p no:cacheprovider

load: install  ## 20,000 requests from 52 POS clients, figures per operation, invariants
	$(BIN)/python -m tests.load.run

load-ci: install  ## a reduced load run for CI
	$(BIN)/python -m tests.load.run --requests 2000 --associates 20 --customers 1000

# Sustained use: every request on a new connection (as curl sends them) to the local host in a
# process of its own with an open-file limit of 256; open files, threads and RSS read from /proc
# must be flat afterwards and every answer right (Linux).
soak: install  ## 20,000 requests on new connections, host's figures flat (about 30 s)
	$(BIN)/python -m tests.soak.run --requests 20000

soak-ci: install  ## a shorter soak for CI (3,000 requests, about 10 s)
	$(BIN)/python -m tests.soak.run --requests 3000

# Request units at a retailer's scale (docs/cosmos-scale.md): the POS routes on the local
# Cosmos DB server at three sample sizes, fitted and read at the profile; exits 1 when a budget
# is broken. A few minutes, loopback only, not part of CI.
capacity: install cosmos-server  ## RU per route, RU/s per container and partition, monthly cost, budgets
	$(BIN)/python -m tests.capacity

# The POS read mix on Cosmos DB behind a proxy adding one region round trip (5 ms) per request,
# at 1, 4, 8 and 16 concurrent requests per worker (and 16 on 5 threads): docs/performance.md,
# "Cost on Flex Consumption".
flex-cost: install cosmos-server  ## throughput, CPU per request and GB-s per million POS reads (about 3 min)
	$(BIN)/python -m tests.bench.flex_cost

clean:
	rm -rf .local .pytest_cache .ruff_cache

# The local Cosmos DB test server (Node 20 + npm), installed into tests/cosmos/node_modules
# once; afterwards tests run offline. Without npm the Cosmos DB tests are skipped, and say why.
COSMOS_SERVER_DIR := tests/cosmos
COSMOS_SERVER_STAMP := $(COSMOS_SERVER_DIR)/node_modules/.installed

.PHONY: cosmos-server test-cosmos cosmos-provision

$(COSMOS_SERVER_STAMP): $(COSMOS_SERVER_DIR)/package.json $(COSMOS_SERVER_DIR)/package-lock.json
	cd $(COSMOS_SERVER_DIR) && npm ci --no-audit --no-fund
	touch $@

cosmos-server:  ## install the local Cosmos DB test server (needs npm)
	@if command -v npm >/dev/null 2>&1; then \
		$(MAKE) --no-print-directory $(COSMOS_SERVER_STAMP); \
	else \
		echo "npm not found: Cosmos DB tests will be skipped (install Node 20 and npm)"; \
	fi

test: cosmos-server web-deps azurite
bench: cosmos-server azurite
run: azurite

# Azurite's queue service (npm, pinned in tests/azurite/package-lock.json): the outreach
# delivery queue for tests and `make run`, started on loopback by them. Without npm the tests
# that need it are skipped, and say why; `make run` then leaves outreach delivery off.
AZURITE_DIR := tests/azurite
AZURITE_STAMP := $(AZURITE_DIR)/node_modules/.installed

$(AZURITE_STAMP): $(AZURITE_DIR)/package.json $(AZURITE_DIR)/package-lock.json
	cd $(AZURITE_DIR) && npm ci --no-audit --no-fund
	touch $@

.PHONY: azurite
azurite:  ## install Azurite (queues) for the outreach tests (needs npm)
	@if command -v npm >/dev/null 2>&1; then \
		$(MAKE) --no-print-directory $(AZURITE_STAMP); \
	else \
		echo "npm not found: outreach queue tests will be skipped (install Node 20 and npm)"; \
	fi

# The reference POS page (web/) runs from its files as they are; npm (locked) brings MSAL.js for
# the Azure build (`npm run build` writes web/dist) and axe-core for the browser tests. Without
# npm the browser tests skip and say why.
WEB_DIR := web
WEB_STAMP := $(WEB_DIR)/node_modules/.installed

.PHONY: web-deps web-build

$(WEB_STAMP): $(WEB_DIR)/package.json $(WEB_DIR)/package-lock.json
	cd $(WEB_DIR) && npm ci --no-audit --no-fund
	touch $@

web-deps:  ## install the page's locked npm packages (MSAL.js, axe-core)
	@if command -v npm >/dev/null 2>&1; then \
		$(MAKE) --no-print-directory $(WEB_STAMP); \
	else \
		echo "npm not found: the browser tests will be skipped (install Node 20 and npm)"; \
	fi

web-build: web-deps  ## the page as deployed: web/dist with MSAL.js and config.json from the environment
	cd $(WEB_DIR) && npm run build

# The bad-input corpus is left out here to keep CI short: every hostile input it sends is
# refused by the shared HTTP pipeline before storage is called, and it runs on SQLite in
# `make test` (run it on Cosmos DB with: pytest tests/http/test_bad_input_corpus.py --store cosmos).
test-cosmos: install cosmos-server azurite  ## the HTTP-level tests with the app on Cosmos DB (local server)
	$(BIN)/python -m pytest tests/http --store cosmos --deselect tests/http/test_bad_input_corpus.py

cosmos-provision: install  ## create the database and containers named by the COSMOS_* settings
	$(BIN)/python -m shared.adapters.cosmos.provisioning

# Dependency audit in its own virtualenv, so the audit tool's dependencies never mix with
# the app's. It needs PyPI's advisory service; where that is unreachable pip-audit lists the
# packages it could not check.
AUDIT_VENV := .tools/audit-venv

.PHONY: audit
audit:  ## pip-audit of requirements.txt
	test -x $(AUDIT_VENV)/bin/pip-audit || ($(PYTHON) -m venv $(AUDIT_VENV) && \
		$(AUDIT_VENV)/bin/python -m pip install -q pip-audit)
	$(AUDIT_VENV)/bin/pip-audit -r requirements.txt --progress-spinner off

# The deployed dependencies: requirements.in names what the app needs, requirements.txt pins
# every package (transitive ones too) to an exact version, compiled by pip-tools from its own
# virtualenv so the tool never mixes with the app's packages. `make lock` keeps the current pins
# and pins what is new; `make lock UPGRADE=1` moves everything to the newest allowed versions.
# Either way, then run `make install` and `make test`: the lock is what was tested.
LOCK_VENV := .tools/lock-venv
PIP_TOOLS := pip-tools==7.6.2

lock:  ## compile requirements.in into the pinned requirements.txt
	test -x $(LOCK_VENV)/bin/pip-compile || ($(PYTHON) -m venv $(LOCK_VENV) && \
		$(LOCK_VENV)/bin/python -m pip install -q "$(PIP_TOOLS)")
	CUSTOM_COMPILE_COMMAND="make lock" $(LOCK_VENV)/bin/pip-compile --quiet \
		--no-emit-index-url --no-emit-find-links --no-emit-trusted-host --strip-extras \
		$(if $(UPGRADE),--upgrade,) --output-file=requirements.txt requirements.in
