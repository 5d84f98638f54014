# Sanfang — one entry point per job. `make run` and `make test` work from a fresh clone.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
export SITE_URL ?= http://127.0.0.1:$(PORT)
PYTEST_ARGS ?=

.PHONY: run test lint format test-browser guide-images bench demo tick worker messages clean help

help:
	@echo "make run    — 安装、迁移、载入演示数据并启动网站与后台任务 (http://127.0.0.1:$(PORT))"
	@echo "make test   — 安装测试依赖、代码检查并运行全部测试（DATABASE_URL 指向 PostgreSQL 时在其上运行）"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	@touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/sanfang migrate --noinput
	$(BIN)/sanfang compilemessages_py
	$(BIN)/sanfang demo --if-empty
	$(BIN)/sanfang demo --accounts
	$(BIN)/sanfang serve --port $(PORT) --with-worker

lint: $(VENV)/.installed-test
	$(BIN)/ruff check sanfang tests $(wildcard bench)
	$(BIN)/ruff format --check sanfang tests $(wildcard bench)

format: $(VENV)/.installed-test
	$(BIN)/ruff format sanfang tests $(wildcard bench)
	$(BIN)/ruff check --fix sanfang tests $(wildcard bench)

test: $(VENV)/.installed-test lint
	$(BIN)/sanfang compilemessages_py --verbosity 0
	SANFANG_TESTING=1 $(BIN)/python -m pytest -n 2 -m "not browser" $(PYTEST_ARGS)

test-browser: $(VENV)/.installed-test
	$(BIN)/sanfang compilemessages_py --verbosity 0
	SANFANG_GUIDE_CHECK=1 SANFANG_TESTING=1 $(BIN)/python -m pytest -m browser -p no:xdist $(PYTEST_ARGS)

# Refresh the user guide's screenshots (docs/guide/img/) from the current interface; commit the result.
guide-images: $(VENV)/.installed-test
	$(BIN)/sanfang compilemessages_py --verbosity 0
	SANFANG_GUIDE_IMAGES=1 SANFANG_GUIDE_CHECK=1 SANFANG_TESTING=1 $(BIN)/python -m pytest -m browser -p no:xdist $(PYTEST_ARGS)

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test,bench]"
	@touch $@ $(VENV)/.installed $(VENV)/.installed-test

bench: $(VENV)/.installed-bench
	$(BIN)/sanfang compilemessages_py --verbosity 0
	$(BIN)/python -m bench $(BENCH_ARGS)

demo: $(VENV)/.installed
	$(BIN)/sanfang migrate --noinput
	$(BIN)/sanfang demo

tick: $(VENV)/.installed
	$(BIN)/sanfang tick

worker: $(VENV)/.installed
	$(BIN)/sanfang worker

messages: $(VENV)/.installed-test
	$(BIN)/sanfang makemessages_py

clean:
	rm -rf $(VENV) var/*.sqlite3* var/static
