PY := .venv/bin/python
SHARED := ../shared

.PHONY: setup test lint docs eval bench

setup:
	python3 -m venv .venv && .venv/bin/pip install -q -e '.[dev]'

test:
	$(PY) -m pytest

lint:
	.venv/bin/ruff check xxgk tests bench && .venv/bin/ruff format --check xxgk tests bench && .venv/bin/mypy

docs:
	.venv/bin/xxgk rules --markdown > docs/rules.md
	.venv/bin/xxgk metrics --markdown > docs/metrics.md
	.venv/bin/xxgk export --markdown > docs/export.md

eval:
	for part in text html pdf; do \
	  $(PY) $(SHARED)/tools/evaluate.py --labels $(SHARED)/corpus/dev/$$part --cmd ".venv/bin/xxgk check --json {file}" --quiet; \
	done

bench:
	$(PY) bench/bench_text.py
