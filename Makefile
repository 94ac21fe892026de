# The two commands a user needs: `make run` and `make test`; `make serve` for production.
# All build .venv from requirements.txt.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# gunicorn's rule of thumb, 2 x cores + 1, for the 2-core machines in docs/deploy.md.
WORKERS ?= 5
POSTGRES_URL ?= postgres://root@127.0.0.1:5432/test

.PHONY: install messages run serve worker replica lint test test-sqlite test-postgres test-browser check-postgres clean

# Rebuilt whenever requirements.txt changes.
$(VENV)/.installed: requirements.txt
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

# The Nu HTML Checker (vnu-jar, pinned in package.json and package-lock.json) for
# forum/tests/test_html_validity.py, which runs it with the machine's java. --ignore-scripts:
# vnu-jar's install script would download a Java runtime of its own, which we do not use.
node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed messages

## The translations (locale/*/LC_MESSAGES/*.po, committed) compiled to the .mo files Django reads
## (not committed), with Babel from requirements.txt: no GNU gettext needed on the machine. Each is
## rebuilt when its .po is newer; a test fails while one is missing or stale (README, "Languages").
PO_FILES := $(wildcard locale/*/LC_MESSAGES/*.po)
messages: $(PO_FILES:.po=.mo)

locale/%.mo: locale/%.po $(VENV)/.installed
	$(VENV)/bin/pybabel --quiet compile --input-file $< --output-file $@

## Migrate, load the seeded articles (once) and serve on 127.0.0.1:$(PORT) with SQLite by default.
run: install
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_seeds
	FORUM_SITE_URL=$${FORUM_SITE_URL:-http://127.0.0.1:$(PORT)} $(PY) manage.py runserver 127.0.0.1:$(PORT)

## Production settings under gunicorn on 127.0.0.1:$(PORT); see docs/deploy.md. Needs SECRET_KEY
## and ALLOWED_HOSTS; to try it without TLS, also SECURE_SSL_REDIRECT=false.
serve: export DJANGO_SETTINGS_MODULE = config.settings.prod
serve: install
	@if [ -z "$$SECRET_KEY" ]; then \
		echo "make serve: SECRET_KEY is not set. It runs the production settings, which need a secret key." >&2; \
		echo "To try it on this machine:" >&2; \
		echo "  SECRET_KEY=\$$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))') ALLOWED_HOSTS=127.0.0.1,localhost SECURE_SSL_REDIRECT=false make serve" >&2; \
		exit 1; \
	fi
	mkdir -p var
	$(PY) manage.py collectstatic --noinput
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_seeds
	@# The task queue's worker runs beside gunicorn (emails, notifications) and stops with it.
	@# Its id is stable per port, so a restarted worker takes back what it was running.
	@# No --access-logfile: the forum logs each request itself (config/middleware.py), once.
	@# No control socket: gunicorn 27 puts it at ~/.gunicorn/gunicorn.ctl, one path for every
	@# instance of the user, so two servers on one machine would take it from each other.
	$(PY) manage.py worker --worker-id "$$(hostname)-$(PORT)-worker" --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(VENV)/bin/gunicorn config.wsgi --bind 127.0.0.1:$(PORT) --workers $(WORKERS) --no-control-socket

## The task queue's worker alone (docs/deploy.md runs one per machine beside gunicorn).
worker: export DJANGO_SETTINGS_MODULE = config.settings.prod
worker: install
	$(PY) manage.py worker --worker-id "$$(hostname)-worker"

## A PostgreSQL primary with a streaming replica of it, of the project's own (bench/pg-pair.sh):
## `make replica` starts them and prints the URLs for DATABASE_URL and DATABASE_REPLICA_URL.
replica:
	bench/pg-pair.sh start

## Static security lint: high-severity findings fail the build. Tests are left out (they hold
## throwaway passwords and run subprocesses on purpose).
lint: install
	$(VENV)/bin/bandit --quiet -lll -r config forum accounts jobs -x '*/tests/*'

## The whole suite on SQLite, then on PostgreSQL.
test: install lint test-sqlite test-postgres

test-sqlite: install
	env -u DATABASE_URL $(PY) -m pytest

test-postgres: install
	@if $(MAKE) --no-print-directory check-postgres; then \
		DATABASE_URL=$(POSTGRES_URL) $(PY) -m pytest; \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL at $(POSTGRES_URL) is unreachable: under CI that is a failure." >&2; exit 1; \
	else \
		echo "PostgreSQL at $(POSTGRES_URL) is unreachable: SKIPPED the PostgreSQL run." >&2; \
	fi

## Only the browser tests (Playwright driving Debian's chromium; see README), on SQLite. They
## save screenshots under docs/screenshots/raw/.
test-browser: install
	env -u DATABASE_URL $(PY) -m pytest -m browser

check-postgres:
	@$(PY) -c "import psycopg, sys; psycopg.connect(sys.argv[1], connect_timeout=5).close()" "$(POSTGRES_URL)"

clean:
	rm -rf $(VENV) var staticfiles node_modules
