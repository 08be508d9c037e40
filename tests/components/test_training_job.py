"""Training jobs under mocks: content-addressed uploads and the exact job definitions."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
import yaml

from synapse_dl.archive import folder_zip
from synapse_dl.config.errors import ConfigError
from synapse_dl.config.job_definition import PLACEMENT_KEYS
from synapse_dl.config.loading import parse_stack_config
from synapse_dl.engine.offline_runtime import Plan, RecordingMonitor, plan_stack
from synapse_dl.stack_jobs import load_stack_jobs
from synapse_dl.training_job import blob_name
from tests.conftest import DEV_STACK, JOBS_ROOT, ROOT

CPU_STACK = ROOT / "Pulumi.cpu.yaml"

BLOB = "pulumi-python:dynamic/storage:LakeFile"
CPU_LAKE = "abfss://synapse@stsynapsedlcpu001.dfs.core.windows.net/"
DEFINITION = "pulumi-python:dynamic/synapse:SparkJobDefinition"
LAKE = "abfss://synapse@stsynapsedldev001.dfs.core.windows.net/"


@pytest.fixture(scope="module")
def plan() -> Plan:
    return plan_stack(DEV_STACK)


def digest(path: Path) -> str:
    """A file's content address; a folder's is its zip's (tests/components/test_archive.py)."""
    data = folder_zip(path) if path.is_dir() else path.read_bytes()
    return hashlib.sha256(data).hexdigest()[:16]


def shipped_name(path: Path) -> str:
    return f"{path.name}.zip" if path.is_dir() else path.name


def test_each_job_file_is_uploaded_under_a_content_addressed_name(plan: Plan):
    train = JOBS_ROOT / "pytorch_digits" / "train.py"
    blob = plan.one(BLOB, "pytorch_digits-train")

    # The package's own folder, apart from the data people keep in the filesystem.
    assert blob.inputs == {
        "accountName": "stsynapsedldev001",
        "endpoint": "https://stsynapsedldev001.blob.core.windows.net",
        "container": "synapse",
        "path": f"synapse-dl/jobs/pytorch_digits/{digest(train)}/train.py",
        "source": {
            "fileAsset": "training_jobs/pytorch_digits/train.py",
            "sha256": hashlib.sha256(train.read_bytes()).hexdigest(),
        },
        "sha256": hashlib.sha256(train.read_bytes()).hexdigest(),
        "contentType": "text/x-python",
    }
    uploaded = {b.name for b in plan.by_type(BLOB) if b.name.startswith("pytorch_digits-")}
    job = yaml.safe_load((JOBS_ROOT / "pytorch_digits" / "job.yaml").read_text())
    assert uploaded == {"pytorch_digits-train"} | {
        f"pytorch_digits-{Path(f).stem}" for f in job["pyFiles"]
    }


def test_a_changed_script_gets_a_new_blob_and_an_unchanged_one_keeps_its_own(tmp_path):
    script = tmp_path / "train.py"
    script.write_text("print('v1')\n")
    first = blob_name("job", script)

    assert blob_name("job", script) == first
    script.write_text("print('v2')\n")
    assert blob_name("job", script) != first


def test_the_pytorch_job_definition_has_the_exact_properties(plan: Plan):
    definition = plan.one(DEFINITION, "pytorch_digits-definition")
    folder = JOBS_ROOT / "pytorch_digits"

    def url(path: Path) -> str:
        return f"{LAKE}synapse-dl/jobs/pytorch_digits/{digest(path)}/{shipped_name(path)}"

    assert definition.inputs["workspaceName"] == "synw-dl-dev-001"
    assert definition.inputs["endpoint"] == "https://synw-dl-dev-001.dev.azuresynapse.net"
    assert definition.inputs["name"] == "pytorch_digits"
    assert definition.inputs["targetBigDataPool"] == "gpularge"
    assert definition.inputs["requiredSparkVersion"] == "3.2"
    assert definition.inputs["language"] == "python"
    job = yaml.safe_load((folder / "job.yaml").read_text())
    assert definition.inputs["jobProperties"] == {
        "name": "pytorch_digits",
        "file": url(folder / "train.py"),
        "args": [
            "--data",
            f"{LAKE}training/data/digits",
            "--output",
            f"{LAKE}training/output/pytorch_digits",
            # Spark 3.2's launcher: the job.yaml names none.
            "--launcher",
            "horovod",
            # The columns of the job.yaml's dataset.
            *["--features", "features", "--label", "label", "--id-column", "id"],
            *job["args"],
        ],
        "conf": {
            **job["conf"],
            "spark.submit.pyFiles": ",".join(url(folder / relative) for relative in job["pyFiles"]),
        },
        "driverMemory": "30g",
        "driverCores": 4.0,
        "executorMemory": "60g",
        "executorCores": 12.0,
        "numExecutors": 3.0,
    }


