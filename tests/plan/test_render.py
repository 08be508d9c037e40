"""The offline plan as text: the tree, the key inputs as one line each, options and outputs."""

from __future__ import annotations

from synapse_dl.cli.plan_report import plan_json, render_policy, render_text
from synapse_dl.engine.analyzer import PolicyReport
from synapse_dl.engine.offline_runtime import Plan, PlannedResource

STACK_URN = "urn:pulumi:dev::synapse-dl::pulumi:pulumi:Stack::synapse-dl-dev"
GROUP_URN = "urn:pulumi:dev::synapse-dl::azure-native:resources:ResourceGroup::rg"
POOL_URN = "urn:pulumi:dev::synapse-dl::azure-native:synapse:BigDataPool::pool"
LOCK_URN = "urn:pulumi:dev::synapse-dl::azure-native:authorization:ManagementLockByScope::lock"
ELSEWHERE_URN = "urn:pulumi:dev::other::azure-native:resources:ResourceGroup::shared"


def resource(urn: str, inputs: dict, parent: str = STACK_URN, **options) -> PlannedResource:
    type_, name = urn.split("::")[-2:]
    return PlannedResource(urn, type_, name, parent, inputs, {}, True, **options)


PLAN = Plan(
    project="synapse-dl",
    stack="dev",
    resources=[
        resource(
            POOL_URN,
            {
                "bigDataPoolName": "gpu",
                "nodeCount": 3.0,
                "autoScale": {"enabled": False, "maxNodeCount": 4.5},
                "sparkConfigProperties": {"content": "a 1\n\nb 2\n", "filename": "spark.conf"},
                "tags": {"not": "shown"},
            },
            parent=GROUP_URN,
            ignore_changes=["tags"],
            dependencies=[LOCK_URN, ELSEWHERE_URN],
        ),
        resource(GROUP_URN, {"resourceGroupName": "rg-dl", "location": "eastus"}, protect=True),
        resource(LOCK_URN, {"lockName": "keep", "level": "CanNotDelete"}),
    ],
    warnings=["a GPU pool costs money"],
    outputs={"pools": ["gpu", "cpu"], "lake": "dlake"},
)


def test_the_plan_reads_as_a_tree_with_key_inputs_options_outputs_and_warnings():
    assert render_text(PLAN).splitlines() == [
        "Offline plan of stack 'dev' (Pulumi mock runtime: nothing reaches Azure)",
        "",
        "  +  pulumi:pulumi:Stack  synapse-dl-dev",
        "  +  ├─ azure-native:authorization:ManagementLockByScope  lock",
        "     │      lockName: keep",
        "     │      level: CanNotDelete",
        "  +  └─ azure-native:resources:ResourceGroup  rg",
        "            resourceGroupName: rg-dl",
        "            location: eastus",
        "            (protect: true)",
        "  +     └─ azure-native:synapse:BigDataPool  pool",
        "               bigDataPoolName: gpu",
        "               nodeCount: 3",
        "               autoScale: {enabled: false, maxNodeCount: 4.5}",
        "               sparkConfigProperties: {content: a 1 | b 2, filename: spark.conf}",
        "               (ignoreChanges: ['tags'])",
        f"               (dependsOn: lock, {ELSEWHERE_URN})",
        "",
        "Resources: 3 to create",
        "",
        "Outputs:",
        "    lake: dlake",
        "    pools: [gpu, cpu]",
        "",
        "Warnings:",
        "    warning: a GPU pool costs money",
    ]


def test_the_plan_as_json_holds_the_stack_resources_outputs_and_warnings():
    document = plan_json(PLAN)

    assert document == {
        "stack": "dev",
        "resources": [r.as_json() for r in PLAN.resources],
        "outputs": {"pools": ["gpu", "cpu"], "lake": "dlake"},
        "warnings": ["a GPU pool costs money"],
        "standIns": [],
    }


def test_a_clean_policy_run_says_so():
    assert render_policy(PolicyReport("synapse-dl", "0.1.0")).splitlines() == [
        "",
        "Policy pack synapse-dl 0.1.0:",
        "    no violations",
    ]


def test_violations_are_listed_by_level_mandatory_first_with_the_resource_name():
    report = PolicyReport(
        "synapse-dl",
        "0.1.0",
        [
            {"policy": "p-adv", "level": "advisory", "urn": POOL_URN, "message": "consider it"},
            {"policy": "p-man", "level": "mandatory", "urn": LOCK_URN, "message": "fix it"},
        ],
    )

    assert render_policy(report).splitlines() == [
        "",
        "Policy pack synapse-dl 0.1.0:",
        "  mandatory (1):",
        "    [p-man] lock: fix it",
        "  advisory (1):",
        "    [p-adv] pool: consider it",
        "Mandatory policy violations: this stack must not be deployed as it is.",
    ]


JOB_URN = "urn:pulumi:dev::synapse-dl::pulumi-python:dynamic/synapse:SparkJobDefinition::job"
FILE_URN = "urn:pulumi:dev::synapse-dl::pulumi-python:dynamic/storage:LakeFile::a-file"


def test_a_job_definition_reads_in_a_few_lines_the_way_the_job_reads_its_args():
    body = {
        "targetBigDataPool": "cpu",
        "requiredSparkVersion": "3.5",
        "jobProperties": {
            "file": "abfss://synapse@lake.dfs.core.windows.net/jobs/x/0123/train.py",
            "args": ["--launcher", "spark", "--num-proc", "2", "--num-proc=4", "--epochs", "3"],
            "conf": {"spark.submit.pyFiles": "abfss://a/b.py,abfss://a/c.py"},
            "driverCores": 4.0, "driverMemory": "28g",
            "executorCores": 8.0, "executorMemory": "56g", "numExecutors": 2.0,
        },
    }  # fmt: skip
    plan = Plan("synapse-dl", "dev", [resource(JOB_URN, body)], [], {})

    lines = render_text(plan).splitlines()

    assert lines[3:7] == [
        "  +  └─ pulumi-python:dynamic/synapse:SparkJobDefinition  job",
        "            pool: cpu (Spark 3.5), launcher: spark, processes: 4",
        "            driver: 4 cores, 28g; executors: 2 x 8 cores, 56g",
        "            entry: train.py (+2 pyFiles)",
    ]


def test_resources_print_in_the_order_the_engine_creates_them_and_lines_stay_short():
    # By type the group would come first; it waits for the file. Ties go by type: the group
    # (azure-native) before the job once both are free.
    plan = Plan(
        "synapse-dl",
        "dev",
        [
            resource(JOB_URN, {}),
            resource(FILE_URN, {"path": "p"}),
            resource(
                GROUP_URN,
                {"resourceGroupName": "rg-" + "x" * 150, "location": "a " * 80},
                dependencies=[FILE_URN],
            ),
        ],
        [],
        {},
    )

    lines = render_text(plan).splitlines()

    order = [line.rsplit("  ", 1)[-1] for line in lines if line.startswith("  +  ")]
    assert order == ["synapse-dl-dev", "a-file", "rg", "job"]
    # A long value is wrapped (100 columns past the tree's 12); a word longer than a line (an
    # id) stays whole.
    assert max(len(line) for line in lines if "rg-xxx" not in line) <= 100 + 12
    assert any(line.endswith("rg-" + "x" * 150) for line in lines)
