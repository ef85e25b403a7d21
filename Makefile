# PPP Kiosk. Quick start: `make run` (the demo kiosk, runtime only) and `make test` (the tools,
# then the whole suite).
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
RUNTIME_STAMP := $(VENV)/.installed-runtime

.PHONY: run test lint install emulator bundle-env lock printouts screenshots voice bundle bench mutation clean

# The bundle is built in its own environment installed from requirements/bundle.lock (every
# package pinned with its hashes), so two builds of one commit take the same packages.
BUNDLE_VENV := .venv-bundle
BUNDLE_STAMP := $(BUNDLE_VENV)/.installed

# The ESC/POS printer emulator the tests print to (devtools/escpos_emulator) needs Python 3.13:
# the first interpreter found of these, or PYTHON313=... on the command line.
EMULATOR_VENV := .venv-emupos
EMULATOR_STAMP := $(EMULATOR_VENV)/.installed
PYTHON313 ?= $(shell for p in python3.13 python3.14 $$HOME/.pyenv/versions/3.1[34]*/bin/python3.1[34] /usr/local/bin/python3.13 /usr/bin/python3.13; do "$$p" -c 'import sys; assert sys.version_info >= (3, 13)' >/dev/null 2>&1 && { echo "$$p"; break; }; done)

$(PY):
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "needs $(PYTHON) (Python 3.11 or newer); set PYTHON=..."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Reinstall only when pyproject.toml changed: both commands stay idempotent and quick.
# `make run` needs the kiosk's runtime only; the tools (the reference server, PyInstaller,
# schemathesis, mutmut ...) come with `make install` and `make test`.
$(RUNTIME_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	@touch $(RUNTIME_STAMP)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP) $(RUNTIME_STAMP)

install: $(STAMP)

$(EMULATOR_STAMP): devtools/escpos_emulator/requirements.txt
	@test -n "$(PYTHON313)" || { echo "the ESC/POS emulator needs Python 3.13 or newer; set PYTHON313=..."; exit 1; }
	$(PYTHON313) -m venv $(EMULATOR_VENV)
	$(EMULATOR_VENV)/bin/pip install --quiet --upgrade pip
	$(EMULATOR_VENV)/bin/pip install --quiet -r devtools/escpos_emulator/requirements.txt
	@touch $(EMULATOR_STAMP)

emulator: $(EMULATOR_STAMP)

$(BUNDLE_STAMP): requirements/bundle.lock
	$(PYTHON) -m venv $(BUNDLE_VENV)
	$(BUNDLE_VENV)/bin/pip install --quiet --upgrade pip
	$(BUNDLE_VENV)/bin/pip install --quiet --require-hashes --no-deps -r requirements/bundle.lock
	$(BUNDLE_VENV)/bin/pip install --quiet --no-deps -e .
	@touch $(BUNDLE_STAMP)

bundle-env: $(BUNDLE_STAMP)

# Re-pin the bundle's packages after a change of dependencies in pyproject.toml.
lock: $(STAMP)
	$(PY) -m pip install --quiet pip-tools
	$(VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --extra bundle \
		--strip-extras -o requirements/bundle.lock pyproject.toml

run: $(RUNTIME_STAMP)
	$(VENV)/bin/kiosk --demo

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

# Two workers, one test file each at a time (a file's fixtures stay in one process): most
# of the suite waits on subprocesses, browsers and servers, so two halve the wall time on
# two cores. TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= 2

test: lint emulator bundle-env
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadfile

printouts: $(STAMP) emulator
	$(PY) -m devtools.printouts docs/printouts

screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m devtools.screenshots docs/screenshots
	$(PY) -m devtools.lan_screenshots docs/screenshots
	PPP_SCREENSHOT_DIR=docs/screenshots $(PY) -m pytest -q -p no:cacheprovider \
		tests/web/test_status_pages.py tests/web/test_staff_accounts_page.py tests/web/test_audit_page.py

# The call clips in resources/voice/ (espeak-ng's Indonesian voice; resources/voice/README.md).
voice: $(RUNTIME_STAMP)
	$(PY) -m devtools.voice_clips

bundle: bundle-env
	$(BUNDLE_VENV)/bin/pyinstaller --noconfirm --clean build.spec

# The mutation score of the core modules per group, survivors in benchmarks/results/. About six
# hours in full, so not part of `make test`; SAMPLE=N scores N random mutants per group.
mutation: $(STAMP) emulator
	nice -n 10 $(PY) -m benchmarks mutation $(if $(SAMPLE),--sample $(SAMPLE))

clean:
	rm -rf build dist .pytest_cache .ruff_cache
