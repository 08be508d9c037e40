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
    # The columns the job.yaml names for its dataset, then its own args.
    assert job.submit_args(lake, "horovod")[6:12] == [
        "--features", "features", "--label", "label", "--id-column", "id"
    ]  # fmt: skip
    assert job.submit_args(lake, "horovod")[12:] == job.args


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
    assert (
        "executor.memory = '120g': with Spark's overhead of 12288 MiB (max(384 MiB, 10%)) its "
        "container needs 135168 MiB, above the 110g (112640 MiB) of a HardwareAcceleratedGPU/"
        "Large node of pool 'gpularge'" in message
    )


# dataprep's Small nodes hold 32g: 29g + 2969 MiB overhead (10%) = 32665 MiB fits 32768 MiB;
# 30g + 3072 MiB = 33792 MiB does not, though 30g alone would.
@pytest.mark.parametrize(
    ("memory", "overhead", "fits"),
    [
        ("29g", None, True),
        ("30g", None, False),
        ("28g", "4g", True),  # 28672 + 4096 = 32768
        ("28g", "4097m", False),
        ("28g", "4194304K", True),  # Spark's units, any case: 4 GiB
        ("31g", "1024", True),  # a bare number is MiB
    ],
)
def test_memory_and_sparks_overhead_must_fit_the_node(tmp_path, memory, overhead, fits):
    conf = {**ON_DATAPREP["conf"]}
    if overhead is not None:
        conf["spark.executor.memoryOverhead"] = overhead
    placed = {**ON_DATAPREP, "executor": {"cores": 4, "memory": memory}, "conf": conf}
    job = load_job_definition(write_job(tmp_path), placed)
    if fits:
        check_job_against_pools(job, DEV_POOLS)
        return
    assert f"executor.memory = {memory!r}: with Spark's overhead of" in error_of_job(job)


@pytest.mark.parametrize("overhead", ["4 g", "-1g", "1.5g", "4gib", "²g", ""])
def test_an_overhead_spark_cannot_read_is_refused(tmp_path, overhead):
    conf = {**ON_DATAPREP["conf"], "spark.driver.memoryOverhead": overhead}
    placed = {**ON_DATAPREP, "conf": conf}
    if overhead == "":  # refused as a value before any size is read
        with pytest.raises(JobDefinitionError):
            load_job_definition(write_job(tmp_path), placed)
        return
    message = error_of_job(load_job_definition(write_job(tmp_path), placed))
    assert f"conf.spark.driver.memoryOverhead = {overhead!r}: not a size Spark reads" in message


@pytest.mark.parametrize(
    "memory", ["56 g", "56gb", "56G", "-1g", "056g", "٥٦g", "56", "0g", "5.5g"]
)
def test_driver_and_executor_memory_are_whole_gigabytes_in_sparks_unit(tmp_path, memory):
    with pytest.raises(JobDefinitionError) as raised:
        load_job_definition(write_job(tmp_path, driver={"cores": 4, "memory": memory}))
    assert [str(p) for p in raised.value.problems] == [
        f"driver.memory = {memory!r}: memory must be whole gigabytes such as '30g'"
    ]


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


def test_on_a_gpu_pool_every_node_runs_executors_beside_the_driver(tmp_path):
    # Docs "apache-spark-rapids-gpu": executors = nodes; the layouts leave room for the driver.
    check_job_against_pools(
        load_job_definition(write_job(tmp_path / "a", numExecutors=3)), DEV_POOLS
    )
    message = error_of(write_job(tmp_path / "b", numExecutors=4))
    assert (
        "numExecutors = 4: above the 3 executors pool 'gpularge' can run "
        "(3 nodes x 1 per node: on a GPU pool the driver shares a node)" in message
    )


