# `make test` and `make demo` each work on a fresh clone: they create .venv when it is
# missing and install the project with its test extras first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: test demo lint install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	@command -v promtool >/dev/null || echo "promtool not found: the Prometheus rule tests are skipped (apt-get install -y prometheus)"
	$(BIN)/pytest

demo: $(STAMP)
	$(BIN)/caas-sandbox scenario run --all

clean:
	rm -rf $(VENV) out .pytest_cache .ruff_cache
