# perfpack: `make report` builds the report on the embedded demo force; `make test` proves it.
# Everything sets itself up: the first call creates .venv and installs the project into it.

PERIOD ?= 2019-12
# SOURCE=police-uk builds a pack for any force from data.police.uk downloads:
#   make report SOURCE=police-uk FORCE=staffordshire DATA=path/to/zip-or-folder PERIOD=2019-02 WINDOW_MONTHS=2
# FORCE=all builds every force of the download in one batch plus a national page;
# PERIOD=2019-01..2019-02 (a range) builds every period; SCHEDULER=tcp://host:8786 runs the
# notebooks on a Dask cluster (default: local processes).
SOURCE ?= force
FORCE ?=
DATA ?=
WINDOW_MONTHS ?=
CELL_TIMEOUT ?= 600
SCHEDULER ?=
RUN_OPTIONS := --cell-timeout $(CELL_TIMEOUT) $(if $(WINDOW_MONTHS),--window-months $(WINDOW_MONTHS)) \
  $(if $(SCHEDULER),--scheduler $(SCHEDULER))
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PATH := $(CURDIR)/$(BIN):$(PATH)
export PYTHONDONTWRITEBYTECODE := 1
export MPLBACKEND := Agg

.DEFAULT_GOAL := help
.PHONY: help setup demo ingest report deep-dive browser test test-fast fuzz lab bench lint clean

help: ## Show this help
	@echo "perfpack — the Knowledge Hub's quarterly performance report as code"
	@echo
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-12s %s\n", $$1, $$2}'
	@echo
	@echo "  Variables: PERIOD=YYYY-MM or YYYY-MM..YYYY-MM (default $(PERIOD)), WINDOW_MONTHS=N (default 12),"
	@echo "             CELL_TIMEOUT=seconds, SOURCE=police-uk FORCE=<slug or all> DATA=<zip or folder>,"
	@echo "             SCHEDULER=tcp://host:8786 (a Dask cluster)"

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@# The analyst's habits: ruff and nbstripout run on every commit (hooks are local, no download)
	@if git rev-parse --git-dir >/dev/null 2>&1; then $(BIN)/pre-commit install --install-hooks >/dev/null; fi
	@touch $(STAMP)

setup: $(STAMP) ## Create the virtual environment and install everything (once)

data/raw/manifest.yml: | $(STAMP)
	$(BIN)/perfpack demo

demo: $(STAMP) ## (Re)write the embedded synthetic demo force into data/raw
	$(BIN)/perfpack demo

data/processed/manifest.json: data/raw/manifest.yml $(wildcard data/raw/*.csv) $(wildcard data/reference/*.csv) lib/perfpack/data/contracts.py | $(STAMP)
	$(BIN)/perfpack ingest

ingest: $(STAMP) ## Validate data/raw and rebuild data/processed
	$(BIN)/perfpack ingest

ifeq ($(SOURCE),police-uk)
PUBLIC_PROCESSED := data/processed/police-uk/$(or $(FORCE),all)
PUBLIC_REPORTS := reports/police-uk/$(or $(FORCE),all)
report: $(STAMP) ## Build reports/PERIOD/ (the demo force unless data/raw holds your own extracts)
	@test -n "$(FORCE)" -a -n "$(DATA)" || { echo "error: SOURCE=police-uk needs FORCE=<slug> and DATA=<zip or folder>" >&2; exit 2; }
	$(BIN)/perfpack ingest --source police-uk --force $(FORCE) --data $(DATA) --processed $(PUBLIC_PROCESSED)
	$(BIN)/perfpack run $(PERIOD) --processed $(PUBLIC_PROCESSED) --reports $(PUBLIC_REPORTS) \
	  --annotations annotations/police-uk/$(or $(FORCE),all) $(RUN_OPTIONS)
else
report: data/processed/manifest.json ## Build reports/PERIOD/ (the demo force unless data/raw holds your own extracts)
	$(BIN)/perfpack run $(PERIOD) $(RUN_OPTIONS)
endif

deep-dive: data/processed/manifest.json ## Re-run the action 019 deep dive into reports/PERIOD/deep_dives/
	$(BIN)/perfpack run $(PERIOD) --only missing_repeats $(RUN_OPTIONS)

browser: ## Install Debian's chromium (PDF and browser check) when it is missing
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's chromium for report.pdf and the browser check"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "warning: chromium is not installed and cannot be installed here (needs root and apt-get):"; \
	    echo "         report.pdf and the browser-check tests will be skipped"; fi; }

test: $(STAMP) browser ## Run the whole test suite (sets up what it needs)
	$(BIN)/python -m pytest -q

test-fast: $(STAMP) ## Run the tests that do not execute notebooks
	$(BIN)/python -m pytest -q -m "not slow"

fuzz: $(STAMP) ## Property-based bad-input tests, long profile (4,800 examples, about 30 min)
	PERFPACK_FUZZ_PROFILE=fuzz $(BIN)/python -m pytest -q tests/unit/test_fuzz_ingest.py

lab: $(STAMP) ## Open JupyterLab on notebooks/ with the project's kernel
	$(BIN)/jupyter lab notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

bench: $(STAMP) ## Measure ingest and batch speed into reports/bench/
	$(BIN)/python -m tools.bench

lint: $(STAMP) ## ruff lint and format check
	$(BIN)/ruff check lib tests tools
	$(BIN)/ruff format --check lib tests tools

clean: ## Remove processed data and reports (data/raw and annotations are kept)
	find data/processed -mindepth 1 ! -name .gitkeep -delete
	find reports -mindepth 1 ! -name .gitkeep -delete
