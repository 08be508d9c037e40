"""The program under Pulumi's mock runtime: the exact ARM inputs the engine would receive."""

from __future__ import annotations

import pytest

from synapse_dl.engine.offline_runtime import (
    MOCK_SUBSCRIPTION_ID,
    SECRET_MASK,
    Plan,
    RecordingMonitor,
    plan_stack,
)
from synapse_dl.workspace import STORAGE_BLOB_DATA_CONTRIBUTOR, role_assignment_name
from tests.conftest import DEV_STACK

POOL = "azure-native:synapse:BigDataPool"
LIBRARIES = "pulumi-python:dynamic/synapse:PoolLibraries"
GROUP_ID = f"/subscriptions/{MOCK_SUBSCRIPTION_ID}/resourceGroups/rg-synapse-dl-dev"
LAKE_ID = f"{GROUP_ID}/providers/Microsoft.Storage/storageAccounts/stsynapsedldev001"
DEV_TAGS = {"project": "synapse-dl", "environment": "dev"}


@pytest.fixture(scope="module")
def plan() -> Plan:
    return plan_stack(DEV_STACK)


def test_looking_up_a_resource_the_plan_lacks_says_what_was_sought(plan: Plan):
    with pytest.raises(LookupError) as error:
        plan.one(POOL, "nosuchpool")
    assert str(error.value) == f"0 resources of type {POOL} named nosuchpool"


def test_the_gpu_pool_has_the_exact_arm_inputs_and_no_libraries(plan: Plan):
    pool = plan.one(POOL, "gpularge")

    assert pool.inputs == {
        "bigDataPoolName": "gpularge",
        "resourceGroupName": "rg-synapse-dl-dev",
        "workspaceName": "synw-dl-dev-001",
        "location": "eastus",
        "nodeSizeFamily": "HardwareAcceleratedGPU",
        "nodeSize": "Large",
        "sparkVersion": "3.2",
        "nodeCount": 3.0,
        "autoScale": {"enabled": False},
        "autoPause": {"enabled": True, "delayInMinutes": 15.0},
        "dynamicExecutorAllocation": {"enabled": False},
        "sessionLevelPackagesEnabled": False,
        "sparkConfigProperties": {
            "configurationType": "File",
            "filename": "spark-defaults.conf",
            "content": "spark.rapids.sql.enabled false\n",
        },
        "tags": {},
    }
    assert pool.ignore_changes == ["libraryRequirements", "customLibraries"]


def test_the_cpu_pool_autoscales_with_dynamic_executors(plan: Plan):
    pool = plan.one(POOL, "dataprep")

    assert pool.inputs["nodeSizeFamily"] == "MemoryOptimized"
    assert pool.inputs["sparkVersion"] == "3.5"
    assert pool.inputs["autoScale"] == {"enabled": True, "minNodeCount": 3.0, "maxNodeCount": 5.0}
    assert "nodeCount" not in pool.inputs
    assert pool.inputs["dynamicExecutorAllocation"] == {
        "enabled": True,
        "minExecutors": 1.0,
        "maxExecutors": 4.0,
    }
    assert "libraryRequirements" not in pool.inputs


def test_the_libraries_are_a_second_resource_that_depends_on_the_pool(plan: Plan):
    pool = plan.one(POOL, "gpularge")
    libraries = plan.one(LIBRARIES, "gpularge-libraries")

    assert pool.urn in libraries.dependencies
    assert libraries.parent == pool.parent
    assert libraries.inputs["libraryRequirements"] == {
        "content": "torch==1.11.0\ntensorflow==2.8.0\nhorovod==0.24.3\npetastorm==0.11.3\n",
        "filename": "requirements.txt",
    }
    assert libraries.inputs["bigDataPoolName"] == "gpularge"
    assert libraries.inputs["subscriptionId"] == MOCK_SUBSCRIPTION_ID
    assert libraries.inputs["armEndpoint"] == "https://management.azure.com"
    assert len(libraries.inputs["poolFingerprint"]) == 64
    # A pool without libraries gets no library step.
    assert [r.name for r in plan.by_type(LIBRARIES)] == ["gpularge-libraries"]


