# Quick start: `make demo` records one practice session, `make test` runs the test suite.
# Both bootstrap what they need (a virtual environment, the package, a browser) the first time.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
EXAM   ?= academic-reef-soundscapes
# With a display the scripted learner is slowed down so it can be watched; without one the
# recorder runs headless by itself.
DEMO_FLAGS ?= --autoplay key --slowmo 120

.PHONY: demo test lint browser clean

demo: $(STAMP) browser
	$(BIN)/ielts practice $(EXAM) $(DEMO_FLAGS)

test: $(STAMP) browser
	$(BIN)/pytest -q --durations=20

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

browser: $(STAMP)
	@$(BIN)/ielts browser >/dev/null 2>&1 || $(BIN)/ielts browser --install

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10))' || \
		{ echo "Python 3.10 or newer is needed (found $$($(PYTHON) --version))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $(STAMP)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis test-artifacts
