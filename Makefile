# Jobtavlen: `make run` starts the app on the embedded SQLite database, `make test` runs every test.
VENV := .venv
PY := $(VENV)/bin/python
PYTHON ?= python3

.PHONY: run serve test lint demo-reset browser bench backup restore

run: $(VENV)/.app
	$(PY) -m model
	$(PY) -m streamlit run app.py

# Several app processes behind nginx (apt-get install nginx) on the PostgreSQL database of
# DATABASE_URL, in the foreground until Ctrl-C: `make serve PROCESSES=2 PORT=8080` (docs/deploy.md).
PROCESSES ?= 2
PORT ?= 8080

serve: $(VENV)/.app
	$(PY) -m model serve --processes $(PROCESSES) --port $(PORT)

# The whole suite at the real date, then the date-dependent tests (marker `calendar`, SQLite half)
# on Friday 1 January 2027: a public holiday in ISO week 53.
OTHER_DATE ?= 2027-01-01

test: $(VENV)/.dev browser
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -q -n 2 --dist loadfile
	JOBTAVLEN_TODAY=$(OTHER_DATE) $(PY) -m pytest -q -n 2 --dist loadfile -m calendar -k "not postgresql"

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .

demo-reset: $(VENV)/.app
	$(PY) -m model.demo --reset

# An online backup of the SQLite database into data/backups/ (ignored by git: it holds personal
# data); `make restore FILE=data/backups/x.db` writes one back (stop the app first).
backup: $(VENV)/.app
	$(PY) -m model backup data/backups/jobtavlen-$$(date +%Y-%m-%d-%H%M).db

restore: $(VENV)/.app
	@test -n "$(FILE)" || { echo "usage: make restore FILE=data/backups/jobtavlen-....db"; exit 2; }
	$(PY) -m model restore "$(FILE)"

# The benchmark of issue 6 (about 13 minutes): writes docs/performance.md and docs/performance.json.
bench: $(VENV)/.dev browser
	$(PY) -m tests.benchmark.run

# Debian's chromium for the browser tests; installed when we may (root), else they skip.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "chromium is missing: sudo apt-get install chromium (browser tests will skip)"; fi; \
	fi

$(VENV)/.app: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $(VENV)/.app $@
