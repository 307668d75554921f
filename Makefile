# The two commands of the quick start are `make report` and `make test`.
# Every target sets up .venv first; setup is idempotent (a stamp file tracks pyproject.toml).

PYTHON ?= python3
VENV ?= .venv
# The CPU wheel of torch; a plain `torch` requirement would pull a multi-GB CUDA build.
TORCH ?= torch==2.13.0
# Extra pip arguments for that install, e.g. --index-url https://download.pytorch.org/whl/cpu
TORCH_PIP_ARGS ?=
BIN := $(VENV)/bin
STAMP := $(VENV)/.framing-setup
export HF_HUB_OFFLINE ?= 1
export TRANSFORMERS_OFFLINE ?= 1
export TOKENIZERS_PARALLELISM ?= false

.PHONY: setup report test bench lab clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q $(TORCH_PIP_ARGS) "$(TORCH)"
	$(BIN)/python -m pip install -q -e ".[test]"
	touch $(STAMP)

report: setup
	$(BIN)/framing report seeds/ --out reports/seeds

test: setup
	$(BIN)/python -m pytest -q

# The speed benchmark's 100k-sentence run and report timings take about 15 minutes; override
# with FRAMING_BENCH_SPEED_LARGE=0 FRAMING_BENCH_SPEED_REPORT=0 for a quick run.
bench: setup
	FRAMING_BENCH_SPEED_LARGE=$${FRAMING_BENCH_SPEED_LARGE-100000} \
	FRAMING_BENCH_SPEED_REPORT=$${FRAMING_BENCH_SPEED_REPORT-1} \
	$(BIN)/python -m benchmarks.run

# Lab opens at the repository root (seeds/, data/ and your own corpus folders in its file browser);
# encrypted kernel transport keeps ipykernel's "running over TCP without encryption" warning away.
lab: setup
	$(BIN)/jupyter lab --ServerApp.root_dir=. --KernelManager.transport_encryption=auto notebooks/01-quick-start.ipynb

clean:
	rm -rf reports/ notebooks/output/ .pytest_cache
