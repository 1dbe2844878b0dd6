# Two commands set up everything: `make run` (the app) and `make test` (all tests).
# Both create .venv and install the requirements on first use (and again when they change).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test test-fast bench screenshot clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m streamlit run app.py

test: $(STAMP)
	TF_CPP_MIN_LOG_LEVEL=3 $(PY) -m pytest -q --durations=15

# The core only (no browser, no slow template training): for quick edit-test loops.
test-fast: $(STAMP)
	TF_CPP_MIN_LOG_LEVEL=3 $(PY) -m pytest -q -m "not slow and not e2e"

bench: $(STAMP)
	TF_CPP_MIN_LOG_LEVEL=3 $(PY) -m benchmarks

# Retake docs/screenshot.png (the README's picture) in headless Chromium.
screenshot: $(STAMP)
	KGS_UPDATE_SCREENSHOT=1 TF_CPP_MIN_LOG_LEVEL=3 $(PY) -m pytest -q tests/e2e -k readme_screenshot

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis artifacts
