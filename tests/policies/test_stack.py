"""Stack policies (AnalyzeStack, on outputs): GPU quota, exfiltration vs PyPI, jobs vs pools."""

import pytest

from tests.policies.policy_resources import (
    DROP,
    WS,
    cpu_pool,
    firewall_rule,
    gpu_pool,
    of_policy,
    pool_libraries,
    spark_job,
    stack,
    workspace,
)

QUOTA = "gpu-vcore-quota"
PYPI = "exfiltration-protected-pools-skip-pypi"
JOBS = "spark-jobs-target-stack-pools"


def test_gpu_pools_within_the_quota_pass(pack):
    # 3 GPU-Large nodes x 16 vCores = 48 <= 50.
    resources = [stack(), workspace(), gpu_pool(autoScale={"maxNodeCount": 3}), cpu_pool()]
    assert of_policy(pack.analyze_stack(resources), QUOTA) == []


def test_cpu_pools_of_gpu_node_sizes_do_not_count_toward_the_gpu_quota(pack):
    # MemoryOptimized comes in Large and XLarge too, the sizes GPU pools are counted by.
    big_cpu = cpu_pool(nodeSize="XLarge", autoScale={"maxNodeCount": 10})
    resources = [stack(), workspace(), gpu_pool(autoScale={"maxNodeCount": 3}), big_cpu]
    assert of_policy(pack.analyze_stack(resources), QUOTA) == []


def test_gpu_pools_over_the_quota_are_rejected(pack):
    ws = workspace()
    resources = [
        stack(),
        ws,
        gpu_pool("train", autoScale={"maxNodeCount": 3}),
        gpu_pool("tune", nodeSize="XLarge", autoScale={"enabled": False}, nodeCount=1),
    ]
    assert of_policy(pack.analyze_stack(resources), QUOTA) == [
        {
            "policy": QUOTA,
            "level": "mandatory",
            "urn": ws["urn"],
            "message": f"Workspace '{WS}' GPU pools can scale to 112 GPU vCores (train: 3 x 16 "
            "(autoScale.maxNodeCount), tune: 1 x 64 (nodeCount)), above the quota of 50. Lower "
            "the node counts named beside each pool, or get a higher quota and set gpuVcoreQuota "
            "in this policy's config.",
        }
    ]


def test_gpu_quota_is_per_workspace(pack):
    resources = [
        gpu_pool("a", autoScale={"maxNodeCount": 3}),
        gpu_pool("b", workspaceName="other-ws", autoScale={"maxNodeCount": 3}),
    ]
    assert of_policy(pack.analyze_stack(resources), QUOTA) == []


def test_a_workspace_within_its_quota_does_not_hide_the_next_one_over_it(pack):
    resources = [
        gpu_pool("a", autoScale={"maxNodeCount": 3}),
        gpu_pool("b", workspaceName="other-ws", autoScale={"maxNodeCount": 10}),
    ]
    [violation] = of_policy(pack.analyze_stack(resources), QUOTA)
    assert violation["message"].startswith("Workspace 'other-ws' GPU pools can scale to ")


@pytest.mark.parametrize("other_name", ["synw-aaa", "synw-zzz"])
def test_a_quota_finding_is_filed_under_its_own_workspace(pack, other_name):
    # Listed first, a workspace named before or after this one is not taken for it.
    other, mine = workspace(other_name), workspace()
    resources = [other, mine, gpu_pool(autoScale={"maxNodeCount": 4})]
    [violation] = of_policy(pack.analyze_stack(resources), QUOTA)
    assert violation["urn"] == mine["urn"]


def test_a_quota_finding_without_its_workspace_in_the_stack_is_filed_under_its_first_pool(pack):
    first, second = gpu_pool("a", autoScale={"maxNodeCount": 3}), gpu_pool("b")
    [violation] = of_policy(pack.analyze_stack([first, second]), QUOTA)
    assert violation["urn"] == first["urn"]


def test_gpu_quota_comes_from_config(pack):
    pack.configure({QUOTA: {"gpuVcoreQuota": 64}})
    assert of_policy(pack.analyze_stack([gpu_pool(autoScale={"maxNodeCount": 4})]), QUOTA) == []


