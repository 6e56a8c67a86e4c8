# Tawasul: `make run` serves the demo portal with its worker, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app app:create_app
HTMX_VERSION := 2.0.11
HTMX_SHA256 := 165a2655073e9e6e55e307a7c74e8ebcdb76afb7701f9c16cfd106a13add408e
HTMX_JS := static/vendor/htmx.min.js
RUN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-hosny-amiri
TEST_PACKAGES := chromium poppler-utils nginx-light libnginx-mod-http-brotli-filter
BENCH_PACKAGES := wrk nginx-light libnginx-mod-http-brotli-filter
PG_DEFAULT_URL := postgresql://postgres@127.0.0.1:5432/test

.PHONY: run serve serve-settings worker test lint format install install-test system-deps system-deps-test system-deps-bench translations compile-translations bench clean

run: install
	TAWASUL_DEMO=1 $(FLASK) db upgrade
	TAWASUL_DEMO=1 $(FLASK) seed-demo
	TAWASUL_DEMO=1 $(PY) scripts/run.py

# Production-shaped serving: gunicorn, threaded workers from the CPU count, behind a buffering proxy;
# request lines up to 8190 bytes (gunicorn's most) reach the app, which answers long ones with its own 414 page.
# The worker runs beside it as a service of its own: `make worker`.
WORKERS ?= $(shell nproc)
THREADS ?= 8
serve: serve-settings install
	$(FLASK) db upgrade
	DATABASE_POOL_SIZE=$(THREADS) $(VENV)/bin/gunicorn 'app:create_app()' \
		--worker-class gthread --workers $(WORKERS) --threads $(THREADS) --limit-request-line 8190 \
		--bind $${BIND:-127.0.0.1:8000} --access-logfile - --graceful-timeout 20

# Several workers must share the action limits (and the job queue): refuse to start them without Redis.
serve-settings:
	@if [ "$(WORKERS)" -gt 1 ] && [ -z "$$REDIS_URL" ]; then \
		echo "make serve: set REDIS_URL (e.g. redis://127.0.0.1:6379/0) so the $(WORKERS) workers share their limits, or WORKERS=1." >&2; \
		exit 2; \
	fi
# The consumer of background work (huey): SMS and e-mail, reminders, the desk's day of slips.
WORKER_THREADS ?= 4
worker: install
	$(VENV)/bin/huey_consumer worker.huey --workers $(WORKER_THREADS) --worker-type thread

test: install-test
	TEST_DATABASE_URL= $(PY) -m pytest
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== again on PostgreSQL ($$TEST_DATABASE_URL)"; \
		$(PY) -m pytest -p no:cacheprovider; \
	elif $(PY) scripts/pg_available.py $(PG_DEFAULT_URL); then \
		echo "== again on PostgreSQL ($(PG_DEFAULT_URL))"; \
		TEST_DATABASE_URL=$(PG_DEFAULT_URL) $(PY) -m pytest -p no:cacheprovider; \
	else \
		echo "PostgreSQL run skipped: no server at $(PG_DEFAULT_URL) and TEST_DATABASE_URL is not set."; \
	fi

# ruff checks and formats (settings in pyproject.toml); CI runs `make lint` before `make test`.
lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed-test
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

install: system-deps $(VENV)/.installed $(HTMX_JS) compile-translations

install-test: install system-deps-test $(VENV)/.installed-test

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

$(HTMX_JS):
	sh scripts/fetch_htmx.sh $(HTMX_VERSION) $(HTMX_SHA256) $@

system-deps:
	@sh scripts/system_packages.sh $(RUN_PACKAGES)

system-deps-test:
	@sh scripts/system_packages.sh $(TEST_PACKAGES)

system-deps-bench:
	@sh scripts/system_packages.sh $(BENCH_PACKAGES)

# Extract strings, update both catalogs (Arabic by hand, English from its msgids), compile.
translations: $(VENV)/.installed
	$(PY) scripts/translations.py update

compile-translations: $(VENV)/.installed
	$(VENV)/bin/pybabel compile -d translations >/dev/null

# The HTTP benchmark (bench/run.py): gunicorn, nginx and wrk on loopback; BENCH_SCALE=1 for the 1M sizes.
bench: install-test system-deps-bench
	$(PY) -m bench.run

clean:
	rm -rf $(VENV) instance static/vendor translations/*/LC_MESSAGES/*.mo
