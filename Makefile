# Yishihui: `make run` to try it, `make test` to test it. Needs Python 3.11+ only.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
export DJANGO_SETTINGS_MODULE := config.settings
# `make run PORT=8100` serves elsewhere; SITE_URL (links in messages) follows unless set.
PORT ?= 8000
SITE_URL ?= http://127.0.0.1:$(PORT)
# Tests run on two processes; those that share the real broker run on one of them.
PARALLEL ?= -n 2 --dist loadgroup

.PHONY: run test lint format install migrate demo messages clean

# A busy port is reported here, in one line, before minutes of set-up.
ifneq ($(filter run,$(MAKECMDGOALS)),)
PORT_PROBLEM := $(shell $(PYTHON) scripts/check_port.py '$(PORT)')
ifneq ($(PORT_PROBLEM),)
$(error $(PORT_PROBLEM))
endif
endif

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

run: export DEBUG ?= true
run: export PORT := $(PORT)
run: export SITE_URL := $(SITE_URL)
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py print_demo_logins
	@$(BIN)/python scripts/run_dev.py --port $(PORT)

test: install
	$(BIN)/python -m pytest -p no:cacheprovider --durations=15 $(PARALLEL) $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Source strings are English; each app keeps its Chinese catalogue in <app>/locale,
# the shared templates and config theirs in locale/. Needs gettext (msgfmt).
messages: install
	$(BIN)/python scripts/messages.py

clean:
	rm -rf $(VENV) var staticfiles
