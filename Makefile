# Two commands set up everything: `make run` (the app) and `make test` (all tests).
# Both create .venv and install the requirements on first use (and again when they change).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Published model code the corpus test reads (tests/code_corpus/published/SOURCES.json): fetched
# from PyPI on first use, never committed. A failed fetch leaves the stamp out; the test then
# says which distribution (a failure under CI=true, a skip elsewhere).
PUBLISHED := .cache/published/.fetched

.PHONY: run test test-fast bench screenshot clean published

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m streamlit run app.py

$(PUBLISHED): tests/code_corpus/published/SOURCES.json tests/code_corpus/fetch_published.py | $(STAMP)
	-$(PY) tests/code_corpus/fetch_published.py && touch $(PUBLISHED)

published: $(PUBLISHED)

test: $(STAMP) $(PUBLISHED)
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
	rm -rf $(VENV) .pytest_cache .hypothesis artifacts .cache/published
