# Bene Comune — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PG_URL ?= postgres://postgres@127.0.0.1:5432/benecomune
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install run serve test lint format test-sqlite test-postgres totp messages clean check-deploy

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $@

install: $(VENV)/.installed

# Demo: SQLite under var/, demo data, development server. The demo's e-mails go to files in
# var/demo-mail/ (one per message; the in-app inbox has them too), and the demo logins are
# printed last, once the server answers.
DEMO_MAIL := $(CURDIR)/var/demo-mail
# The demo's TEST identity provider for "Entra con SPID/CIE" (identity/oidc_demo.py): a local
# OpenID Connect provider with demo identities, stopped with the server. Never a real SPID.
OIDC_DEMO_PORT ?= 8090
OIDC_DEMO_ENV := OIDC_ISSUER=http://127.0.0.1:$(OIDC_DEMO_PORT) OIDC_CLIENT_ID=benecomune-demo \
	OIDC_CLIENT_SECRET=demo-non-segreto OIDC_ACR_VALUES=https://www.spid.gov.it/SpidL2 \
	OIDC_STAFF_MIN_LEVEL=SpidL2
run: install
	$(PY) manage.py migrate --noinput
	EMAIL_URL="filemail:///$(DEMO_MAIL)" $(PY) manage.py seed_demo --logins-file var/demo-logins.txt
	@$(PY) manage.py oidc_demo_provider --describe >> var/demo-logins.txt
	@echo "E-mail dimostrative: $(DEMO_MAIL)/"
	@$(PY) manage.py oidc_demo_provider --port $(OIDC_DEMO_PORT) --exit-with-parent & \
	DEBUG=1 DEMO_MODE=1 $(OIDC_DEMO_ENV) EMAIL_URL="filemail:///$(DEMO_MAIL)" $(PY) scripts/run_demo.py \
		http://$(HOST):$(PORT)/ var/demo-logins.txt -- $(PY) manage.py runserver $(HOST):$(PORT)

# The current TOTP code of the demo staff accounts.
totp: install
	@$(PY) manage.py demo_totp

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: lint
	$(PY) manage.py makemigrations --check --dry-run
	DEBUG=0 SECRET_KEY="$$($(PY) -c "import secrets; print(secrets.token_urlsafe(64))")" ALLOWED_HOSTS=example.org $(PY) manage.py check --deploy --fail-level WARNING
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

test-sqlite: install
	@echo "== pytest on SQLite =="
	$(VENV)/bin/pytest -q

# PostgreSQL: skipped with a visible message when no server answers, except in CI.
test-postgres: install
	@if $(PY) scripts/pg_ready.py "$(PG_URL)"; then \
		echo "== pytest on PostgreSQL =="; \
		DATABASE_URL="$(PG_URL)" $(VENV)/bin/pytest -q; \
	elif [ "$${CI:-}" = "true" ]; then \
		echo "PostgreSQL is not answering at $(PG_URL): required in CI"; exit 1; \
	else \
		echo ""; echo "!! SKIPPED: PostgreSQL is not answering at $(PG_URL); its tests did not run."; echo ""; \
	fi

messages: install
	cd src/benecomune && ../../$(PY) ../../manage.py makemessages -l en --no-obsolete
	cd src/benecomune && ../../$(PY) ../../manage.py compilemessages

check-deploy: install
	DEBUG=0 $(PY) manage.py check --deploy

clean:
	rm -rf $(VENV) var/static .pytest_cache .ruff_cache
