# The two commands the README opens with. Each sets up .venv on first use
# (tools/setup_env.sh, idempotent; the first run builds mmcv, ~10 minutes).
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.rtmpose_plugin_env
# mim and subprocesses run the installed copy: reinstall when sources change
SOURCES := $(shell find rtmpose_plugin configs tools \( -name '*.py' -o -name '*.json' -o -name '*.yml' \) -not -path '*/__pycache__/*' 2>/dev/null) model-index.yml

.PHONY: demo test env clean

$(STAMP): tools/setup_env.sh pyproject.toml $(SOURCES)
	VENV=$(VENV) bash tools/setup_env.sh
	@touch $(STAMP)

env: $(STAMP)

demo: $(STAMP)
	$(PY) tools/demo.py $(ARGS)

test: $(STAMP)
	$(PY) -m pytest $(ARGS)

clean:
	rm -rf work_dirs outputs .pytest_cache