def test_stack_policies_read_the_pools_workspace_from_its_arm_id_in_outputs(pack):
    # azure-native outputs carry id and name, not the workspaceName/bigDataPoolName inputs.
    pool = gpu_pool(autoScale={"maxNodeCount": 4})
    pool["outputs"] = {
        "id": f"/subscriptions/0/resourceGroups/rg/providers/Microsoft.Synapse/workspaces/{WS}"
        "/bigDataPools/gpupool",
        "name": "gpupool",
        **{
            k: v for k, v in pool["inputs"].items() if k not in ("workspaceName", "bigDataPoolName")
        },
    }
    [violation] = of_policy(pack.analyze_stack([pool]), QUOTA)
    assert violation["message"].startswith(f"Workspace '{WS}' GPU pools can scale to 64")


@pytest.mark.parametrize(("name_output", "named"), [("train-pool", "train-pool"), (None, "train")])
def test_a_pool_without_its_name_input_is_named_by_its_name_output_or_its_resource(
    pack, name_output, named
):
    # Before ARM has given it an id, a pool's outputs may name it by `name` alone, or not at all.
    pool = gpu_pool("train", autoScale={"maxNodeCount": 4})
    pool["outputs"] = {k: v for k, v in pool["inputs"].items() if k != "bigDataPoolName"}
    if name_output:
        pool["outputs"]["name"] = name_output
    [violation] = of_policy(pack.analyze_stack([pool]), QUOTA)
    assert f"({named}: 4 x 16 (autoScale.maxNodeCount))" in violation["message"]


def test_protected_workspace_without_pool_libraries_passes(pack):
    assert of_policy(pack.analyze_stack([workspace(), gpu_pool()]), PYPI) == []


def test_unprotected_workspace_may_install_from_pypi(pack):
    ws = workspace(managedVirtualNetworkSettings={"preventDataExfiltration": False})
    assert of_policy(pack.analyze_stack([ws, gpu_pool(), pool_libraries()]), PYPI) == []


def test_protected_workspace_installing_from_pypi_is_rejected(pack):
    libraries = pool_libraries()
    assert of_policy(pack.analyze_stack([workspace(), gpu_pool(), libraries]), PYPI) == [
        {
            "policy": PYPI,
            "level": "mandatory",
            "urn": libraries["urn"],
            "message": "Pool 'gpupool' installs libraries from public repositories "
            f"(petastorm==0.11.3, mlflow==2.9.2), but workspace '{WS}' has data-exfiltration "
            "protection, which blocks PyPI and conda. Upload them as workspace packages, or turn "
            "off managedVirtualNetworkSettings.preventDataExfiltration.",
        }
    ]


def test_protected_workspace_pool_with_its_own_library_requirements_is_rejected(pack):
    pool = cpu_pool(
        libraryRequirements={"content": "scipy==1.7.3\n", "filename": "requirements.txt"}
    )
    [violation] = of_policy(pack.analyze_stack([workspace(), pool]), PYPI)
    assert violation["urn"] == pool["urn"]
    assert violation["message"].startswith(
        "Pool 'cpupool' installs libraries from public repositories (scipy==1.7.3)"
    )


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


# --- IP firewall rules on a workspace that public access cannot reach (advisory) ---

PRIVATE_RULES = "no-firewall-rules-while-private"


def test_a_firewall_rule_on_a_private_workspace_is_advised_away(pack):
    rule = firewall_rule("office", "203.0.113.0", "203.0.113.255")
    rule["name"] = "office-rule"  # its Pulumi name: the message names the rule's ruleName

    [violation] = of_policy(pack.analyze_stack([stack(), workspace(), rule]), PRIVATE_RULES)

    assert violation["level"] == "advisory"
    assert violation["urn"] == rule["urn"]
    assert violation["message"] == (
        f"Firewall rule 'office' is on workspace '{WS}', whose public network access is "
        "disabled: the rule admits no one, and reads as if it did. Remove it, or enable public "
        "network access if clients must come that way."
    )


def test_a_firewall_rule_on_a_public_workspace_is_its_business(pack):
    rule = firewall_rule("office", "203.0.113.0", "203.0.113.255")
    public = workspace(publicNetworkAccess="Enabled")

    assert of_policy(pack.analyze_stack([stack(), public, rule]), PRIVATE_RULES) == []


