# Two commands do all the set-up: `make run` (the app on the bundled seeds) and `make test`.
# torch is installed first, pinned to a CPU build: an unpinned torch pulled in by sentence-transformers would
# fetch several GB of CUDA wheels. Elsewhere, override TORCH (see README).
PYTHON ?= python3
VENV ?= .venv
TORCH ?= torch==2.13.0
BIN := $(VENV)/bin
STAMP := $(VENV)/.sbs-installed

.PHONY: run test bench system-deps clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check $(TORCH)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/sbs $(ARGS)

# Tools the end-to-end tests drive (tmux, the OpenSSH client and server); installed when we are root.
system-deps:
	@sh .ci/system-deps

test: $(STAMP) system-deps
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python bench/quality.py
	$(BIN)/python bench/perf.py

clean:
	rm -rf $(VENV) .pytest_cache