def test_the_workspace_identity_gets_blob_data_contributor_on_the_lake(plan: Plan):
    assignment = plan.one(
        "azure-native:authorization:RoleAssignment", "synw-dl-dev-001-datalake-blob-contributor"
    )

    assert assignment.inputs == {
        "principalId": assignment.inputs["principalId"],
        "principalType": "ServicePrincipal",
        "roleAssignmentName": "5ff17a4b-d4f6-51bd-a3de-6a295748a8e2",
        "roleDefinitionId": f"/subscriptions/{MOCK_SUBSCRIPTION_ID}/providers/"
        "Microsoft.Authorization/roleDefinitions/ba92f5b4-2d11-453d-a403-e96b0029c9fe",
        "scope": LAKE_ID,
    }
    workspace = plan.one("azure-native:synapse:Workspace", "synw-dl-dev-001-workspace")
    assert assignment.inputs["principalId"] == workspace.outputs["identity"]["principalId"]


def test_the_deployer_gets_blob_data_contributor_on_the_lake_to_upload_the_jobs_files(plan: Plan):
    assignment = plan.one(
        "azure-native:authorization:RoleAssignment", "synw-dl-dev-001-datalake-deployer"
    )

    assert assignment.inputs == {
        # The mocks' getClientConfig objectId: whoever runs the deployment.
        "principalId": "33333333-3333-3333-3333-333333333333",
        "roleAssignmentName": role_assignment_name(
            "rg-synapse-dl-dev/stsynapsedldev001",
            "33333333-3333-3333-3333-333333333333",
            STORAGE_BLOB_DATA_CONTRIBUTOR,
        ),
        "roleDefinitionId": f"/subscriptions/{MOCK_SUBSCRIPTION_ID}/providers/"
        "Microsoft.Authorization/roleDefinitions/ba92f5b4-2d11-453d-a403-e96b0029c9fe",
        "scope": LAKE_ID,
    }
    # Each job file waits for the role: an upload before it would be refused.
    for upload in plan.by_type("pulumi-python:dynamic/storage:LakeFile"):
        assert assignment.urn in upload.dependencies


def test_the_role_assignment_names_are_the_same_on_every_run():
    def names() -> list[str]:
        assignments = plan_stack(DEV_STACK).by_type("azure-native:authorization:RoleAssignment")
        return sorted(a.inputs["roleAssignmentName"] for a in assignments)

    assert names() == names()


def test_the_data_lake_is_a_hardened_adls_gen2_account_protected_from_deletion(plan: Plan):
    account = plan.one("azure-native:storage:StorageAccount", "synw-dl-dev-001-datalake")

    assert account.inputs == {
        "accountName": "stsynapsedldev001",
        "resourceGroupName": "rg-synapse-dl-dev",
        "location": "eastus",
        "kind": "StorageV2",
        "sku": {"name": "Standard_LRS"},
        "isHnsEnabled": True,
        "enableHttpsTrafficOnly": True,
        "minimumTlsVersion": "TLS1_2",
        "allowBlobPublicAccess": False,
        # The dev workspace is public, so is its lake: no network rules, keys allowed.
        "allowSharedKeyAccess": True,
        "tags": DEV_TAGS,
    }
    assert account.protect is True
    (lock,) = plan.by_type("azure-native:authorization:ManagementLockByScope")
    assert lock.inputs["level"] == "CanNotDelete"
    assert lock.inputs["scope"] == LAKE_ID
    filesystem = plan.one("azure-native:storage:BlobContainer", "synw-dl-dev-001-filesystem")
    assert filesystem.inputs["containerName"] == "synapse"
    assert filesystem.protect is True
    (blob_service,) = plan.by_type("azure-native:storage:BlobServiceProperties")
    assert blob_service.inputs["deleteRetentionPolicy"] == {"enabled": True, "days": 7.0}


def test_the_workspace_is_secure_by_default(plan: Plan):
    workspace = plan.one("azure-native:synapse:Workspace", "synw-dl-dev-001-workspace")

    assert workspace.inputs == {
        "workspaceName": "synw-dl-dev-001",
        "resourceGroupName": "rg-synapse-dl-dev",
        "location": "eastus",
        "identity": {"type": "SystemAssigned"},
        "defaultDataLakeStorage": {
            "accountUrl": "https://stsynapsedldev001.dfs.core.windows.net",
            "filesystem": "synapse",
            "resourceId": LAKE_ID,
        },
        "managedVirtualNetwork": "default",
        "managedVirtualNetworkSettings": {
            "preventDataExfiltration": False,
            "allowedAadTenantIdsForLinking": [],
        },
        "publicNetworkAccess": "Enabled",
        "azureADOnlyAuthentication": True,
        "sqlAdministratorLogin": "sqladminuser",
        "sqlAdministratorLoginPassword": SECRET_MASK,
        "tags": DEV_TAGS,
        # azure-native's own default for the workspace.
        "trustedServiceBypassEnabled": False,
    }


