# The two commands a user needs: `make run` and `make test`. Both build .venv from requirements.txt.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
POSTGRES_URL ?= postgres://root@127.0.0.1:5432/test

.PHONY: install run lint test test-sqlite test-postgres check-postgres clean

# Rebuilt whenever requirements.txt changes.
$(VENV)/.installed: requirements.txt
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

install: $(VENV)/.installed

## Migrate, load the seeded articles (once) and serve on 127.0.0.1:$(PORT) with SQLite by default.
run: install
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_seeds
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

## Static security lint: high-severity findings fail the build. Tests are left out (they hold
## throwaway passwords and run subprocesses on purpose).
lint: install
	$(VENV)/bin/bandit --quiet -lll -r config forum accounts -x '*/tests/*'

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

check-postgres:
	@$(PY) -c "import psycopg, sys; psycopg.connect(sys.argv[1], connect_timeout=5).close()" "$(POSTGRES_URL)"

clean:
	rm -rf $(VENV) var staticfiles