def test_a_definition_waits_for_its_pool_libraries_and_uploads(plan: Plan):
    definition = plan.one(DEFINITION, "tensorflow_digits-definition")
    needed = {
        plan.one("azure-native:synapse:BigDataPool", "gpularge").urn,
        plan.one("pulumi-python:dynamic/synapse:PoolLibraries", "gpularge-libraries").urn,
        *(b.urn for b in plan.by_type(BLOB) if b.name.startswith("tensorflow_digits-")),
    }

    assert needed <= set(definition.dependencies)


def test_the_dev_stack_deploys_both_bundled_jobs(plan: Plan):
    assert sorted(d.inputs["name"] for d in plan.by_type(DEFINITION)) == [
        "pytorch_digits",
        "tensorflow_digits",
    ]
    assert plan.outputs["jobDefinitions"]["pytorch_digits"].startswith(
        f"{LAKE}synapse-dl/jobs/pytorch_digits/"
    )


def test_a_job_for_a_pool_the_stack_lacks_fails_before_registration(dev_config, write_stack):
    dev_config["sparkPools"] = dev_config["sparkPools"][1:]  # drop gpularge
    monitor = RecordingMonitor()

    with pytest.raises(ConfigError) as caught:
        plan_stack(write_stack(dev_config), monitor=monitor)

    assert caught.value.problems[0] == (
        "synapse-dl:jobs[0] = 'pytorch_digits': pool = 'gpularge': no such pool in the stack; "
        "its pools are: dataprep"
    )
    assert monitor.planned == []


def test_an_unknown_job_folder_is_named(dev_config, write_stack):
    dev_config["jobs"] = ["no_such_job"]

    with pytest.raises(ConfigError, match=r"synapse-dl:jobs\[0\] = 'no_such_job': job.yaml: no"):
        plan_stack(write_stack(dev_config))


def copy_job(tmp_path: Path, **changes) -> Path:
    """A jobs root holding pytorch_digits with `changes` applied to its job.yaml."""
    root = tmp_path / "jobs"
    shutil.copytree(JOBS_ROOT / "pytorch_digits", root / "pytorch_digits")
    shutil.copytree(JOBS_ROOT / "common", root / "common")
    job_file = root / "pytorch_digits" / "job.yaml"
    job = yaml.safe_load(job_file.read_text())
    job.update(changes)
    job_file.write_text(yaml.safe_dump(job))
    return root


def test_executor_cores_above_the_node_are_rejected_naming_the_limit(dev_config, tmp_path):
    stack = parse_stack_config({**dev_config, "jobs": ["pytorch_digits"]})
    root = copy_job(tmp_path, executor={"cores": 32, "memory": "60g"})

    with pytest.raises(ConfigError) as caught:
        load_stack_jobs(stack, root)

    assert caught.value.problems[0] == (
        "synapse-dl:jobs[0] = 'pytorch_digits': executor.cores = 32: above the 16 vCores of a "
        "HardwareAcceleratedGPU/Large node of pool 'gpularge'"
    )


def test_more_executors_than_the_pool_can_run_are_rejected(dev_config, tmp_path):
    stack = parse_stack_config({**dev_config, "jobs": ["pytorch_digits"]})
    root = copy_job(tmp_path, numExecutors=4)

    with pytest.raises(ConfigError) as caught:
        load_stack_jobs(stack, root)

    assert caught.value.problems == [
        "synapse-dl:jobs[0] = 'pytorch_digits': numExecutors = 4: above the 3 executors pool "
        "'gpularge' can run (3 nodes x 1 per node: on a GPU pool the driver shares a node)"
    ]


def test_a_job_listed_twice_is_rejected(dev_config):
    stack = parse_stack_config({**dev_config, "jobs": ["pytorch_digits", "pytorch_digits"]})

    with pytest.raises(ConfigError, match=r"jobs\[1\] = 'pytorch_digits': job name .* repeats"):
        load_stack_jobs(stack, JOBS_ROOT)


# --- the cpu stack: both jobs on Spark 3.5 with the spark launcher ---------------------------


@pytest.fixture(scope="module")
def cpu_plan() -> Plan:
    return plan_stack(CPU_STACK)


@pytest.fixture
def cpu_config() -> dict:
    from synapse_dl.config.loading import project_values

    return project_values(yaml.safe_load(CPU_STACK.read_text()))


