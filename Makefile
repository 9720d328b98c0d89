# Two commands on a fresh clone:  `make run`  and  `make test`.
# Everything else (venv, pinned install, spaCy pipeline, training) happens on the way.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
MODEL := models/current.tar.gz

# Python 3.10: PYTHON=... wins, then python3.10 on PATH, then pyenv's newest 3.10.x.
PYTHON ?= $(shell for p in python3.10 $$(ls -d $$HOME/.pyenv/versions/3.10.*/bin/python 2>/dev/null | sort -V | tail -n 1); do \
	  command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null && { command -v $$p; break; }; done)

export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export TF_ENABLE_ONEDNN_OPTS := 0
export PYTHONDONTWRITEBYTECODE := 1
export SQLALCHEMY_SILENCE_UBER_WARNING := 1

TRAINING_INPUTS := config.yml domain.yml $(wildcard data/*/*.yml) bot/rasa_components.py bot/intent_model.py bot/nlp.py

.PHONY: help setup train run shell test lint purge-conversations bench clean \
        check leesbaarheid nieuw-onderwerp rapport kwaliteit scale-up scale-down scale-status validate-deploy

help:
	@echo "make run    set up, train if needed, start the assistant (REST: http://localhost:5005/webhooks/rest/webhook)"
	@echo "make test   set up, train if needed, run every test"
	@echo "make shell  chat with the assistant in the terminal"
	@echo "make purge-conversations [DAYS=30]  delete stored conversations older than DAYS"
	@echo "make bench  measure speed and memory against a fresh 'rasa init' bot"
	@echo "make scale-up [REPLICAS=2]  N Rasa replicas behind nginx on PostgreSQL + Redis (docs/deploy.md)"
	@echo "make scale-down             stop what scale-up started (scale-status: what runs)"
	@echo "Support staff (docs/beheer.md):"
	@echo "make check            check answers and training data, errors in plain Dutch"
	@echo "make leesbaarheid      how easy each answer is to read (words per sentence, long words, Flesch-Douma)"
	@echo "make nieuw-onderwerp  add a question/topic (ARGS=\"--id ... --titel ...\" for non-interactive)"
	@echo "make rapport          what citizens asked that the bot could not answer (VAN=, TOT=)"
	@echo "make kwaliteit        model quality report (5-fold cross-validation), fails below accuracy/macro-F1 0.90, an intent's F1 0.85, or on a drop against the stored baseline"

$(VENV)/.installed: requirements.txt requirements.lock
	@if [ -z "$(PYTHON)" ]; then \
	  echo "Python 3.10 is needed (Rasa 3.6 does not run on 3.11+). Install it (e.g. pyenv install 3.10.13) or run: make PYTHON=/path/to/python3.10 ..." >&2; exit 1; fi
	@[ -x $(PY) ] && $(PY) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' || { rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade "pip<24.1"
	$(PY) -m pip install --quiet -r requirements.txt -c requirements.lock
	@touch $@

# Test and lint tools: only for make test / make lint, never in the run-time install.
$(VENV)/.dev: $(VENV)/.installed requirements-dev.txt requirements.lock
	$(PY) -m pip install --quiet -r requirements-dev.txt -c requirements.lock
	@touch $@

$(VENV)/.spacy: $(VENV)/.installed bot/nlp.py
	$(PY) -m bot.nlp
	@touch $@

# Browser tests drive Debian's Chromium; nothing is downloaded by Playwright.
$(VENV)/.chromium: $(VENV)/.dev
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium fonts-noto-color-emoji >/dev/null; }
	@touch $@

# nginx spreads requests over the replicas (make scale-up and its tests).
$(VENV)/.nginx: $(VENV)/.installed
	@command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || { \
	  echo "Installing Debian's nginx-light for the scale-out run"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq nginx-light >/dev/null; }
	@touch $@

setup: $(VENV)/.spacy

# Retrains only when the training data, domain, config or NLU components changed.
# Answer texts (bot/content/answers.yml) are read at run time: no retraining needed.
$(MODEL): $(VENV)/.spacy $(TRAINING_INPUTS)
	$(RASA) train --fixed-model-name current --out models --quiet
	@touch $@

train: $(MODEL)

run: $(MODEL)
	@scripts/serve.sh

shell: $(MODEL)
	@scripts/serve.sh --shell

validate-deploy: $(VENV)/.nginx
	$(PY) scripts/validate_deploy.py

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check bot actions tests scripts

test: $(MODEL) $(VENV)/.dev $(VENV)/.chromium $(VENV)/.nginx lint check validate-deploy
	$(RASA) data validate --fail-on-warnings --quiet
	$(VENV)/bin/pytest
	$(RASA) test nlu --nlu tests/nlu --model $(MODEL) --out reports/nlu-heldout --quiet
	$(PY) scripts/check_nlu_report.py reports/nlu-heldout/intent_report.json --min-accuracy 0.95 --min-macro-f1 0.93
	$(RASA) test core --stories tests/stories --model $(MODEL) --out reports/stories --fail-on-prediction-errors --quiet

DAYS ?= 30
purge-conversations: $(VENV)/.installed
	$(PY) -m bot.retention --days $(DAYS)

bench: $(MODEL)
	$(PY) scripts/bench.py --out docs/benchmarks.md

# Several replicas on this machine's PostgreSQL and Redis (BOT_* variables, docs/deploy.md).
REPLICAS ?= 2
scale-up: $(MODEL) $(VENV)/.nginx
	$(PY) -m bot.scaleout up --replicas $(REPLICAS) $(if $(CREDENTIALS),--credentials $(CREDENTIALS))

scale-down: $(VENV)/.installed
	$(PY) -m bot.scaleout down

scale-status: $(VENV)/.installed
	$(PY) -m bot.scaleout status

# Support staff (docs/beheer.md).
check: $(VENV)/.installed
	$(PY) -m bot.staff.check

leesbaarheid: $(VENV)/.installed
	$(PY) -m bot.staff.readability

nieuw-onderwerp: $(VENV)/.installed
	$(PY) -m bot.staff.add_topic $(ARGS)

rapport: $(VENV)/.installed
	$(PY) -m bot.staff.report $(if $(VAN),--van $(VAN)) $(if $(TOT),--tot $(TOT))

kwaliteit: $(VENV)/.spacy
	$(PY) -m bot.staff.quality $(if $(FOLDS),--folds $(FOLDS))

clean:
	rm -rf models reports .pytest_cache
