# Wrappers around the two commands of the README (run from the repository root).
PY ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: demo test quick clean-cache bench

$(BIN)/python:
	$(PY) -m venv $(VENV)

demo: $(BIN)/python          ## install and run the whole study on the embedded default
	$(BIN)/pip install -q . && $(BIN)/tpcarbon demo --out tpcarbon-demo

test: $(BIN)/python          ## install with the test extras and run the tests
	$(BIN)/pip install -q ".[test]" && $(BIN)/python -m pytest -q -m "not slow and not network and not perf"

quick: $(BIN)/python         ## the reduced end-to-end demo CI runs
	$(BIN)/pip install -q . && $(BIN)/tpcarbon demo --quick --out tpcarbon-demo-quick

bench:                       ## performance measurements (see benchmarks/RESULTS.md)
	$(BIN)/python benchmarks/bench_kernel.py --cells 1024 --years 2

clean-cache:                 ## numba's on-disk cache does not notice edits to called kernels: clear it after editing
	find src -name "*.nbi" -delete -o -name "*.nbc" -delete
