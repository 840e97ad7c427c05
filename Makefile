# Two commands: `make run` and `make test`. Each sets up .venv on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test bench lint messages clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,postgres]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/shoptui $(ARGS)

# The suite runs on every core (pytest-xdist), every test included (the slow ones too);
# PYTEST_ARGS adds to it, e.g. PYTEST_ARGS='tests/unit -x', or PYTEST_ARGS="-m 'not slow'"
# for a quick run; PYTEST_WORKERS=0 runs it in one process.
PYTEST_WORKERS ?= auto
test: $(STAMP) lint
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

# Static checks: the import contracts and the types of the core (settings in pyproject.toml).
LINTED := shoptui screens hardware tests tools
lint: $(STAMP)
	$(BIN)/lint-imports
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/mypy shoptui

bench: $(STAMP)
	$(BIN)/python -m tests.bench $(ARGS)

# Re-extract the message catalog and update the four language catalogs.
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _ -k N_ -k ngettext:1,2 -o shoptui/locale/shoptui.pot --no-location --sort-output shoptui screens hardware
	for l in en vi ru de; do \
	  if [ -f shoptui/locale/$$l/LC_MESSAGES/shoptui.po ]; then \
	    $(BIN)/pybabel update -i shoptui/locale/shoptui.pot -d shoptui/locale -D shoptui -l $$l --no-fuzzy-matching; \
	  else $(BIN)/pybabel init -i shoptui/locale/shoptui.pot -d shoptui/locale -D shoptui -l $$l; fi; done
	$(BIN)/pybabel compile -d shoptui/locale -D shoptui --use-fuzzy

clean:
	rm -rf $(VENV) build *.egg-info
