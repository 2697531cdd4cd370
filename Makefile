# dockui: the two commands a newcomer needs are `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run demo test test-fast bench screenshots lint format clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/dockui $(ARGS)

demo: $(STAMP)
	$(VENV)/bin/dockui --demo $(ARGS)

test: $(STAMP)
	$(PY) -m pytest -q $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(PY) -m pytest -q -m "not e2e" $(PYTEST_ARGS)

bench: $(STAMP)
	$(PY) -m bench $(ARGS)

screenshots: $(STAMP)
	$(PY) -m bench.screenshots

lint: $(STAMP)
	$(VENV)/bin/ruff check dockui tests bench
	$(VENV)/bin/ruff format --check dockui tests bench

format: $(STAMP)
	$(VENV)/bin/ruff format dockui tests bench
	$(VENV)/bin/ruff check --fix dockui tests bench

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
