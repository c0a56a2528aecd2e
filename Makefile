# Each target sets up what it needs: a fresh machine needs only Python >= 3.11, git and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test build lab clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is needed (nbgrader 0.9.6); set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	@touch $(STAMP)

demo: $(STAMP)   ## the whole instructor pipeline on sample submissions
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/course demo

test: $(STAMP)   ## the test suite
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m pytest -q

build: $(STAMP)  ## regenerate and verify release/
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/course build

lab: $(STAMP)    ## open the course in JupyterLab
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/jupyter lab

clean:
	rm -rf $(VENV) demo_course
