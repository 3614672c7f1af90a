# `make test` and `make demo` work on a fresh machine: they create .venv, install the Python packages
# and (as root, once) the Debian packages the tests drive: Chromium and headless LibreOffice Calc.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
SYSTEM_STAMP := $(VENV)/.system-stamp
DEBIAN_PACKAGES := chromium libreoffice-calc-nogui fonts-thai-tlwg

.PHONY: test demo bench lint docs clean system-deps

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(SYSTEM_STAMP): | $(STAMP)
	@if command -v chromium >/dev/null && command -v soffice >/dev/null; then \
	  echo "chromium and soffice present"; \
	elif [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEBIAN_PACKAGES); \
	else \
	  echo "Install as root: apt-get install $(DEBIAN_PACKAGES)"; exit 1; \
	fi
	touch $(SYSTEM_STAMP)

system-deps: $(SYSTEM_STAMP)

test: $(STAMP) $(SYSTEM_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/pytest -q; rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests collected"; exit 0; fi; exit $$rc

demo: $(STAMP)
	$(VENV)/bin/lec demo

bench: $(STAMP) $(SYSTEM_STAMP)
	$(VENV)/bin/lec bench --report docs/benchmarks.md

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

docs: $(STAMP)
	$(VENV)/bin/lec rules --out docs/rules.md

clean:
	rm -rf $(VENV) var build *.egg-info
