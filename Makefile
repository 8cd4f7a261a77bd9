# Two commands: `make run` (the app with demo data, sandbox and a worker) and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint install screenshots

$(STAMP): requirements.lock pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	@touch $(STAMP)

.env:
	cp .env.example .env

install: $(STAMP) .env

run: install
	bash bin/run

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .

# The README's screenshots (docs/screenshots/*.png), taken by the browser walks.
screenshots: install
	E2E_SCREENSHOT_DIR=docs/screenshots $(PY) -m pytest tests/e2e -q -p no:cacheprovider $(PYTEST_ARGS)