def test_on_a_cpu_pool_the_head_node_runs_the_driver_not_executors(tmp_path):
    # Docs "apache-spark-pool-configurations": one head node (the driver) and the workers.
    # dataprep: 5 Small nodes, so 4 workers of one 4-core executor each.
    fits = {**ON_DATAPREP, "numExecutors": 4, "args": ["--num-proc", "4"]}
    check_job_against_pools(load_job_definition(write_job(tmp_path / "a", **fits)), DEV_POOLS)
    too_many = {**ON_DATAPREP, "numExecutors": 5, "args": ["--num-proc", "5"]}
    message = error_of(write_job(tmp_path / "b", **too_many))
    assert (
        "numExecutors = 5: above the 4 executors pool 'dataprep' can run "
        "(4 worker nodes x 1 per node: the head node runs the driver)" in message
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


# '²' and '٤' pass Python's own digit test ('²' then broke int()); '+4' and '4.0' are not
# how this project writes a count.
@pytest.mark.parametrize("cpus", ["four", "²", "٤", "+4", "4.0", "0"])
def test_a_task_cpus_that_is_not_a_number_of_cores_is_rejected(tmp_path, cpus):
    placed = {
        **ON_DATAPREP,
        "conf": {"spark.dynamicAllocation.enabled": "false", "spark.task.cpus": cpus},
    }
    message = error_of_job(load_job_definition(write_job(tmp_path), placed))
    assert (
        f"conf.spark.task.cpus = {cpus!r}: must be a whole number of cores (1 to executor.cores "
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
    ["../../../../etc/hook.py", "../../setup.py", "/etc/hook.py", "../tensorflow_digits/train.py"],
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
        (["--num-proc", "2", "--laun", "spark"], "launcher", "spark"),
        (["--data", "abfss://elsewhere"], "data", "abfss://elsewhere"),
        (["--out=out/x"], "output", "out/x"),
        (["--features", "pixels"], "features", "pixels"),
        (["--lab=y"], "label", "y"),
        (["--id-column", "row"], "id-column", "row"),
    ],
)
def test_args_may_not_set_what_the_plan_sets_in_any_spelling_the_job_reads(
    tmp_path, args, option, value
):
    with pytest.raises(JobDefinitionError) as raised:
        load_job_definition(write_job(tmp_path, args=args))

    key = {
        "launcher": "launcher", "data": "data.path", "output": "output.path",
        "features": "data.features", "label": "data.label", "id-column": "data.id",
    }[option]  # fmt: skip
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
    raw["pyFiles"] = []  # none of the shared code: no job_arguments.py to read them with
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


# --- Spark's own rules for a job's files and locations ---------------------------------------


def _problems(job_dir: Path) -> list[str]:
    with pytest.raises(JobDefinitionError) as raised:
        load_job_definition(job_dir)
    return [str(p) for p in raised.value.problems]


@pytest.mark.parametrize("name", ["a,b.py", "a b.py", "a#b.py", "a%20b.py", "a?b.py", "ä.py"])
def test_a_py_file_name_spark_or_a_url_splits_is_refused(tmp_path, name):
    job_dir = write_job(tmp_path / "a", pyFiles=[name])
    (job_dir / name).write_text("")
    assert _problems(job_dir) == [
        f"pyFiles[0] = {name!r}: the file name {name!r} holds a character Spark or a URL "
        "reads differently (a comma splits spark.submit.pyFiles); use letters, digits, '.', "
        "'_', '-'"
    ]
    entry_dir = write_job(tmp_path / "b", entry=name)
    (entry_dir / name).write_text("")
    assert [p.split(":")[0] for p in _problems(entry_dir)] == [f"entry = {name!r}"]


@pytest.mark.parametrize(("key", "name"), [
    ("entry", "train.sh"), ("entry", "train.zip"), ("entry", "train"), ("entry", "train.PY"),
    ("pyFiles", "helpers.txt"), ("pyFiles", "helpers.whl"),
])  # fmt: skip
def test_a_file_spark_does_not_run_as_python_is_refused(tmp_path, key, name):
    job_dir = write_job(tmp_path, **{key: name if key == "entry" else [name]})
    allowed = (
        ".py files here" if key == "entry"
        else ".py or .zip or .egg files here or a folder of modules (shipped as one .zip)"
    )  # fmt: skip
    where = "entry" if key == "entry" else "pyFiles[0]"
    assert _problems(job_dir) == [f"{where} = {name!r}: Spark runs only {allowed}"]


def test_a_pyfiles_folder_must_be_one(tmp_path):
    job_dir = write_job(tmp_path, pyFiles=["helpers"])
    assert _problems(job_dir) == [f"pyFiles[0] = 'helpers': no such folder {job_dir / 'helpers'}"]
    (job_dir / "helpers").mkdir()
    assert load_job_definition(job_dir).pyFiles == ["helpers"]


