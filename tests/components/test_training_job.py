"""Training jobs under mocks: content-addressed uploads and the exact job definitions."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
import yaml

from components.config import ConfigError, parse_stack_config
from components.job_catalog import JOBS_ROOT, load_stack_jobs
from components.training_job import blob_name
from offline_plan.mocks import Plan, RecordingMonitor, plan_stack
from tests.conftest import DEV_STACK

BLOB = "azure-native:storage:Blob"
DEFINITION = "pulumi-python:dynamic/synapse:SparkJobDefinition"
LAKE = "abfss://synapse@stsynapsedldev001.dfs.core.windows.net/"


@pytest.fixture(scope="module")
def plan() -> Plan:
    return plan_stack(DEV_STACK)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def test_each_job_file_is_uploaded_under_a_content_addressed_name(plan: Plan):
    train = JOBS_ROOT / "pytorch_digits" / "train.py"
    blob = plan.one(BLOB, "pytorch_digits-train")

    assert blob.inputs["blobName"] == f"jobs/pytorch_digits/{digest(train)}/train.py"
    assert blob.inputs["containerName"] == "synapse"
    assert blob.inputs["accountName"] == "stsynapsedldev001"
    assert blob.inputs["type"] == "Block"
    assert blob.inputs["source"] == {
        "fileAsset": "training_jobs/pytorch_digits/train.py",
        "sha256": hashlib.sha256(train.read_bytes()).hexdigest(),
    }
    uploaded = {b.name for b in plan.by_type(BLOB) if b.name.startswith("pytorch_digits-")}
    assert uploaded == {
        "pytorch_digits-train",
        "pytorch_digits-launcher",
        "pytorch_digits-digits_data",
        "pytorch_digits-checkpoints",
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
    common = JOBS_ROOT / "common"

    def url(path: Path) -> str:
        return f"{LAKE}jobs/pytorch_digits/{digest(path)}/{path.name}"

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
            *job["args"],
        ],
        "conf": {
            **job["conf"],
            "spark.submit.pyFiles": ",".join(
                url(common / name) for name in ("launcher.py", "digits_data.py", "checkpoints.py")
            ),
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
        f"{LAKE}jobs/pytorch_digits/"
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
        "'gpularge' can run (3 nodes x 1 per node)"
    ]


def test_a_job_listed_twice_is_rejected(dev_config):
    stack = parse_stack_config({**dev_config, "jobs": ["pytorch_digits", "pytorch_digits"]})

    with pytest.raises(ConfigError, match=r"jobs\[1\] = 'pytorch_digits': job name .* repeats"):
        load_stack_jobs(stack)
