# Training jobs (training_jobs/): their own environments, kept apart from the infrastructure's .venv.
#   make train-env                  both training environments (below)
#   make train JOB=<job> [ARGS=]    a job on local[2] Spark with the horovod launcher, 2 processes,
#                                   in .venv-train (Horovod built from source once, then cached)
#   make train JOB=<job> SPARK=3.5  the same job as a Spark 3.5 pool runs it: the spark launcher,
#                                   in .venv-train-3.5 (the 3.5 runtime's Python and packages)
#   make test-training              the training tests (real training runs), both launchers
#   make bench-training             throughput under both launchers, and the readers (bench/)
TRAIN_VENV := .venv-train
TRAIN_PY := $(TRAIN_VENV)/bin/python
TRAIN35_VENV := .venv-train-3.5
TRAIN35_PY := $(TRAIN35_VENV)/bin/python
# Built Horovod wheels, keyed by torch/TensorFlow versions; .cache/ is git-ignored.
WHEEL_CACHE ?= .cache/wheels
# torch==2.13.0 is a local CPU wheel here; asking PyPI for torch would pull CUDA builds.
TORCH_WHEELS ?= /opt/wheels
TORCH_FIND_LINKS := $(if $(wildcard $(TORCH_WHEELS)),--find-links $(TORCH_WHEELS))
ARGS ?=
# The Synapse runtime a local run plays: empty for the Spark 3.1/3.2 GPU runtimes' horovod
# launcher (what `make train` has always run), or 3.5.
SPARK ?=

ifeq ($(SPARK),)
RUN_VENV := $(TRAIN_VENV)
RUN_FLAGS :=
else ifeq ($(SPARK),3.5)
RUN_VENV := $(TRAIN35_VENV)
RUN_FLAGS := --spark 3.5
else
RUN_VENV := unsupported-spark-$(SPARK)
endif

.PHONY: train-env train test-training bench-training

# Each environment gets this repository's package (synapse_dl) without its infrastructure
# dependencies, after `pip check`: local_run reads job.yaml with synapse_dl.config.job_definition,
# which needs only pydantic and PyYAML (tests/components/test_job_definitions.py holds that).

$(TRAIN_VENV)/.installed: training_jobs/requirements.txt training_jobs/build/build_horovod.sh
	rm -rf $(TRAIN_VENV)
	$(PYTHON) -m venv $(TRAIN_VENV)
	$(TRAIN_PY) -m pip install -q pip==25.3
	$(TRAIN_PY) -m pip install -q $(TORCH_FIND_LINKS) -r training_jobs/requirements.txt
	MAKEFLAGS=-j2 bash training_jobs/build/build_horovod.sh $(TRAIN_PY) $(WHEEL_CACHE)
	$(TRAIN_PY) -m pip check
	$(TRAIN_PY) -m pip install -q --no-deps -e .
	touch $@

$(TRAIN35_VENV)/.installed: training_jobs/requirements-spark3.5.txt
	rm -rf $(TRAIN35_VENV)
	$(PYTHON) -m venv $(TRAIN35_VENV)
	$(TRAIN35_PY) -m pip install -q pip==25.3
	$(TRAIN35_PY) -m pip install -q $(TORCH_FIND_LINKS) -r training_jobs/requirements-spark3.5.txt
	$(TRAIN35_PY) -m pip check
	$(TRAIN35_PY) -m pip install -q --no-deps -e .
	touch $@

unsupported-spark-$(SPARK)/.installed:
	@echo "make train: SPARK=$(SPARK) is not a local training environment; use SPARK=3.5, or leave it out for the horovod launcher"; exit 1

train-env: $(TRAIN_VENV)/.installed $(TRAIN35_VENV)/.installed

## train: one job on local[2] Spark, 2 processes; the last line is the JSON result
train: $(RUN_VENV)/.installed
	@test -n "$(JOB)" || { echo "usage: make train JOB=<folder under training_jobs/> [SPARK=3.5] [ARGS='--epochs 4']"; exit 1; }
	$(RUN_VENV)/bin/python -m training_jobs.local_run $(RUN_FLAGS) $(JOB) $(ARGS)

# confcutdir: conftest files above tests/training_jobs belong to .venv's suites. Each
# environment runs the whole folder: the launcher's jobs, and the shared tests on its pyarrow.
test-training: $(TRAIN_VENV)/.installed $(TRAIN35_VENV)/.installed
	$(TRAIN_PY) -m pytest tests/training_jobs --confcutdir=tests/training_jobs --launcher horovod
	$(TRAIN35_PY) -m pytest tests/training_jobs --confcutdir=tests/training_jobs --launcher spark

test: test-training

## bench-training: training throughput under both launchers, and the readers; figures only
bench-training: $(TRAIN_VENV)/.installed $(TRAIN35_VENV)/.installed
	$(TRAIN_PY) bench/train_throughput.py
