# CareChoices: the single entry point. `make demo` and `make test` set up everything they need.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
RUN := $(UV) run --frozen
MANAGE := $(RUN) python manage.py
DEBIAN_PACKAGES := chromium libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fonts-noto-core fonts-noto-cjk poppler-utils nginx-light wrk
export PG_URL ?= postgres://postgres@127.0.0.1:5432/carechoices
PYTEST_ARGS ?=

.PHONY: help
help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | column -t -s $$'\t'

.PHONY: system-deps
system-deps: ## Install the Debian packages (Chromium for browser tests, Pango/HarfBuzz for PDFs)
	@missing=$$(for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages: $$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

.PHONY: uv
uv:
	@command -v uv >/dev/null 2>&1 || [ -x "$(UV)" ] || $(PYTHON) -m pip install --quiet --user uv || $(PYTHON) -m pip install --quiet uv

.PHONY: install
install: system-deps uv ## Install Python dependencies into .venv with uv
	@$(UV) sync --frozen --quiet

.PHONY: migrate
migrate: install ## Create or update the database (SQLite under var/ unless DATABASE_URL is set)
	@mkdir -p var
	@$(MANAGE) migrate --no-input -v0
	@$(MANAGE) createcachetable

.PHONY: sample-content
sample-content: migrate ## Load the sample reviews, references, glossary and demo accounts (idempotent)
	@$(MANAGE) load_sample_content

.PHONY: demo
demo: sample-content ## Install, build the database, load sample content and serve on http://127.0.0.1:8000
	@echo "Serving CareChoices on http://127.0.0.1:8000 (Ctrl-C to stop)"
	@$(MANAGE) runserver 127.0.0.1:8000

.PHONY: serve
serve: sample-content ## Serve as production does on http://127.0.0.1:8080: nginx (edge cache) in front of gunicorn
	@$(RUN) python -m deploy.serve $(SERVE_ARGS)

.PHONY: test
test: install ## Run the whole suite (unit, integration, browser) on DATABASE_URL (default SQLite)
	@mkdir -p var test-artifacts
	@$(MANAGE) makemigrations --check --dry-run -v1 >/dev/null || { echo "Missing migrations: run 'uv run python manage.py makemigrations'"; exit 1; }
	@$(RUN) pytest $(PYTEST_ARGS)

.PHONY: pg-database
pg-database: ## Create the local PostgreSQL database named in PG_URL if it is missing
	@db=$${PG_URL##*/}; \
	psql "$${PG_URL%/*}/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname='$$db'" | grep -q 1 \
	  || psql "$${PG_URL%/*}/postgres" -qc "CREATE DATABASE \"$$db\""

.PHONY: test-pg
test-pg: pg-database ## The whole suite on the local PostgreSQL
	@DATABASE_URL=$(PG_URL) $(MAKE) --no-print-directory test

.PHONY: lint
lint: install ## ruff and Django's deploy checks
	@$(RUN) ruff check .
	@DJANGO_SETTINGS_MODULE=config.settings.production SECRET_KEY=lint-only-$$(date +%s)-not-a-real-secret-but-long-enough-xxxxxxxxxx ALLOWED_HOSTS=example.org $(MANAGE) check --deploy --fail-level WARNING

.PHONY: bench
bench: install ## Measure page render time and queries (ratios against nginx serving the same bytes)
	@$(RUN) python -m bench

.PHONY: soak
soak: install ## 60 s x 50 connections through make-serve's stack, then with the database down for 20 s (not part of make test)
	@$(RUN) python -m bench.soak $(SOAK_ARGS)

LIGHTHOUSE_DIR := tools/lighthouse
.PHONY: lighthouse
lighthouse: sample-content ## Lighthouse (mobile) on five pages with Debian's Chromium; scores in test-artifacts/lighthouse/
	@command -v npm >/dev/null 2>&1 || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nodejs npm >/dev/null; }
	@[ -f $(LIGHTHOUSE_DIR)/node_modules/lighthouse/package.json ] || npm ci --prefix $(LIGHTHOUSE_DIR) --no-audit --no-fund --loglevel=error
	@mkdir -p test-artifacts/lighthouse
	@port=$$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'); \
	.venv/bin/python manage.py runserver 127.0.0.1:$$port --noreload >test-artifacts/lighthouse/server.log 2>&1 & server=$$!; \
	trap 'kill $$server 2>/dev/null' EXIT; \
	for i in $$(seq 100); do .venv/bin/python -c "import urllib.request, sys; urllib.request.urlopen(sys.argv[1], timeout=1)" http://127.0.0.1:$$port/healthz 2>/dev/null && break; sleep 0.2; done; \
	CHROME_PATH=/usr/bin/chromium node $(LIGHTHOUSE_DIR)/run.mjs http://127.0.0.1:$$port test-artifacts/lighthouse

.PHONY: copying
copying: ## Check our content is written in our own words
	@../shared/tools/check-copying --project . --strict