def test_the_cpu_stack_deploys_the_pytorch_job_on_its_spark_3_5_pool(cpu_plan: Plan):
    definition = cpu_plan.one(DEFINITION, "pytorch_digits-definition")
    folder = JOBS_ROOT / "pytorch_digits"
    job = yaml.safe_load((folder / "job.yaml").read_text())

    def url(relative: str) -> str:
        path = folder / relative
        return f"{CPU_LAKE}synapse-dl/jobs/pytorch_digits/{digest(path)}/{shipped_name(path)}"

    assert definition.inputs["targetBigDataPool"] == "cpumedium"
    assert definition.inputs["requiredSparkVersion"] == "3.5"
    assert definition.inputs["jobProperties"] == {
        "name": "pytorch_digits",
        "file": url("train.py"),
        "args": [
            "--data",
            f"{CPU_LAKE}training/data/digits",
            "--output",
            f"{CPU_LAKE}training/output/pytorch_digits",
            # Spark 3.5's launcher, though neither the job.yaml nor the stack names one.
            "--launcher",
            "spark",
            *["--features", "features", "--label", "label", "--id-column", "id"],
            # The stack's own args, sizes and conf replace the job.yaml's GPU ones.
            "--num-proc",
            "2",
            "--epochs",
            "20",
        ],
        "conf": {
            "spark.dynamicAllocation.enabled": "false",
            "spark.task.cpus": "8",
            "spark.submit.pyFiles": ",".join(url(f) for f in job["pyFiles"]),
        },
        "driverMemory": "28g",
        "driverCores": 4.0,
        "executorMemory": "56g",
        "executorCores": 8.0,
        "numExecutors": 2.0,
    }
    uploads = {b.name for b in cpu_plan.by_type(BLOB) if b.name.startswith("pytorch_digits-")}
    assert uploads == {"pytorch_digits-train"} | {
        f"pytorch_digits-{Path(f).stem}" for f in job["pyFiles"]
    }


def test_the_cpu_stack_installs_nothing_from_pypi(cpu_plan: Plan):
    # Its workspace blocks PyPI: TensorFlow comes as workspace packages (tests/packages).
    [libraries] = cpu_plan.by_type("pulumi-python:dynamic/synapse:PoolLibraries")
    assert libraries.inputs.get("libraryRequirements") is None
    assert libraries.inputs["customLibraries"]
    assert cpu_plan.outputs["poolRequirements"] == {"cpumedium": ""}


def test_a_horovod_job_on_a_spark_3_5_pool_fails_before_registration(cpu_config, write_stack):
    cpu_config["jobs"][0]["launcher"] = "horovod"
    monitor = RecordingMonitor()

    with pytest.raises(ConfigError) as caught:
        plan_stack(write_stack(cpu_config), monitor=monitor)

    assert caught.value.problems == [
        "synapse-dl:jobs[0].launcher = 'horovod': job 'pytorch_digits' targets pool 'cpumedium' "
        "on Spark 3.5, whose runtime can run only: spark"
    ]
    assert monitor.planned == []


def test_a_horovod_launcher_named_in_the_job_yaml_is_named_as_the_jobs_key(cpu_config, tmp_path):
    cpu_config["jobs"] = cpu_config["jobs"][:1]  # the PyTorch job, copied below
    stack = parse_stack_config(cpu_config)
    root = copy_job(tmp_path, launcher="horovod")

    with pytest.raises(ConfigError) as caught:
        load_stack_jobs(stack, root)

    assert caught.value.problems == [
        "synapse-dl:jobs[0] = 'pytorch_digits': launcher = 'horovod': job 'pytorch_digits' "
        "targets pool 'cpumedium' on Spark 3.5, whose runtime can run only: spark"
    ]


def test_the_tensorflow_job_on_the_cpu_pool_is_refused_for_want_of_tensorflow(cpu_config):
    del cpu_config["sparkPools"][0]["extraLibraries"]
    stack = parse_stack_config(cpu_config)

    with pytest.raises(ConfigError) as caught:
        load_stack_jobs(stack, JOBS_ROOT)

    assert caught.value.problems == [
        "synapse-dl:jobs[1] = 'tensorflow_digits': framework = 'tensorflow': pool 'cpumedium' "
        "has no tensorflow: the Spark 3.5 runtime does not ship it and the pool's libraries do "
        "not install it; add it to the pool's libraries (extraLibraries, or workspace packages "
        "where PyPI is blocked) or target another pool"
    ]


def test_tensorflow_in_the_pools_libraries_lets_the_tensorflow_job_run_there(cpu_config):
    cpu_config["sparkPools"][0]["extraLibraries"] = ["tensorflow==2.19.1"]
    stack = parse_stack_config(cpu_config)

    jobs = load_stack_jobs(stack, JOBS_ROOT)

    assert [(j.definition.name, j.launcher) for j in jobs] == [
        ("pytorch_digits", "spark"),
        ("tensorflow_digits", "spark"),
    ]


def test_a_pool_the_stack_names_for_a_job_is_checked_as_the_stacks_key(cpu_config):
    cpu_config["jobs"][0]["pool"] = "cpumedum"
    stack = parse_stack_config(cpu_config)

    with pytest.raises(ConfigError) as caught:
        load_stack_jobs(stack, JOBS_ROOT)

    assert caught.value.problems == [
        "synapse-dl:jobs[0].pool = 'cpumedum': no such pool in the stack; its pools are: cpumedium"
    ]


