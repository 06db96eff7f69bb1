# The two-command quick start: `make run` and `make test`. Every target creates .venv with the machine's
# python3 when it is missing and installs what it needs, so a fresh clone needs nothing else.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha256sum | cut -c1-12)
SCENARIO ?= scenarios/senkaku_baseline.yaml

.PHONY: run test bench lint clean venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,distributed,sensitivity,discovery]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(BIN)/hotline run $(SCENARIO) --report

test: $(STAMP)
	$(BIN)/ruff check sim tests benchmarks
	@# pytest exits 5 when it collected nothing: report that as a failure in its own words.
	@# Two worker processes (pytest-xdist): the suite is independent tests, and CI has two cores; a worker
	@# that runs out of tests takes some from the other (worksteal), so a few long tests do not make a tail.
	MPLBACKEND=Agg $(BIN)/python -m pytest -n 2 --dist worksteal; s=$$?; [ $$s -ne 5 ] || echo 'make test: no tests were collected' >&2; exit $$s

bench: $(STAMP)
	MPLBACKEND=Agg $(BIN)/python benchmarks/run.py

lint: $(STAMP)
	$(BIN)/ruff check sim tests benchmarks

clean:
	rm -rf $(VENV) build *.egg-info