def test_the_sql_password_is_a_secret_from_pulumi_random(plan: Plan):
    workspace = plan.one("azure-native:synapse:Workspace", "synw-dl-dev-001-workspace")
    (password,) = plan.by_type("random:index/randomPassword:RandomPassword")

    assert workspace.inputs["sqlAdministratorLoginPassword"] == SECRET_MASK
    assert password.urn in workspace.dependencies
    assert password.outputs["result"] == SECRET_MASK


def test_the_sql_password_meets_synapses_password_rules(plan: Plan):
    (password,) = plan.by_type("random:index/randomPassword:RandomPassword")

    # Synapse: 8 to 128 characters, with upper case, lower case, digits and symbols.
    assert 8 <= password.inputs["length"] <= 128
    assert password.inputs["special"] is True
    assert all(password.inputs[f"min{kind}"] >= 1 for kind in ("Lower", "Upper", "Numeric"))
    assert password.inputs["minSpecial"] >= 1


def test_firewall_rules_come_from_config_and_none_opens_the_internet(plan: Plan):
    rules = plan.by_type("azure-native:synapse:IpFirewallRule")

    assert [
        (r.inputs["ruleName"], r.inputs["startIpAddress"], r.inputs["endIpAddress"]) for r in rules
    ] == [("corp-office", "203.0.113.0", "203.0.113.255")]


def test_allowing_azure_services_adds_azures_own_rule(dev_config, write_stack):
    dev_config["workspace"]["network"]["allowAzureServices"] = True

    rules = plan_stack(write_stack(dev_config)).by_type("azure-native:synapse:IpFirewallRule")

    assert ("AllowAllWindowsAzureIps", "0.0.0.0", "0.0.0.0") in [
        (r.inputs["ruleName"], r.inputs["startIpAddress"], r.inputs["endIpAddress"]) for r in rules
    ]


def test_an_existing_resource_group_is_referenced_not_created(dev_config, write_stack):
    dev_config["workspace"]["resourceGroup"]["create"] = False

    plan = plan_stack(write_stack(dev_config))

    assert plan.by_type("azure-native:resources:ResourceGroup") == []
    assert (
        plan.one("azure-native:synapse:Workspace", "synw-dl-dev-001-workspace").inputs[
            "resourceGroupName"
        ]
        == "rg-synapse-dl-dev"
    )


def test_turning_the_managed_network_off_drops_its_settings(dev_config, write_stack):
    dev_config["workspace"]["network"]["managedVirtualNetwork"] = False

    workspace = plan_stack(write_stack(dev_config)).one(
        "azure-native:synapse:Workspace", "synw-dl-dev-001-workspace"
    )

    assert "managedVirtualNetwork" not in workspace.inputs
    assert "managedVirtualNetworkSettings" not in workspace.inputs


def test_a_pool_update_changes_the_library_fingerprint(dev_config, write_stack):
    before = plan_stack(write_stack(dev_config, "before")).one(LIBRARIES, "gpularge-libraries")
    dev_config["sparkPools"][0]["nodeCount"] = 4
    after = plan_stack(write_stack(dev_config, "after")).one(LIBRARIES, "gpularge-libraries")

    assert before.inputs["poolFingerprint"] != after.inputs["poolFingerprint"]
    assert before.inputs["libraryRequirements"] == after.inputs["libraryRequirements"]


def test_a_change_to_another_pool_leaves_the_fingerprint_alone(dev_config, write_stack):
    before = plan_stack(write_stack(dev_config, "before")).one(LIBRARIES, "gpularge-libraries")
    dev_config["sparkPools"][1]["autoScale"]["maxNodeCount"] = 6
    after = plan_stack(write_stack(dev_config, "after")).one(LIBRARIES, "gpularge-libraries")

    assert before.inputs["poolFingerprint"] == after.inputs["poolFingerprint"]


def test_stack_outputs_name_the_workspace_endpoints_pools_and_requirements(plan: Plan):
    outputs = dict(plan.outputs)
    assert sorted(outputs.pop("jobDefinitions")) == ["pytorch_digits", "tensorflow_digits"]
    assert outputs == {
        "workspaceName": "synw-dl-dev-001",
        "devEndpoint": "https://synw-dl-dev-001.dev.azuresynapse.net",
        "sqlEndpoint": "synw-dl-dev-001.sql.azuresynapse.net",
        "dataLakeUrl": "abfss://synapse@stsynapsedldev001.dfs.core.windows.net/",
        "sparkPools": ["gpularge", "dataprep"],
        "poolRequirements": {
            "gpularge": "torch==1.11.0\ntensorflow==2.8.0\nhorovod==0.24.3\npetastorm==0.11.3\n",
            "dataprep": "",
        },
    }