def test_a_firewall_rule_on_a_workspace_without_a_public_access_setting_is_its_business(pack):
    rule = firewall_rule("office", "203.0.113.0", "203.0.113.255")
    unset = workspace(publicNetworkAccess=DROP)  # public: Azure's default

    assert of_policy(pack.analyze_stack([stack(), unset, rule]), PRIVATE_RULES) == []


def test_the_rules_workspace_is_read_from_its_arm_id_in_real_outputs(pack):
    # azure-native outputs carry the rule's id and name, not the workspaceName path parameter.
    rule = firewall_rule("office", "203.0.113.0", "203.0.113.255")
    rule["name"] = "office-rule"  # its Pulumi name; the ARM name is in the outputs
    rule["outputs"] = {
        "id": f"/subscriptions/0/resourceGroups/rg/providers/Microsoft.Synapse/workspaces/{WS}"
        "/firewallRules/office",
        "name": "office",
        "startIpAddress": "203.0.113.0",
        "endIpAddress": "203.0.113.255",
    }

    [violation] = of_policy(pack.analyze_stack([stack(), workspace(), rule]), PRIVATE_RULES)

    assert violation["message"].startswith(f"Firewall rule 'office' is on workspace '{WS}'")


# --- diagnostic settings on the workspace and each pool (advisory) ---

DIAGNOSTICS = "diagnostic-settings"
GROUP_ID = "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Synapse/workspaces"
LA = "/subscriptions/0/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/log"


def _created(resource: dict, arm_id: str) -> dict:
    """The resource with outputs as azure-native returns them once created: its ARM id."""
    resource["outputs"] = {**resource["outputs"], "id": arm_id}
    return resource


def _setting(target_id: str, name: str, **destination: str) -> dict:
    from tests.policies.policy_resources import resource

    arm_id = f"{target_id}/providers/Microsoft.Insights/diagnosticSettings/synapse-dl"
    outputs = {"id": arm_id, "name": "synapse-dl", "logs": [], **destination}
    return resource("azure-native:monitor:DiagnosticSetting", name, {}, outputs)


def _watched_stack(*settings: dict) -> list[dict]:
    ws_id, pool_id = f"{GROUP_ID}/{WS}", f"{GROUP_ID}/{WS}/bigDataPools/cpupool"
    return [
        stack(),
        _created(workspace(), ws_id),
        _created(cpu_pool(), pool_id),
        *(s(ws_id, pool_id) for s in settings),
    ]


def test_a_workspace_and_pool_each_with_a_diagnostic_setting_pass(pack):
    resources = _watched_stack(
        lambda ws, _: _setting(ws, "ws-diag", workspaceId=LA),
        lambda _, pool: _setting(pool.upper(), "pool-diag", workspaceId=LA),  # ids ignore case
    )
    assert of_policy(pack.analyze_stack(resources), DIAGNOSTICS) == []


def test_a_pool_without_a_diagnostic_setting_is_advised_to_get_one(pack):
    resources = _watched_stack(lambda ws, _: _setting(ws, "ws-diag", workspaceId=LA))

    [violation] = of_policy(pack.analyze_stack(resources), DIAGNOSTICS)

    assert violation["level"] == "advisory"
    assert violation["urn"] == resources[2]["urn"]
    assert violation["message"] == (
        "Spark pool 'cpupool' sends its logs nowhere: no diagnostic setting watches it, so "
        "there is no audit trail of who did what. Add one to a Log Analytics workspace "
        "(workspace.diagnostics in the stack file does it for the workspace and its pools)."
    )


def test_a_diagnostic_setting_with_no_destination_does_not_count(pack):
    resources = _watched_stack(
        lambda ws, _: _setting(ws, "ws-diag"),
        lambda _, pool: _setting(pool, "pool-diag", storageAccountId="/subscriptions/0/sa"),
    )
    found = of_policy(pack.analyze_stack(resources), DIAGNOSTICS)
    assert [v["urn"] for v in found] == [resources[1]["urn"]]


def test_resources_not_yet_created_are_not_judged(pack):
    # No id in the outputs yet (the stack policies' inputs-only test resources): nothing to
    # point a setting at, so nothing to report.
    assert of_policy(pack.analyze_stack([stack(), workspace(), cpu_pool()]), DIAGNOSTICS) == []


