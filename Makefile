# Every target installs what it needs: a virtualenv in .venv from pyproject.toml, and Apertium from Debian
# when run as root. A second run is quick: the stamp file changes only when pyproject.toml does.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
RUN ?= runs/belarus-army
EVAL_DATA ?= ../shared/data
APERTIUM_PACKAGES := apertium apertium-eng-spa apertium-eng-cat
# a German-English dictionary and an English parser: the coverage and grammar signals (optional, see README)
CHECKER_PACKAGES := trans-de-en link-grammar link-grammar-dictionaries-en
DATASET ?= $(RUN)-dataset
MODEL_PAIRS ?= de-en

.PHONY: help how-to-run install deps apertium checkers chromium wordnet test demo serve export models bench eval eval-live calibrate train train-damage train-align clean

help:
	@echo "make demo   - judge the seed article with Apertium round trips; prints where the report is"
	@echo "make test   - run the test suite (offline)"
	@echo "make serve  - the web page and HTTP API on http://127.0.0.1:$(PORT)/ (HOST=0.0.0.0 to share it; warns)"
	@echo "make export - the seed run as a Hugging Face dataset in $(DATASET) (runs make demo first if needed)"
	@echo "make models - download the open MT models for MODEL_PAIRS=$(MODEL_PAIRS) (needs internet, a few GB)"
	@echo "make train  - train the learnt divergence model on $(EVAL_DATA) into toolkit/learnt/data (about an hour on 2 cores)"
	@echo "make train-align - train the aligner's French sentence encoder into toolkit/learnt/french (part of make train)"

$(STAMP): pyproject.toml
	@echo "installing toolkit and its Python packages into $(VENV) (a few minutes the first time; quick after)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[all]'
	touch $(STAMP)

install: $(STAMP)

# $(call debian,PACKAGES,CHECK,WHAT FOR): the Debian packages, installed as root when CHECK fails; otherwise (not root,
# no apt, or the install fails) one line saying what is left out, and make goes on.
define debian
	@if $(2); then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing $(1) from Debian ($(3))"; \
	  (apt-get install -y -qq $(1) >/dev/null 2>&1 || \
	   (apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq $(1) >/dev/null 2>&1)) || \
	  echo "note: installing $(1) failed: $(3) will be left out"; \
	else echo "note: install the Debian packages $(1) as root for $(3)"; fi
endef

apertium:
	$(call debian,$(APERTIUM_PACKAGES),command -v apertium >/dev/null && apertium -l | tr -d " " | grep -qx eng-spa && apertium -l | tr -d " " | grep -qx eng-cat,the default round-trip engines)

# Without them the coverage and grammar signals are left out and the fusion reads them as "no evidence".
checkers:
	$(call debian,$(CHECKER_PACKAGES),[ -f /usr/share/trans/de-en ] && command -v link-parser >/dev/null && [ -d /usr/share/link-grammar/en ],the coverage and grammar signals)

deps: install apertium checkers

# Headless Chromium for the browser test of report.html. It is only for that test: when it cannot be
# installed, make test still runs and that test skips, saying why.
chromium:
	$(call debian,chromium,command -v chromium >/dev/null || command -v chromium-browser >/dev/null,the browser test of report.html)

# The linter, the formatter's check and the type checker on the package first (configured in pyproject.toml), then
# the tests.
test: deps chromium wordnet
	$(BIN)/ruff check toolkit
	$(BIN)/ruff format --check toolkit
	$(BIN)/mypy
	$(BIN)/python -m pytest

demo: deps
	$(BIN)/toolkit compare corpora/belarus-army/translation.en.txt --lang en \
	  --engine apertium:eng-spa --engine apertium:eng-cat --out $(RUN)
	@$(MAKE) --no-print-directory how-to-run

# The page and HTTP API (toolkit serve) over the same judge as demo; jobs and their reports go into $(SERVE_DIR).
HOST ?= 127.0.0.1
PORT ?= 8000
SERVE_DIR ?= runs/serve
serve: deps
	$(BIN)/toolkit serve --host $(HOST) --port $(PORT) --folder $(SERVE_DIR)

# `toolkit` lives in the virtualenv, which make does not activate for the shell it was called from.
how-to-run:
	@echo ""
	@echo "toolkit is installed in $(VENV): run it as $(BIN)/toolkit (e.g. $(BIN)/toolkit compare --help),"
	@echo "or first 'source $(BIN)/activate' in your shell, then plain 'toolkit ...'"

export: deps
	@[ -f $(RUN)/beads.jsonl ] || $(MAKE) --no-print-directory demo
	$(BIN)/toolkit export $(RUN) --to $(DATASET)

# The registry's default models of each pair (OPUS-MT both ways, NLLB-200 600M, M2M-100 418M) into the Hugging
# Face cache; everything else runs offline from there. `make models MODEL_PAIRS="de-en fr-en"` for more pairs.
models: install
	$(BIN)/toolkit models download $(addprefix --pair ,$(MODEL_PAIRS))

# Benchmarks print ratios measured side by side in one run and write eval/results/bench_*.json.
bench: deps
	@for script in eval/bench_*.py; do [ -e "$$script" ] || continue; $(BIN)/python $$script || exit 1; done
	@$(BIN)/python eval/run.py --readme-only

# Refit the fusion on $(EVAL_DATA) (DEMETR, MQM-TED) and write toolkit/data/fusion.json; seeded, so a rerun
# on the same data gives the same coefficients. Signals are cached in ~/.cache/toolkit/features.
calibrate: install checkers
	$(BIN)/python -m training.calibrate --data $(EVAL_DATA)

# Every offline benchmark on $(EVAL_DATA); missing data is skipped with a message.
eval: deps
	$(BIN)/python eval/run.py --data $(EVAL_DATA)

# The same benchmarks with renderings from real open MT models (run `make models` once, with internet).
eval-live: deps
	$(BIN)/python eval/run.py --live --data $(EVAL_DATA)

# WordNet for the synthetic shifts and harmless edits of `make train` (antonyms, hypernyms, synonyms).
wordnet:
	$(call debian,wordnet,[ -f /usr/share/wordnet/index.noun ],make train and its tests)

# The learnt divergence model (training/train.py): seeded, resumable (checkpoints in runs/train), writes
# toolkit/learnt/data. TRAIN_ARGS="--threads 2" where the two cores are free; the defaults are what ships.
TRAIN_ARGS ?=
train: install wordnet train-damage train-align
	$(BIN)/python -m training.train --data $(EVAL_DATA) --work runs/train $(TRAIN_ARGS)

# The damage checks' model of sentences run together (training/train_boundary.py): seeded, writes
# toolkit/damage/data/boundary.json; 10-20 minutes on 2 cores.
train-damage: install
	$(BIN)/python -m training.train_boundary --data $(EVAL_DATA)

# The aligner's French sentence encoder (training/french_encoder.py): LoRA over the packaged MiniLM,
# seeded, writes toolkit/learnt/french; 30-50 minutes on one thread of two busy cores (ALIGN_ARGS="--threads 2"
# where they are free).
ALIGN_ARGS ?=
train-align: install
	$(BIN)/python -m training.french_encoder --data $(EVAL_DATA) $(ALIGN_ARGS)

clean:
	rm -rf $(VENV) runs