@pytest.mark.parametrize("name", ["helpers.zip", "helpers.egg", "helpers.py"])
def test_a_python_archive_is_a_py_file(tmp_path, name):
    job_dir = write_job(tmp_path, pyFiles=[name])
    (job_dir / name).write_text("")
    assert load_job_definition(job_dir).pyFiles == [name]


BAD_LOCATIONS = [
    "/training/data", "training//data", "training/data/", "./training", "training/../x", "..",
    "training data", "training,data", "training#x", "training?x", "c:/data", "training\\data",
    "abfss://x", "abfss://synapse@lake.blob.core.windows.net/data",
    "abfss://synapse@stlake.dfs.core.windows.net/", "abfss://synapse@stlake.dfs.core.windows.net/a//b",
    "abfss://sy@stlake.dfs.core.windows.net/data", "abfss://Synapse@stlake.dfs.core.windows.net/d",
    "https://stlake.dfs.core.windows.net/synapse/data", "",
]  # fmt: skip


@pytest.mark.parametrize("key", ["data", "output"])
@pytest.mark.parametrize("path", BAD_LOCATIONS)
def test_a_location_that_is_not_a_lake_path_is_refused(tmp_path, key, path):
    [problem] = _problems(write_job(tmp_path, **{key: {"path": path}}))
    assert problem.startswith(f"{key}.path = {path!r}: ")


@pytest.mark.parametrize(
    "path",
    ["training/data/digits-v2", "a", "x/y_z/1.2", "abfss://data@stother.dfs.core.windows.net/d/e"],
)
def test_a_lake_path_is_taken(tmp_path, path):
    job = load_job_definition(write_job(tmp_path, data={"path": path}))
    assert job.data.path == path


@pytest.mark.parametrize(("data", "output"), [
    ("training/data", "training/data"), ("training/data", "training/data/out"),
    ("training/out/data", "training/out"),
    ("abfss://synapse@stlake.dfs.core.windows.net/d", "abfss://synapse@stlake.dfs.core.windows.net/d/o"),
])  # fmt: skip
def test_output_inside_data_or_around_it_is_refused(tmp_path, data, output):
    job_dir = write_job(tmp_path, data={"path": data}, output={"path": output})
    assert _problems(job_dir) == [
        f"output.path = {output!r}: overlaps data.path = {data!r}; the job writes under "
        "output, so keep the two apart"
    ]


@pytest.mark.parametrize(("data", "output"), [
    ("training/data", "training/data-out"), ("training/d", "training/dd"),
    ("abfss://synapse@stlake.dfs.core.windows.net/d", "abfss://other@stlake.dfs.core.windows.net/d"),
])  # fmt: skip
def test_output_beside_data_is_taken(tmp_path, data, output):
    load_job_definition(write_job(tmp_path, data={"path": data}, output={"path": output}))


@pytest.mark.parametrize(("key", "instead"), [
    ("spark.driver.memory", "driver.memory"), ("spark.executor.cores", "executor.cores"),
    ("spark.executor.instances", "numExecutors"), ("spark.submit.pyFiles", "pyFiles"),
])  # fmt: skip
def test_a_conf_key_that_a_job_file_key_sets_is_refused(tmp_path, key, instead):
    conf = {"spark.dynamicAllocation.enabled": "false", key: "8"}
    [problem] = _problems(write_job(tmp_path, conf=conf))
    assert problem.endswith(f": {key}: set by the job file's own keys; write {instead} instead")


# --- the dataset's columns ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "key"),
    [({"features": ["a,b"]}, "data.features"), ({"features": []}, "data.features"),
     ({"label": "my label"}, "data.label"), ({"id": "1st"}, "data.id"),
     ({"features": "x"}, "data.features")],
)  # fmt: skip
def test_a_column_the_job_cannot_be_given_is_refused_naming_the_key(tmp_path, data, key):
    job_dir = write_job(tmp_path, data={"path": "training/data/x", **data})
    with pytest.raises(JobDefinitionError) as raised:
        load_job_definition(job_dir)
    assert key in str(raised.value)


def test_columns_default_to_features_and_label(tmp_path):
    job = load_job_definition(write_job(tmp_path, data={"path": "training/data/x"}))
    assert job.data.column_args() == ["--features", "features", "--label", "label"]
