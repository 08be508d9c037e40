"""Spark job definitions (stack policy, mandatory): a pool of the stack, its Spark version, a
launcher its runtime runs."""

import pytest

from tests.policies.policy_resources import WS, cpu_pool, gpu_pool, of_policy, spark_job, workspace

JOBS = "spark-jobs-target-stack-pools"


def test_stack_without_spark_jobs_passes_the_jobs_policy(pack):
    assert of_policy(pack.analyze_stack([workspace(), gpu_pool()]), JOBS) == []


def test_job_targeting_a_stack_pool_on_its_version_passes(pack):
    resources = [workspace(), gpu_pool(), spark_job("train", pool="gpupool", spark_version="3.2")]
    assert of_policy(pack.analyze_stack(resources), JOBS) == []


def test_job_without_a_required_version_only_needs_the_pool(pack):
    resources = [gpu_pool(), spark_job("train", spark_version=None)]
    assert of_policy(pack.analyze_stack(resources), JOBS) == []


def test_job_targeting_a_pool_the_stack_lacks_is_rejected(pack):
    job = spark_job("train", pool="bigpool")
    assert of_policy(pack.analyze_stack([gpu_pool(), cpu_pool(), job]), JOBS) == [
        {
            "policy": JOBS,
            "level": "mandatory",
            "urn": job["urn"],
            "message": f"Spark job 'train' targets pool 'bigpool' in workspace '{WS}', which "
            "this stack does not declare. Set targetBigDataPool to one of: cpupool, gpupool.",
        }
    ]


def test_job_targeting_a_pool_of_another_workspace_is_rejected(pack):
    job = spark_job("train", pool="gpupool", workspaceName="other-ws")
    [violation] = of_policy(pack.analyze_stack([gpu_pool(), job]), JOBS)
    assert violation["message"] == (
        "Spark job 'train' targets pool 'gpupool' in workspace 'other-ws', which this stack "
        "does not declare. Set targetBigDataPool to one of: (no pools in that workspace)."
    )


def test_only_the_jobs_own_workspaces_pools_are_offered(pack):
    # "synw-aaa" sorts before the job's workspace; its pool is no choice for the job.
    job = spark_job("train", pool="bigpool")
    resources = [cpu_pool(), gpu_pool("elsewhere", workspaceName="synw-aaa"), job]
    [violation] = of_policy(pack.analyze_stack(resources), JOBS)
    assert violation["message"].endswith("Set targetBigDataPool to one of: cpupool.")


@pytest.mark.parametrize(("required", "runs"), [("3.4", "3.5"), ("3.5", "3.4")])
def test_job_on_a_different_spark_version_than_its_pool_is_rejected(pack, required, runs):
    job = spark_job("train", pool="cpupool", spark_version=required)
    assert of_policy(pack.analyze_stack([cpu_pool(sparkVersion=runs), job]), JOBS) == [
        {
            "policy": JOBS,
            "level": "mandatory",
            "urn": job["urn"],
            "message": f"Spark job 'train' requires Spark {required} but pool 'cpupool' runs "
            f"Spark {runs}. Set requiredSparkVersion to {runs}, or target a pool on Spark "
            f"{required}.",
        }
    ]


def test_each_job_is_judged_after_one_that_targets_a_missing_pool(pack):
    lost = spark_job("lost", pool="nopool")
    stale = spark_job("stale", pool="cpupool", spark_version="3.4")
    found = of_policy(pack.analyze_stack([cpu_pool(sparkVersion="3.5"), lost, stale]), JOBS)
    assert [v["urn"] for v in found] == [lost["urn"], stale["urn"]]


def test_a_job_is_named_by_its_definition_name_not_its_resource_name(pack):
    job = {**spark_job("train", pool="nopool"), "name": "train-definition"}
    [violation] = of_policy(pack.analyze_stack([cpu_pool(), job]), JOBS)
    assert violation["message"].startswith("Spark job 'train' targets pool 'nopool'")


def test_job_may_name_its_pool_with_a_data_plane_reference(pack):
    job = spark_job(
        "train", targetBigDataPool={"type": "BigDataPoolReference", "referenceName": "gpupool"}
    )
    assert of_policy(pack.analyze_stack([gpu_pool(), job]), JOBS) == []


def launched_with(launcher: str, **overrides) -> dict:
    args = ["--data", "abfss://d", "--launcher", launcher]
    return spark_job("train", jobProperties={"args": args}, **overrides)


def test_job_with_arguments_but_no_launcher_takes_the_runtimes_own(pack):
    for args in (["--data", "abfss://d", "--epochs", "3"], ["--data", "abfss://d", "--launcher"]):
        job = spark_job("train", pool="cpupool", spark_version="3.5", jobProperties={"args": args})
        assert of_policy(pack.analyze_stack([cpu_pool(), job]), JOBS) == [], args


def test_job_with_a_launcher_its_runtime_runs_passes(pack):
    job = launched_with("spark", pool="cpupool", spark_version="3.5")
    assert of_policy(pack.analyze_stack([cpu_pool(), job]), JOBS) == []


def test_job_with_a_launcher_its_pools_runtime_cannot_run_is_rejected(pack):
    job = launched_with("horovod", pool="cpupool", spark_version="3.5")
    assert of_policy(pack.analyze_stack([cpu_pool(), job]), JOBS) == [
        {
            "policy": JOBS,
            "level": "mandatory",
            "urn": job["urn"],
            "message": "Spark job 'train' starts its processes with the horovod launcher, which "
            "pool 'cpupool' on Spark 3.5 cannot run (it runs: spark). Drop --launcher to take "
            "the runtime's own, or target a pool whose runtime runs horovod.",
        }
    ]


def test_the_spark_launcher_on_the_gpu_runtime_is_rejected(pack):
    job = launched_with("spark")
    [violation] = of_policy(pack.analyze_stack([gpu_pool(), job]), JOBS)
    assert (
        "with the spark launcher, which pool 'gpupool' on Spark 3.2 cannot run"
        in (violation["message"])
    )


@pytest.mark.parametrize(
    "args",
    [
        # argparse reads the last of a repeated option: the job would run horovod.
        ["--launcher", "spark", "--launcher", "horovod"],
        ["--launcher", "horovod", "--launcher", "spark"],
        ["--launcher=horovod"],
        ["--launcher", "spark", "--laun", "horovod"],
        ["--la=horovod"],
    ],
)
def test_a_launcher_in_any_spelling_the_job_reads_is_judged(pack, args):
    job = spark_job("train", pool="cpupool", spark_version="3.5", jobProperties={"args": args})

    [violation] = of_policy(pack.analyze_stack([cpu_pool(), job]), JOBS)

    assert "starts its processes with the horovod launcher" in violation["message"]


def test_an_option_that_only_begins_like_the_launcher_is_not_it(pack):
    # `--l` is ambiguous (--learning-rate) and `--launchers` another option: neither sets it.
    args = ["--l", "horovod", "--launchers", "horovod", "--launcher", "spark"]
    job = spark_job("train", pool="cpupool", spark_version="3.5", jobProperties={"args": args})

    assert of_policy(pack.analyze_stack([cpu_pool(), job]), JOBS) == []
