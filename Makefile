# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app trainingapp
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test fuzz bench bench-moodle install translations messages db clean

run: install translations db
	@echo "Serving on http://$(HOST):$(PORT)  (demo logins above; Ctrl+C stops)"
	$(FLASK) run --host $(HOST) --port $(PORT)

test: install translations
	$(BIN)/pytest
	@if [ -n "$$TRAININGAPP_TEST_DATABASE_URL" ]; then \
		$(BIN)/pytest -m db --db=postgresql; \
	else \
		echo "PostgreSQL run skipped: TRAININGAPP_TEST_DATABASE_URL is not set."; \
	fi

# The property-based suites (hypothesis) with many more random examples than `make test`
# runs: every route of the URL map and the clearance API. FUZZ_ARGS="--db=postgresql" for
# PostgreSQL (with TRAININGAPP_TEST_DATABASE_URL).
fuzz: install translations
	HYPOTHESIS_PROFILE=fuzz $(BIN)/pytest tests/views/test_fuzz_routes.py tests/views/test_api_fuzz.py $(FUZZ_ARGS)

# Benchmarks under gunicorn (see bench/run.py); BENCH_ARGS="--full" for 10k/100k staff.
# PostgreSQL too when TRAININGAPP_BENCH_POSTGRES_URL names a server (a database is made).
bench: install translations
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# Side by side with a Moodle already running on this machine (see bench/compare_moodle.py;
# installing Moodle is not part of this project): MOODLE_PEER names the JSON file its own
# preparation wrote (address, signed-up students, their started attempts).
bench-moodle: install translations
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python bench/compare_moodle.py --moodle $(MOODLE_PEER) $(BENCH_ARGS)

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

translations: install
	$(BIN)/pybabel compile -d trainingapp/translations

# After changing user-facing strings: extract them and merge into the catalogues.
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -o trainingapp/translations/messages.pot .
	$(BIN)/pybabel update -i trainingapp/translations/messages.pot -d trainingapp/translations

db: install
	$(FLASK) db upgrade
	$(FLASK) content sync
	$(FLASK) demo seed

clean:
	rm -rf $(VENV) build *.egg-info