def test_the_plan_warns_that_the_gpu_runtime_is_retired(plan: Plan):
    assert plan.warnings == [
        "pool 'gpularge': Spark 3.2 is past end of support (2024-07-08): Spark 3.2 and GPU "
        "pools were retired and disabled on 2024-07-08"
    ]


def test_every_resource_is_parented_under_a_component(plan: Plan):
    components = {r.urn for r in plan.resources if not r.custom}

    assert {r.type for r in plan.resources if not r.custom} == {
        "synapse-dl:index:SynapseWorkspace",
        "synapse-dl:index:SparkPool",
        "synapse-dl:index:TrainingJob",
    }
    assert all(r.parent in components for r in plan.resources if r.custom)


def test_invalid_config_fails_before_any_resource_is_registered(dev_config, write_stack):
    dev_config["sparkPools"][0]["autoPause"]["delayInMinutes"] = 2
    monitor = RecordingMonitor()

    with pytest.raises(Exception, match=r"sparkPools\[0\]\.autoPause\.delayInMinutes = 2"):
        plan_stack(write_stack(dev_config), monitor=monitor)

    assert monitor.planned == []


def test_each_component_registers_every_output_the_readme_lists():
    monitor = RecordingMonitor()
    plan_stack(DEV_STACK, monitor=monitor)
    # urn:pulumi:<stack>::<project>::<parent type>$<type>::<name> -> "<type>::<name>"
    registered = {
        urn.split("$")[-1]: set(outputs) for urn, outputs in monitor.component_outputs.items()
    }

    assert registered["synapse-dl:index:SynapseWorkspace::synw-dl-dev-001"] == {
        "name", "resourceGroupName", "location", "workspaceId", "devEndpoint", "sqlEndpoint",
        "principalId", "dataLakeAccountName", "filesystem", "dataLakeUrl",
        "logAnalyticsWorkspaceId",
    }  # fmt: skip
    assert registered["synapse-dl:index:SparkPool::gpularge"] == {
        "name", "poolId", "requirements"
    }  # fmt: skip
    assert registered["synapse-dl:index:TrainingJob::pytorch_digits"] == {"name", "file"}
    workspace = monitor.component_outputs[
        next(u for u in monitor.component_outputs if u.endswith("::synw-dl-dev-001"))
    ]
    assert workspace["sqlEndpoint"] == "synw-dl-dev-001.sql.azuresynapse.net"
    assert workspace["dataLakeUrl"] == "abfss://synapse@stsynapsedldev001.dfs.core.windows.net/"


def test_the_cpu_stack_sends_the_workspace_and_pool_logs_to_its_log_analytics():
    from synapse_dl.facts.diagnostics import POOL_LOG_CATEGORIES, WORKSPACE_LOG_CATEGORIES

    plan = plan_stack(DEV_STACK.with_name("Pulumi.cpu.yaml"))

    logs = plan.one("azure-native:operationalinsights:Workspace", "synw-dl-cpu-001-logs")
    assert logs.inputs["workspaceName"] == "log-synw-dl-cpu-001"
    assert (logs.inputs["retentionInDays"], logs.inputs["sku"]) == (90, {"name": "PerGB2018"})
    settings = {r.name: r for r in plan.by_type("azure-native:monitor:DiagnosticSetting")}
    workspace = plan.one("azure-native:synapse:Workspace", "synw-dl-cpu-001-workspace")
    pool = plan.one(POOL, "cpumedium")
    for name, target, categories in (
        ("synw-dl-cpu-001-diagnostics", workspace, WORKSPACE_LOG_CATEGORIES),
        ("cpumedium-diagnostics", pool, POOL_LOG_CATEGORIES),
    ):
        setting = settings.pop(name)
        assert setting.inputs["resourceUri"] == target.outputs["id"]
        # An extension resource: its id is the watched resource's, then its own part.
        assert setting.outputs["id"] == (
            f"{target.outputs['id']}/providers/Microsoft.Insights/diagnosticSettings/"
            f"{setting.inputs['name']}"
        )
        assert setting.inputs["workspaceId"] == logs.outputs["id"]
        assert setting.inputs["logs"] == [{"category": c, "enabled": True} for c in categories]
    assert settings == {}


def test_a_stack_without_diagnostics_has_no_diagnostic_settings(plan: Plan):
    assert plan.by_type("azure-native:monitor:DiagnosticSetting") == []
    assert plan.by_type("azure-native:operationalinsights:Workspace") == []