def test_sizes_the_stack_sets_are_validated_with_the_job(cpu_config):
    cpu_config["jobs"][0]["executor"] = {"cores": 16, "memory": "56 GB"}
    stack = parse_stack_config(cpu_config)

    with pytest.raises(ConfigError) as caught:
        load_stack_jobs(stack, JOBS_ROOT)

    assert caught.value.problems == [
        "synapse-dl:jobs[0].executor.memory = '56 GB': memory must be whole gigabytes such as '30g'"
    ]


def test_gpu_sizes_the_stack_sets_are_named_at_the_stacks_key(dev_config):
    # Sizes no documented GPU layout has, set by the stack rather than the job's job.yaml.
    dev_config["jobs"][0] = {"name": "pytorch_digits", "executor": {"cores": 8, "memory": "60g"}}
    stack = parse_stack_config(dev_config)

    with pytest.raises(ConfigError) as caught:
        load_stack_jobs(stack, JOBS_ROOT)

    # (Then the job's spark.task.cpus, made for 12 cores, is refused for 8.)
    assert caught.value.problems[0].startswith(
        "synapse-dl:jobs[0].driver, executor = 'driver 4 cores/30g, executor 8 cores/60g': "
        "GPU pool 'gpularge' (HardwareAcceleratedGPU/Large) allows only: "
    )


def test_a_stack_job_entry_takes_only_placement_keys(cpu_config):
    cpu_config["jobs"][0]["entry"] = "other.py"

    with pytest.raises(ConfigError) as caught:
        parse_stack_config(cpu_config)

    assert caught.value.problems == [
        "synapse-dl:jobs[0].entry = 'other.py': not a known key (known here: name, pool, "
        "launcher, args, driver, executor, numExecutors, conf)"
    ]


def test_the_stack_job_entry_and_the_job_definition_agree_on_the_placement_keys():
    from synapse_dl.config.models import StackJobConfig

    fields = {
        field.alias or name for name, field in StackJobConfig.model_fields.items() if name != "name"
    }
    assert fields == set(PLACEMENT_KEYS)


def test_a_jobs_placement_is_what_the_stack_sets_under_job_yaml_names_and_not_its_folder():
    from synapse_dl.config.models import StackJobConfig

    entry = StackJobConfig.model_validate(
        {"name": "digits_v2", "pool": "cpumedium", "numExecutors": 2, "args": ["--epochs", "3"]}
    )

    # `name` is the job's folder under training_jobs/, not a job.yaml key to replace.
    assert entry.placement() == {"pool": "cpumedium", "numExecutors": 2, "args": ["--epochs", "3"]}


def test_dynamic_allocation_left_on_is_refused_for_barrier_tasks(cpu_config):
    cpu_config["jobs"][0]["conf"] = {"spark.task.cpus": "8"}
    stack = parse_stack_config(cpu_config)

    with pytest.raises(ConfigError) as caught:
        load_stack_jobs(stack, JOBS_ROOT)

    assert caught.value.problems == [
        "synapse-dl:jobs[0].conf.spark.dynamicAllocation.enabled = '(unset)': must be 'false': "
        "training runs all its processes at once, and Spark's barrier tasks refuse dynamic "
        "allocation (the pool's own setting applies when unset)"
    ]


def test_more_processes_than_task_slots_are_refused(cpu_config):
    cpu_config["jobs"][0]["args"] = ["--num-proc", "3"]
    stack = parse_stack_config(cpu_config)

    with pytest.raises(ConfigError) as caught:
        load_stack_jobs(stack, JOBS_ROOT)

    assert caught.value.problems == [
        "synapse-dl:jobs[0].args = '--num-proc 3': above the 2 task slots the job's executors "
        "hold (numExecutors 2 x executor.cores 8 // spark.task.cpus 8); each process needs its "
        "own slot at once"
    ]


@pytest.mark.parametrize(
    ("task_cpus", "problem"),
    [
        ("12", "'12': above executor.cores = 8, so no executor can run a task"),
        ("1.5", "'1.5': must be a whole number of cores (1 to executor.cores = 8)"),
    ],
)
def test_task_cpus_the_stack_sets_are_refused_at_the_stacks_key(cpu_config, task_cpus, problem):
    cpu_config["jobs"][0]["conf"] = {
        "spark.dynamicAllocation.enabled": "false",
        "spark.task.cpus": task_cpus,
    }
    stack = parse_stack_config(cpu_config)

    with pytest.raises(ConfigError) as caught:
        load_stack_jobs(stack, JOBS_ROOT)

    assert caught.value.problems == [f"synapse-dl:jobs[0].conf.spark.task.cpus = {problem}"]
