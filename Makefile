# `make test` and `make demo` work on a fresh machine: they create .venv, install the Python packages
# and (as root, once) the Debian packages the tests drive, each checked by name: Chromium, headless LibreOffice
# Calc, the Thai fonts LibreOffice renders the books with, poppler-utils (pdftotext reads the printed books).
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
SYSTEM_STAMP := $(VENV)/.system-stamp
DEBIAN_PACKAGES := python3-venv chromium libreoffice-calc-nogui fonts-thai-tlwg poppler-utils

PORT ?= 8000
DATA ?= var/demo
HOST ?= 127.0.0.1

.PHONY: venv test demo demo-data bench bench-docs lint docs clean system-deps

# make venv: only .venv (lec, the server, the test tools), from pip's registry and its cache; every target
# below that runs Python depends on it. The venv's own pip (Python 3.11's, 23.x) installs an editable
# pyproject package, so it is not upgraded first (one registry round trip fewer), and --no-compile leaves
# byte-compiling to the first import of what is used (a quarter of the CPU time of the install).
venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV) || { rm -rf $(VENV); \
	  echo "python3 -m venv failed: on Debian/Ubuntu install python3-venv (as root: apt-get install python3-venv)"; exit 1; }
	$(PY) -m pip install --quiet --no-compile --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

$(SYSTEM_STAMP): | $(STAMP)
	@missing=""; for p in $(DEBIAN_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then echo "system packages present: $(DEBIAN_PACKAGES)"; \
	elif [ "$$(id -u)" = 0 ]; then \
	  echo "installing:$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	else \
	  echo "missing:$$missing -- as root: apt-get update && apt-get install$$missing"; exit 1; \
	fi
	touch $(SYSTEM_STAMP)

system-deps: $(SYSTEM_STAMP)

test: $(STAMP) $(SYSTEM_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/pytest -q; rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests collected"; exit 0; fi; exit $$rc

# make demo PORT=8010 DATA=/tmp/lec-demo: build the demo data dir afresh and serve it
demo: $(STAMP)
	$(VENV)/bin/lec demo --data-dir $(DATA) --host $(HOST) --port $(PORT)

# the same data dir, built and not served (prints the logins)
demo-data: $(STAMP)
	$(VENV)/bin/lec demo --data-dir $(DATA) --no-serve

# make bench writes build/benchmarks.md (ignored); make bench-docs updates the tracked docs/benchmarks.md
bench: $(STAMP) $(SYSTEM_STAMP)
	mkdir -p build
	$(VENV)/bin/lec bench --report build/benchmarks.md

bench-docs: $(STAMP) $(SYSTEM_STAMP)
	$(VENV)/bin/lec bench --report docs/benchmarks.md

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

docs: $(STAMP)
	$(VENV)/bin/lec docs

clean:
	rm -rf $(VENV) var build *.egg-info
