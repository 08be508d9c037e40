# Training jobs (training_jobs/): their own venv, kept apart from the infrastructure's .venv.
#   make train-env               build .venv-train (Horovod built from source once, then cached)
#   make train JOB=<job> [ARGS=] run a job on local[2] Spark with 2 Horovod processes
#   make test-training           the training tests (real training runs)
TRAIN_VENV := .venv-train
TRAIN_PY := $(TRAIN_VENV)/bin/python
# Built Horovod wheels, keyed by torch/TensorFlow versions; .cache/ is git-ignored.
WHEEL_CACHE ?= .cache/wheels
# torch==2.13.0 is a local CPU wheel here; asking PyPI for torch would pull CUDA builds.
TORCH_WHEELS ?= /opt/wheels
TORCH_FIND_LINKS := $(if $(wildcard $(TORCH_WHEELS)),--find-links $(TORCH_WHEELS))
ARGS ?=

.PHONY: train-env train test-training

$(TRAIN_VENV)/.installed: training_jobs/requirements.txt training_jobs/build/build_horovod.sh
	rm -rf $(TRAIN_VENV)
	$(PYTHON) -m venv $(TRAIN_VENV)
	$(TRAIN_PY) -m pip install -q pip==25.3
	$(TRAIN_PY) -m pip install -q $(TORCH_FIND_LINKS) -r training_jobs/requirements.txt
	MAKEFLAGS=-j2 bash training_jobs/build/build_horovod.sh $(TRAIN_PY) $(WHEEL_CACHE)
	$(TRAIN_PY) -m pip check
	touch $@

train-env: $(TRAIN_VENV)/.installed

## train: one job on local[2] Spark, 2 Horovod processes; the last line is the JSON result
train: $(TRAIN_VENV)/.installed
	@test -n "$(JOB)" || { echo "usage: make train JOB=<folder under training_jobs/> [ARGS='--epochs 4']"; exit 1; }
	$(TRAIN_PY) -m training_jobs.local_run $(JOB) $(ARGS)

# confcutdir: conftest files above tests/training_jobs belong to .venv's suites.
test-training: $(TRAIN_VENV)/.installed
	$(TRAIN_PY) -m pytest tests/training_jobs --confcutdir=tests/training_jobs

test: test-training