def test_a_workspace_not_yet_created_does_not_hide_a_created_pool(pack):
    pool = _created(cpu_pool(), f"{GROUP_ID}/{WS}/bigDataPools/cpupool")

    [violation] = of_policy(pack.analyze_stack([stack(), workspace(), pool]), DIAGNOSTICS)

    assert violation["message"].startswith("Spark pool 'cpupool' sends its logs nowhere")


# --- a workspace without public access has private endpoints for Dev and Sql (mandatory) ---

ENDPOINTS = "workspace-private-endpoints"
WS_ID = f"{GROUP_ID}/{WS}"


def _endpoint(name: str, target_id: str, *groups: str) -> dict:
    from tests.policies.policy_resources import resource

    connections = [
        {"name": name, "privateLinkServiceId": target_id, "groupIds": [group]} for group in groups
    ]
    inputs = {"privateEndpointName": name, "privateLinkServiceConnections": connections}
    return resource("azure-native:network:PrivateEndpoint", name, inputs)


def test_a_private_workspace_with_dev_and_sql_endpoints_passes(pack):
    resources = [
        stack(),
        _created(workspace(), WS_ID),
        _endpoint("pe-dev", WS_ID.upper(), "Dev"),  # ARM ids compare without case
        _endpoint("pe-sql", WS_ID, "Sql"),
    ]
    assert of_policy(pack.analyze_stack(resources), ENDPOINTS) == []


def test_a_private_workspace_missing_an_endpoint_is_rejected_naming_it(pack):
    resources = [stack(), _created(workspace(), WS_ID), _endpoint("pe-dev", WS_ID, "Dev")]

    [violation] = of_policy(pack.analyze_stack(resources), ENDPOINTS)

    assert violation["level"] == "mandatory"
    assert violation["urn"] == resources[1]["urn"]
    assert violation["message"] == (
        f"Workspace '{WS}' has public network access disabled and no private endpoint for Sql, "
        "so no one can reach its Studio API or SQL. Add private endpoints for Dev and Sql "
        "(workspace.privateAccess in the stack file), or enable public network access."
    )


def test_endpoints_to_another_resource_do_not_count(pack):
    other = f"{GROUP_ID}/other"
    resources = [
        stack(),
        _created(workspace(), WS_ID),
        _endpoint("pe-dev", other, "Dev"),
        _endpoint("pe-sql", other, "Sql"),
    ]
    [violation] = of_policy(pack.analyze_stack(resources), ENDPOINTS)
    assert "no private endpoint for Dev or Sql" in violation["message"]


def test_a_workspace_with_public_access_needs_no_endpoint(pack):
    public = _created(workspace(publicNetworkAccess="Enabled"), WS_ID)
    assert of_policy(pack.analyze_stack([stack(), public]), ENDPOINTS) == []


# --- a private workspace's data lake is locked too (advisory) ---

LAKE_LOCKED = "data-lake-locked-with-workspace"
# The lake the test workspace names in its defaultDataLakeStorage.
LAKE_ID = workspace()["inputs"]["defaultDataLakeStorage"]["resourceId"]


def _lake(**overrides) -> dict:
    from tests.policies.policy_resources import storage_account

    return _created(storage_account(**overrides), LAKE_ID)


def test_a_private_workspace_with_a_locked_lake_passes(pack):
    lake = _lake(networkRuleSet={"defaultAction": "Deny"}, allowSharedKeyAccess=False)
    resources = [stack(), _created(workspace(), WS_ID), lake]

    assert of_policy(pack.analyze_stack(resources), LAKE_LOCKED) == []


def test_a_private_workspace_with_an_open_lake_is_advised_to_lock_it(pack):
    resources = [stack(), _created(workspace(), WS_ID), _lake()]

    [violation] = of_policy(pack.analyze_stack(resources), LAKE_LOCKED)

    assert violation["level"] == "advisory"
    assert violation["urn"] == resources[2]["urn"]
    assert violation["message"] == (
        f"Workspace '{WS}' has public network access disabled, but its data lake does not: "
        "its network rules allow every address (defaultAction Allow); it takes account keys "
        "(allowSharedKeyAccess is not false). Set workspace.dataLake.defaultAction: Deny (the "
        "default when public access is off) and sharedKeyAccess: false."
    )


