"""job.yaml files load into JobDefinition, fit the dev stack's pools, and bad ones fail clearly.

synapse_dl.config.job_definition is pure Python (pydantic, PyYAML): the infrastructure imports
it, and so do the training environments (local runs), which have no Pulumi."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from synapse_dl.config.job_definition import (
    JobDefinitionError,
    Location,
    discover_jobs,
    load_job_definition,
)
from synapse_dl.config.job_on_pool import PoolShape, check_job_against_pools, resolve_launcher

JOBS_ROOT = Path(__file__).resolve().parents[2] / "training_jobs"

# The dev stack's pools (Pulumi.dev.yaml): three GPU-Large nodes on Spark 3.2 with the GPU
# runtime's deep-learning libraries, and a memory-optimized data preparation pool autoscaling
# 3..5 nodes on Spark 3.5, which ships torch but not TensorFlow.
GPU_LIBRARIES = frozenset({"torch", "tensorflow", "horovod", "petastorm"})
SPARK35_PACKAGES = frozenset({"pyarrow", "numpy", "pandas", "torch"})
DEV_POOLS = {
    "gpularge": PoolShape("gpularge", "HardwareAcceleratedGPU", "Large", "3.2", 3, GPU_LIBRARIES),
    "dataprep": PoolShape("dataprep", "MemoryOptimized", "Small", "3.5", 5, SPARK35_PACKAGES),
}
# A job sized for dataprep: Small nodes are 4 vCores and 32 GB.
ON_DATAPREP = {
    "pool": "dataprep",
    "driver": {"cores": 4, "memory": "28g"},
    "executor": {"cores": 4, "memory": "28g"},
    "numExecutors": 2,
    "args": ["--num-proc", "2"],
    "conf": {"spark.dynamicAllocation.enabled": "false", "spark.task.cpus": "4"},
}


def write_job(tmp_path: Path, **changes) -> Path:
    """A copy of the pytorch_digits job folder (entry and pyFiles included) with changes."""
    root = tmp_path / "training_jobs"
    shutil.copytree(JOBS_ROOT / "common", root / "common")
    job_dir = root / "pytorch_digits"
    shutil.copytree(JOBS_ROOT / "pytorch_digits", job_dir)
    raw = yaml.safe_load((job_dir / "job.yaml").read_text())
    for key, value in changes.items():
        if value is None:
            raw.pop(key)
        else:
            raw[key] = value
    (job_dir / "job.yaml").write_text(yaml.safe_dump(raw))
    return job_dir


def error_of(job_dir: Path, pools=DEV_POOLS) -> str:
    with pytest.raises(JobDefinitionError) as raised:
        check_job_against_pools(load_job_definition(job_dir), pools)
    return str(raised.value)


def test_the_bundled_jobs_are_pytorch_digits_and_tensorflow_digits():
    assert [p.name for p in discover_jobs(JOBS_ROOT)] == ["pytorch_digits", "tensorflow_digits"]


@pytest.mark.parametrize("job_name", ["pytorch_digits", "tensorflow_digits"])
def test_bundled_job_fits_the_dev_stack_gpu_pool_with_the_small_driver_layout(job_name):
    job = load_job_definition(JOBS_ROOT / job_name)
    check_job_against_pools(job, DEV_POOLS)
    assert job.name == job_name
    assert job.framework == job_name.removesuffix("_digits")
    assert job.pool == "gpularge"
    assert (job.driver.cores, job.driver.memory) == (4, "30g")
    assert (job.executor.cores, job.executor.memory, job.numExecutors) == (12, "60g", 3)


@pytest.mark.parametrize("job_name", ["pytorch_digits", "tensorflow_digits"])
def test_bundled_job_submits_its_data_and_output_on_the_stacks_lake_then_its_args(job_name):
    job = load_job_definition(JOBS_ROOT / job_name)
    lake = "abfss://synapse@stlake.dfs.core.windows.net/"
    assert job.submit_args(lake, "horovod")[:6] == [
        "--data",
        f"{lake}training/data/digits",
        "--output",
        f"{lake}training/output/{job_name}",
        "--launcher",
        "horovod",
    ]
    assert job.submit_args(lake, "horovod")[6:] == job.args


def test_a_full_abfss_location_is_kept_as_it_is():
    location = Location(path="abfss://data@stother.dfs.core.windows.net/digits")
    assert location.url("abfss://synapse@stlake.dfs.core.windows.net/") == location.path


def test_unknown_pool_is_rejected_naming_the_pool_and_the_stacks_pools(tmp_path):
    message = error_of(write_job(tmp_path, pool="gpuhuge"))
    assert "invalid training job 'pytorch_digits'" in message
    assert (
        "pool = 'gpuhuge': no such pool in the stack; its pools are: dataprep, gpularge" in message
    )


def test_executor_cores_above_the_nodes_vcores_are_rejected(tmp_path):
    job_dir = write_job(
        tmp_path,
        pool="dataprep",
        driver={"cores": 4, "memory": "28g"},
        executor={"cores": 8, "memory": "28g"},
        numExecutors=2,
    )
    message = error_of(job_dir)
    assert (
        "executor.cores = 8: above the 4 vCores of a MemoryOptimized/Small node of pool "
        "'dataprep'" in message
    )


def test_executor_memory_above_the_nodes_memory_is_rejected(tmp_path):
    job_dir = write_job(tmp_path, executor={"cores": 12, "memory": "120g"})
    message = error_of(job_dir)
    assert "executor.memory = '120g': above the 110g of a HardwareAcceleratedGPU/Large" in message


def test_gpu_pool_sizes_outside_the_documented_layouts_are_rejected_listing_them(tmp_path):
    job_dir = write_job(tmp_path, executor={"cores": 8, "memory": "60g"})
    message = error_of(job_dir)
    assert "GPU pool 'gpularge' (HardwareAcceleratedGPU/Large) allows only:" in message
    assert "GPU-Large small driver: driver 4 cores/30g, executor 12 cores/60g" in message
    assert "GPU-Large medium driver: driver 7 cores/30g, executor 9 cores/60g" in message


def test_gpu_large_medium_driver_layout_is_accepted(tmp_path):
    job_dir = write_job(
        tmp_path,
        driver={"cores": 7, "memory": "30g"},
        executor={"cores": 9, "memory": "60g"},
        conf={"spark.dynamicAllocation.enabled": "false", "spark.task.cpus": "9"},
    )
    check_job_against_pools(load_job_definition(job_dir), DEV_POOLS)


def test_a_task_wider_than_the_executor_is_rejected(tmp_path):
    job_dir = write_job(
        tmp_path, driver={"cores": 7, "memory": "30g"}, executor={"cores": 9, "memory": "60g"}
    )
    message = error_of_job(load_job_definition(job_dir))
    assert (
        "conf.spark.task.cpus = '12': above executor.cores = 9, so no executor can run a task"
        in message
    )


def test_more_executors_than_the_pools_nodes_run_are_rejected(tmp_path):
    message = error_of(write_job(tmp_path, numExecutors=4))
    assert (
        "numExecutors = 4: above the 3 executors pool 'gpularge' can run "
        "(3 nodes x 1 per node)" in message
    )


def test_missing_entry_file_is_rejected_naming_the_path(tmp_path):
    job_dir = write_job(tmp_path, entry="trian.py")
    with pytest.raises(JobDefinitionError) as raised:
        load_job_definition(job_dir)
    assert f"entry = 'trian.py': no such file {job_dir / 'trian.py'}" in str(raised.value)


def test_missing_py_file_is_rejected_naming_its_index(tmp_path):
    job_dir = write_job(tmp_path, pyFiles=["../common/launcher.py", "../common/nope.py"])
    with pytest.raises(JobDefinitionError) as raised:
        load_job_definition(job_dir)
    assert "pyFiles[1] = '../common/nope.py': no such file" in str(raised.value)


def test_bad_values_are_all_reported_with_key_value_and_what_is_allowed(tmp_path):
    job_dir = write_job(
        tmp_path,
        framework="jax",
        executor={"cores": 0, "memory": "60 GB"},
        numExecutors=None,
    )
    with pytest.raises(JobDefinitionError) as raised:
        load_job_definition(job_dir)
    assert raised.value.job == "pytorch_digits"
    assert [p.key for p in raised.value.problems] == [
        "framework", "executor", "executor", "numExecutors"
    ]  # fmt: skip
    assert str(raised.value) == (
        "invalid training job 'pytorch_digits':\n"
        "  framework = 'jax': Input should be 'pytorch' or 'tensorflow'\n"
        "  executor.cores = 0: Input should be greater than or equal to 1\n"
        "  executor.memory = '60 GB': memory must be whole gigabytes such as '30g'\n"
        "  numExecutors = (missing): Field required"
    )


def test_unknown_keys_are_rejected_so_typos_do_not_pass(tmp_path):
    with pytest.raises(JobDefinitionError) as raised:
        load_job_definition(write_job(tmp_path, numExecutor=3))
    assert "numExecutor = 3: not a known key; did you mean 'numExecutors'?" in str(raised.value)


def test_the_definition_module_imports_nothing_of_pulumi_spark_torch_or_tensorflow():
    import subprocess
    import sys

    probe = (
        "import sys, synapse_dl.config.job_definition; "
        "heavy = {'pulumi', 'pyspark', 'torch', 'tensorflow', 'horovod', 'petastorm', 'numpy'}; "
        "print(sorted(heavy & set(sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=JOBS_ROOT.parent, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("job_name", ["pytorch_digits", "tensorflow_digits"])
def test_bundled_jobs_name_no_launcher_and_take_their_pools_runtime_default(job_name):
    job = load_job_definition(JOBS_ROOT / job_name)
    assert job.launcher is None
    assert resolve_launcher(job, DEV_POOLS["gpularge"]) == "horovod"


def test_the_pytorch_job_placed_on_a_spark_3_5_pool_runs_with_the_spark_launcher(tmp_path):
    job = load_job_definition(write_job(tmp_path), ON_DATAPREP)
    check_job_against_pools(job, DEV_POOLS)
    assert resolve_launcher(job, DEV_POOLS["dataprep"]) == "spark"


def test_a_launcher_the_pools_runtime_cannot_run_is_rejected_naming_pool_version_and_launchers(
    tmp_path,
):
    job = load_job_definition(write_job(tmp_path, launcher="spark"))
    message = error_of_job(job)
    assert (
        "launcher = 'spark': job 'pytorch_digits' targets pool 'gpularge' on Spark 3.2, whose "
        "runtime can run only: horovod" in message
    )


def test_an_unknown_launcher_is_rejected_listing_the_launchers(tmp_path):
    with pytest.raises(JobDefinitionError) as raised:
        load_job_definition(write_job(tmp_path, launcher="mpi"))
    assert "launcher = 'mpi': Input should be 'horovod' or 'spark'" in str(raised.value)


def test_a_framework_the_pool_cannot_import_is_rejected(tmp_path):
    job_dir = write_job(tmp_path, framework="tensorflow")
    message = error_of_job(load_job_definition(job_dir, ON_DATAPREP))
    assert (
        "framework = 'tensorflow': pool 'dataprep' has no tensorflow: the Spark 3.5 runtime "
        "does not ship it" in message
    )


def test_dynamic_allocation_must_be_off_for_training(tmp_path):
    placed = {**ON_DATAPREP, "conf": {"spark.dynamicAllocation.enabled": "true"}}
    message = error_of_job(load_job_definition(write_job(tmp_path), placed))
    assert "conf.spark.dynamicAllocation.enabled = 'true': must be 'false'" in message


def test_a_task_cpus_that_is_not_a_number_of_cores_is_rejected(tmp_path):
    placed = {
        **ON_DATAPREP,
        "conf": {"spark.dynamicAllocation.enabled": "false", "spark.task.cpus": "four"},
    }
    message = error_of_job(load_job_definition(write_job(tmp_path), placed))
    assert (
        "conf.spark.task.cpus = 'four': must be a whole number of cores (1 to executor.cores "
        "= 4)" in message
    )


def test_more_processes_than_task_slots_are_rejected(tmp_path):
    job = load_job_definition(write_job(tmp_path, args=["--num-proc", "4"]))
    message = error_of_job(job)
    assert (
        "args = '--num-proc 4': above the 3 task slots the job's executors hold (numExecutors "
        "3 x executor.cores 12 // spark.task.cpus 12)" in message
    )


def error_of_job(job) -> str:
    with pytest.raises(JobDefinitionError) as raised:
        check_job_against_pools(job, DEV_POOLS)
    return str(raised.value)


# --- files a job ships: only its own folder and training_jobs/common ------------------------


@pytest.mark.parametrize(
    "path",
    ["../../../../etc/passwd", "../../job.yaml", "/etc/passwd", "../tensorflow_digits/train.py"],
)
def test_an_entry_outside_the_job_folder_and_common_is_refused(tmp_path, path):
    with pytest.raises(JobDefinitionError) as raised:
        load_job_definition(write_job(tmp_path, entry=path))
    message = str(raised.value)
    assert f"entry = {path!r}: " in message
    assert "outside the job's folder" in message or "must be a path relative" in message


def test_a_py_file_reached_through_a_symlink_out_of_the_tree_is_refused(tmp_path):
    secret = tmp_path / "secret.py"
    secret.write_text("TOKEN = 'x'\n")
    job_dir = write_job(tmp_path, pyFiles=["helper.py"])
    (job_dir / "helper.py").symlink_to(secret)

    with pytest.raises(JobDefinitionError) as raised:
        load_job_definition(job_dir)
    assert f"pyFiles[0] = 'helper.py': resolves to {secret}, outside the job's folder" in str(
        raised.value
    )


def test_files_in_the_job_folder_and_in_common_are_accepted(tmp_path):
    job_dir = write_job(tmp_path, pyFiles=["extra.py", "../common/launcher.py"])
    (job_dir / "extra.py").write_text("")

    assert load_job_definition(job_dir).pyFiles == ["extra.py", "../common/launcher.py"]


# --- job.yaml as a file, and its conf ----------------------------------------------------------


def test_a_job_yaml_that_is_not_yaml_names_the_line_and_column(tmp_path):
    job_dir = write_job(tmp_path)
    (job_dir / "job.yaml").write_text("name: pytorch_digits\nargs: [--epochs\n")

    with pytest.raises(JobDefinitionError) as raised:
        load_job_definition(job_dir)
    assert f"{job_dir / 'job.yaml'}:3:1: expected ',' or ']'" in str(raised.value)


def test_a_key_set_twice_in_job_yaml_is_refused(tmp_path):
    job_dir = write_job(tmp_path)
    text = (job_dir / "job.yaml").read_text()
    (job_dir / "job.yaml").write_text(text + "numExecutors: 2\n")

    with pytest.raises(JobDefinitionError) as raised:
        load_job_definition(job_dir)
    assert "'numExecutors' is set twice in one mapping; keep one" in str(raised.value)


@pytest.mark.parametrize(
    ("conf", "expected"),
    [
        ({"spark.a b": "1"}, "conf['spark.a b'] = 'spark.a b': the key: a Spark property name"),
        (
            {"spark.x": "1\nspark.y 2"},
            "conf['spark.x'] = '1\\nspark.y 2': a Spark property value is one line",
        ),
        ({"spark.x": ""}, "conf['spark.x'] = '': a Spark property value cannot be empty"),
        ({"": "1"}, "conf[''] = '': the key: a Spark property name"),
    ],
)
def test_conf_keys_and_values_are_checked_not_pasted(tmp_path, conf, expected):
    with pytest.raises(JobDefinitionError) as raised:
        load_job_definition(write_job(tmp_path, conf=conf))
    assert expected in str(raised.value)


# --- a job's args, read by the job's own parser ---------------------------------------------


@pytest.mark.parametrize(
    ("args", "option", "value"),
    [
        (["--launcher", "horovod"], "launcher", "horovod"),
        (["--launcher=spark"], "launcher", "spark"),
        (["--launch", "horovod"], "launcher", "horovod"),
        (["--num-proc", "2", "--la", "spark"], "launcher", "spark"),
        (["--data", "abfss://elsewhere"], "data", "abfss://elsewhere"),
        (["--out=out/x"], "output", "out/x"),
    ],
)
def test_args_may_not_set_what_the_plan_sets_in_any_spelling_the_job_reads(
    tmp_path, args, option, value
):
    with pytest.raises(JobDefinitionError) as raised:
        load_job_definition(write_job(tmp_path, args=args))

    key = {"launcher": "launcher", "data": "data.path", "output": "output.path"}[option]
    assert [str(p) for p in raised.value.problems] == [
        f"args = {args!r}: set --{option} ({value!r}), which the plan sets from the job's "
        f"{key}; drop it from args"
    ]


@pytest.mark.parametrize(
    ("args", "processes"),
    [
        (["--num-proc", "4"], 4),
        (["--num-proc=4"], 4),
        (["--num", "4"], 4),
        (["--num-proc", "2", "--num-proc", "4"], 4),  # the last, as argparse reads it
        (["--epochs", "3"], 2),  # the parser's default
    ],
)
def test_the_processes_are_what_the_jobs_parser_reads(tmp_path, args, processes):
    job = load_job_definition(write_job(tmp_path, args=args))

    assert job.requested_processes() == processes


@pytest.mark.parametrize(
    ("args", "refusal"),
    [
        (["--num-procs", "2"], "unrecognized arguments: --num-procs 2"),
        (["--num-proc", "²"], "argument --num-proc: invalid int value: '²'"),
        (["--num-proc"], "argument --num-proc: expected one argument"),
        (["--help"], "the job would stop there (exit 0)"),
    ],
)
def test_args_the_jobs_parser_refuses_are_refused_with_its_words(tmp_path, args, refusal):
    with pytest.raises(JobDefinitionError) as raised:
        load_job_definition(write_job(tmp_path, args=args))

    assert [str(p) for p in raised.value.problems] == [
        f"args = {args!r}: the job's own parser (job_arguments.py) refuses them: {refusal}"
    ]


@pytest.mark.parametrize("option", ["--num-proc", "--epochs", "--batch-size"])
def test_a_count_below_one_is_refused_by_the_jobs_own_check(tmp_path, option):
    # The job's parse() checks the counts after argparse: the plan runs that check too.
    args = [f"{option}=0"]
    with pytest.raises(JobDefinitionError) as raised:
        load_job_definition(write_job(tmp_path, args=args))

    assert [str(p) for p in raised.value.problems] == [
        f"args = {args!r}: the job's own parser (job_arguments.py) refuses them: "
        f"{option} must be at least 1, got 0"
    ]


def test_a_job_with_its_own_arguments_is_not_judged_on_them(tmp_path):
    job_dir = write_job(tmp_path, args=["--anything", "goes"])
    raw = yaml.safe_load((job_dir / "job.yaml").read_text())
    raw["pyFiles"] = [f for f in raw["pyFiles"] if not f.endswith("job_arguments.py")]
    (job_dir / "job.yaml").write_text(yaml.safe_dump(raw))

    assert load_job_definition(job_dir).requested_processes() is None


@pytest.mark.parametrize(
    ("module_text", "problem"),
    [
        ("def build_parser(job): pass\n", "job_arguments.py has no parse()"),
        ("raise RuntimeError('half-written')\n", "RuntimeError: half-written"),
    ],
)
def test_a_broken_argument_module_is_named_not_a_traceback(tmp_path, module_text, problem):
    job_dir = write_job(tmp_path, args=[])
    (job_dir.parent / "common" / "job_arguments.py").write_text(module_text)

    with pytest.raises(JobDefinitionError) as raised:
        load_job_definition(job_dir)

    [message] = [str(p) for p in raised.value.problems]
    assert message.startswith("args = []: the job's") and problem in message


def test_the_plan_and_the_job_read_the_same_processes_from_the_same_args(tmp_path):
    # One parser, one answer: the bundled jobs' own parse() gives what the plan judged.
    import importlib.util

    path = JOBS_ROOT / "common" / "job_arguments.py"
    spec = importlib.util.spec_from_file_location("bundled_job_arguments", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for args in (["--num-proc", "3"], ["--num=2", "--num-proc", "1"], ["--seed", "4"]):
        job = load_job_definition(write_job(tmp_path / "-".join(args), args=args))
        plan = ["--data", "d", "--output", "o", "--launcher", "spark"]
        ran = module.parse(module.build_parser(job.name), [*plan, *args])
        assert ran.num_proc == job.requested_processes(), args
