# The single entry point: make demo, make test, make lint, make bench.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
TEST_WORKERS ?= 2
export DJANGO_SETTINGS_MODULE ?= config.settings.local

.PHONY: demo test test-fast lint format bench install clean-demo

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found)."; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	mkdir -p var
	$(BIN)/coresponse migrate --no-input
	$(BIN)/coresponse demo-data
	$(BIN)/coresponse warm-charts --quiet
	$(BIN)/coresponse collectstatic --no-input --verbosity 0
	$(BIN)/coresponse demo-logins --url http://$(HOST):$(PORT)/
	$(BIN)/coresponse runserver $(HOST):$(PORT) --insecure

test: $(STAMP)
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/mypy coresponse config
	$(BIN)/bandit -q -c pyproject.toml -r coresponse config
	$(BIN)/python .ci/pip_audit.py

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP)
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean-demo:
	rm -f var/coresponse.sqlite3 var/coresponse.sqlite3-wal var/coresponse.sqlite3-shm