def test_a_lake_that_only_takes_keys_is_named_for_that_alone(pack):
    lake = _lake(networkRuleSet={"defaultAction": "Deny"}, allowSharedKeyAccess=True)

    [violation] = of_policy(
        pack.analyze_stack([stack(), _created(workspace(), WS_ID), lake]), LAKE_LOCKED
    )

    assert "its network rules" not in violation["message"]
    assert "it takes account keys" in violation["message"]


def test_a_lake_takes_no_keys_only_when_shared_key_access_is_false_not_a_number(pack):
    lake = _lake(networkRuleSet={"defaultAction": "Deny"}, allowSharedKeyAccess=0)

    [violation] = of_policy(
        pack.analyze_stack([stack(), _created(workspace(), WS_ID), lake]), LAKE_LOCKED
    )

    assert "it takes account keys" in violation["message"]


def test_a_public_workspace_and_another_workspaces_lake_are_not_judged(pack):
    public = _created(workspace(publicNetworkAccess="Enabled"), WS_ID)
    assert of_policy(pack.analyze_stack([stack(), public, _lake()]), LAKE_LOCKED) == []

    elsewhere = _created(workspace(), WS_ID)
    other_lake = _created(storage_account_named("stother"), LAKE_ID.replace("stdldev", "stother"))
    assert of_policy(pack.analyze_stack([stack(), elsewhere, other_lake]), LAKE_LOCKED) == []


def storage_account_named(name: str) -> dict:
    from tests.policies.policy_resources import storage_account

    return storage_account(name)


def test_a_workspace_without_a_public_access_setting_is_public_and_not_judged(pack):
    # Azure's default is Enabled; the setting left out must not break the policy either.
    unset = _created(workspace(publicNetworkAccess=DROP), WS_ID)
    assert of_policy(pack.analyze_stack([stack(), unset, _lake()]), LAKE_LOCKED) == []


def test_a_public_workspace_does_not_hide_a_private_one_after_it(pack):
    public = _created(workspace("synw-public", publicNetworkAccess="Enabled"), WS_ID + "-public")
    private = _created(workspace(), WS_ID)

    [violation] = of_policy(pack.analyze_stack([stack(), public, private, _lake()]), LAKE_LOCKED)

    assert violation["message"].startswith(f"Workspace '{WS}' has public network access disabled")


def test_a_private_workspace_whose_lake_is_elsewhere_does_not_hide_the_next_one(pack):
    elsewhere = _created(
        workspace(
            "synw-other",
            defaultDataLakeStorage={"resourceId": LAKE_ID.replace("stdldev", "stelsewhere")},
        ),
        WS_ID + "-other",
    )
    resources = [stack(), elsewhere, _created(workspace(), WS_ID), _lake()]

    [violation] = of_policy(pack.analyze_stack(resources), LAKE_LOCKED)

    assert violation["message"].startswith(f"Workspace '{WS}' has public network access disabled")


def test_a_public_workspace_does_not_hide_a_private_one_without_endpoints(pack):
    public = _created(workspace("synw-public", publicNetworkAccess="Enabled"), WS_ID + "-public")
    private = _created(workspace(), WS_ID)

    [violation] = of_policy(pack.analyze_stack([stack(), public, private]), ENDPOINTS)

    assert violation["urn"] == private["urn"]


def test_a_workspace_without_a_public_access_setting_needs_no_endpoint(pack):
    unset = _created(workspace(publicNetworkAccess=DROP), WS_ID)
    assert of_policy(pack.analyze_stack([stack(), unset]), ENDPOINTS) == []


def test_a_created_workspace_is_named_by_the_name_in_its_outputs(pack):
    # azure-native's outputs carry the ARM name, not the workspaceName path parameter.
    created = _created(workspace(), WS_ID)
    created["name"] = "workspace"
    del created["outputs"]["workspaceName"]
    created["outputs"]["name"] = WS

    [violation] = of_policy(pack.analyze_stack([stack(), created]), ENDPOINTS)

    assert violation["message"].startswith(f"Workspace '{WS}' has public network access disabled")
