"""Run the Pulumi program under Pulumi's own mock runtime and record what it would deploy.

The program (`__main__.py`) runs unchanged: config comes in through `pulumi.Config` exactly
as the CLI passes it, resources are registered through the real SDK, and a recording
monitor keeps each registration's type, name, parent, inputs (camelCase, as the engine sees
them; secrets masked) and resource options.
"""

from __future__ import annotations

import hashlib
import json
import logging
import pickle
import runpy
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from string import Formatter
from typing import Any

import pulumi
import yaml
from pulumi.output import Unknown
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import rpc, settings
from pulumi.runtime.stack import Stack, run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from synapse_dl.config.stack_file import read_stack_document
from synapse_dl.project import PROJECT_FILE, find_project_dir, stack_name

SECRET_MASK = "[secret]"
MOCK_SUBSCRIPTION_ID = "00000000-0000-0000-0000-000000000000"
MOCK_TENANT_ID = "11111111-1111-1111-1111-111111111111"
_STACK_TYPE = "pulumi:pulumi:Stack"


@dataclass
class PlannedResource:
    urn: str
    type: str
    name: str
    parent: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    custom: bool
    dependencies: list[str] = field(default_factory=list)
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)
    protect: bool = False
    ignore_changes: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "urn": self.urn,
            "type": self.type,
            "name": self.name,
            "parent": self.parent,
            "inputs": self.inputs,
        }


@dataclass
class Plan:
    project: str  # as its Pulumi.yaml names it
    stack: str
    resources: list[PlannedResource]
    warnings: list[str]
    outputs: dict[str, Any]

    def by_type(self, type_: str) -> list[PlannedResource]:
        return [r for r in self.resources if r.type == type_]

    def one(self, type_: str, name: str) -> PlannedResource:
        matches = [r for r in self.resources if r.type == type_ and r.name == name]
        if len(matches) != 1:
            raise LookupError(f"{len(matches)} resources of type {type_} named {name}")
        return matches[0]


def mask_secrets(value: Any) -> Any:
    """Plain JSON values: every secret masked, dynamic providers' pickled code dropped, and a
    file asset shown by its path (relative to the working directory) and content hash."""
    if rpc.is_rpc_secret(value):
        return SECRET_MASK
    if isinstance(value, Unknown):
        return rpc.UNKNOWN  # as the engine marshals a value not known at preview
    if isinstance(value, pulumi.FileAsset):
        path = Path(value.path).resolve()
        # Shown relative to where the command runs (the project, for `synapse-dl plan`).
        here = Path.cwd()
        return {
            "fileAsset": str(path.relative_to(here)) if path.is_relative_to(here) else str(path),
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        }
    if isinstance(value, dict):
        return {k: mask_secrets(v) for k, v in value.items() if not k.startswith("__")}
    if isinstance(value, list):
        return [mask_secrets(v) for v in value]
    return value


@dataclass(frozen=True)
class _ArmShape:
    """How ARM addresses a resource type, and what its response (azure-native's outputs) holds.

    azure-native returns the ARM response as outputs: `id`, `name`, `type` and the body's
    properties (flattened), never the path parameters that addressed it (the specs' response
    definitions; tests/fakes/specs.py).
    """

    # The response's `type`.
    arm_type: str
    # The provider path under the resource group, `{placeholders}` filled from the inputs;
    # None for a resource addressed by a `scope` input instead.
    path: str | None
    # The input holding the resource's own name (for a scope-addressed one, also in
    # `more_parameters`).
    name_key: str = ""
    # Path parameters besides the group, the placeholders and `name_key`, for scope-addressed
    # resources.
    more_parameters: tuple[str, ...] = ()
    # Its response reports a provisioning state (read-only in its spec).
    provisioned: bool = False
    # The one name a singleton child has in its path (a workspace's "activeDirectory" admin).
    fixed_name: str = ""

    def path_parameters(self) -> tuple[str, ...]:
        if self.path is None:
            return self.more_parameters
        placeholders = [field for _, field, _, _ in Formatter().parse(self.path) if field]
        return ("resourceGroupName", *placeholders, self.name_key, *self.more_parameters)


_BLOBS = "Microsoft.Storage/storageAccounts/{accountName}/blobServices/default/containers"
_ARM_SHAPES: dict[str, _ArmShape] = {
    "azure-native:resources:ResourceGroup": _ArmShape(
        "Microsoft.Resources/resourceGroups", "", "resourceGroupName"
    ),
    "azure-native:storage:StorageAccount": _ArmShape(
        "Microsoft.Storage/storageAccounts",
        "Microsoft.Storage/storageAccounts",
        "accountName",
        provisioned=True,
    ),
    "azure-native:storage:BlobServiceProperties": _ArmShape(
        "Microsoft.Storage/storageAccounts/blobServices",
        "Microsoft.Storage/storageAccounts/{accountName}/blobServices",
        "blobServicesName",
    ),
    "azure-native:storage:BlobContainer": _ArmShape(
        "Microsoft.Storage/storageAccounts/blobServices/containers", _BLOBS, "containerName"
    ),
    "azure-native:synapse:Workspace": _ArmShape(
        "Microsoft.Synapse/workspaces",
        "Microsoft.Synapse/workspaces",
        "workspaceName",
        provisioned=True,
    ),
    "azure-native:synapse:BigDataPool": _ArmShape(
        "Microsoft.Synapse/workspaces/bigDataPools",
        "Microsoft.Synapse/workspaces/{workspaceName}/bigDataPools",
        "bigDataPoolName",
        provisioned=True,
    ),
    "azure-native:synapse:IpFirewallRule": _ArmShape(
        "Microsoft.Synapse/workspaces/firewallRules",
        "Microsoft.Synapse/workspaces/{workspaceName}/firewallRules",
        "ruleName",
        provisioned=True,
    ),
    # The role assignment's response carries its scope as a property; the lock's does not.
    "azure-native:authorization:RoleAssignment": _ArmShape(
        "Microsoft.Authorization/roleAssignments",
        None,
        "roleAssignmentName",
        more_parameters=("roleAssignmentName",),
    ),
    "azure-native:authorization:ManagementLockByScope": _ArmShape(
        "Microsoft.Authorization/locks", None, "lockName", more_parameters=("scope", "lockName")
    ),
    "azure-native:operationalinsights:Workspace": _ArmShape(
        "Microsoft.OperationalInsights/workspaces",
        "Microsoft.OperationalInsights/workspaces",
        "workspaceName",
        provisioned=True,
    ),
    "azure-native:network:VirtualNetwork": _ArmShape(
        "Microsoft.Network/virtualNetworks",
        "Microsoft.Network/virtualNetworks",
        "virtualNetworkName",
        provisioned=True,
    ),
    "azure-native:network:Subnet": _ArmShape(
        "Microsoft.Network/virtualNetworks/subnets",
        "Microsoft.Network/virtualNetworks/{virtualNetworkName}/subnets",
        "subnetName",
        provisioned=True,
    ),
    "azure-native:network:PrivateEndpoint": _ArmShape(
        "Microsoft.Network/privateEndpoints",
        "Microsoft.Network/privateEndpoints",
        "privateEndpointName",
        provisioned=True,
    ),
    "azure-native:network:PrivateDnsZoneGroup": _ArmShape(
        "Microsoft.Network/privateEndpoints/privateDnsZoneGroups",
        "Microsoft.Network/privateEndpoints/{privateEndpointName}/privateDnsZoneGroups",
        "privateDnsZoneGroupName",
        provisioned=True,
    ),
    "azure-native:privatedns:PrivateZone": _ArmShape(
        "Microsoft.Network/privateDnsZones",
        "Microsoft.Network/privateDnsZones",
        "privateZoneName",
        provisioned=True,
    ),
    "azure-native:privatedns:VirtualNetworkLink": _ArmShape(
        "Microsoft.Network/privateDnsZones/virtualNetworkLinks",
        "Microsoft.Network/privateDnsZones/{privateZoneName}/virtualNetworkLinks",
        "virtualNetworkLinkName",
        provisioned=True,
    ),
    "azure-native:synapse:WorkspaceAadAdmin": _ArmShape(
        "Microsoft.Synapse/workspaces/administrators",
        "Microsoft.Synapse/workspaces/{workspaceName}/administrators",
        fixed_name="activeDirectory",
    ),
    "azure-native:synapse:Key": _ArmShape(
        "Microsoft.Synapse/workspaces/keys",
        "Microsoft.Synapse/workspaces/{workspaceName}/keys",
        "keyName",
    ),
    "azure-native:synapse:PrivateLinkHub": _ArmShape(
        "Microsoft.Synapse/privateLinkHubs",
        "Microsoft.Synapse/privateLinkHubs",
        "privateLinkHubName",
        provisioned=True,
    ),
    # An extension resource: addressed under the resource it watches (resourceUri).
    "azure-native:monitor:DiagnosticSetting": _ArmShape(
        "Microsoft.Insights/diagnosticSettings", None, more_parameters=("resourceUri", "name")
    ),
}


def _arm_id(type_: str, inputs: dict[str, Any]) -> tuple[str, str]:
    """A realistic ARM id and name for a mock resource."""
    shape = _ARM_SHAPES.get(type_)
    path = shape.path if shape else None
    name_key = shape.name_key if shape else ""
    name = str(
        (shape.fixed_name if shape else "")
        or inputs.get(name_key)
        or inputs.get("name")
        or type_.rsplit(":", 1)[-1].lower()
    )
    group_name = inputs.get("resourceGroupName", name)
    group = f"/subscriptions/{MOCK_SUBSCRIPTION_ID}/resourceGroups/{group_name}"
    if type_ == "azure-native:resources:ResourceGroup":
        return group, name
    if path:
        return f"{group}/providers/{path.format(**inputs)}/{name}", name
    # An extension resource (a role assignment, a lock, a diagnostic setting): its id is the
    # resource it applies to, then its own part.
    scope = inputs.get("resourceUri", inputs.get("scope"))
    if scope is not None and shape:
        return f"{scope}/providers/{shape.arm_type}/{name}", name
    return f"{type_.rsplit(':', 1)[-1].lower()}-{name}", name


def provider_outputs(type_: str, inputs: dict[str, Any], arm_id: str, name: str) -> dict:
    """Outputs shaped as azure-native returns them: the ARM response, without path parameters."""
    shape = _ARM_SHAPES.get(type_)
    addressed_by = shape.path_parameters() if shape else ()
    outputs = {k: v for k, v in inputs.items() if k not in addressed_by}
    outputs.update({"id": arm_id, "name": name})
    if shape:
        outputs["type"] = shape.arm_type
    if shape and shape.provisioned:
        outputs["provisioningState"] = "Succeeded"
    return outputs


class PlanMocks(pulumi_mocks.Mocks):
    """Outputs as Azure would compute them, deterministic so plans can be compared."""

    def new_resource(self, args: pulumi_mocks.MockResourceArgs) -> tuple[str | None, dict]:
        if not args.custom:
            return None, {}
        inputs = args.inputs
        if args.typ == "random:index/randomPassword:RandomPassword":
            # The random provider marks `result` secret; so do the mocks.
            password = f"mock-{uuid.uuid5(uuid.NAMESPACE_URL, args.name)}"
            return args.name, {**inputs, "result": rpc.wrap_rpc_secret(password)}
        arm_id, name = _arm_id(args.typ, inputs)
        if not args.typ.startswith("azure-native:"):
            # Dynamic providers return their inputs (and what they add) as outputs.
            outputs = {**inputs, "name": inputs.get("name", name)}
            if args.typ.endswith(":WorkspacePackage"):
                # A stand-in for the pool entry the service gives an uploaded package (the
                # provider reads the real path and container back at deploy).
                outputs["customLibrary"] = {
                    "name": inputs["name"],
                    "path": f"{inputs['workspaceName']}/libraries/{inputs['name']}",
                    "containerName": "prep",
                    "type": "whl",
                }
            return arm_id, outputs
        outputs = provider_outputs(args.typ, inputs, arm_id, name)
        if args.typ == "azure-native:storage:StorageAccount":
            outputs["primaryEndpoints"] = {
                service: f"https://{name}.{service}.core.windows.net/"
                for service in ("blob", "dfs", "queue", "table", "web", "file")
            }
        if args.typ == "azure-native:synapse:Workspace":
            outputs["identity"] = {
                **inputs.get("identity", {}),
                "principalId": str(uuid.uuid5(uuid.NAMESPACE_URL, arm_id)),
                "tenantId": MOCK_TENANT_ID,
            }
            outputs["connectivityEndpoints"] = {
                "dev": f"https://{name}.dev.azuresynapse.net",
                "sql": f"{name}.sql.azuresynapse.net",
                "sqlOnDemand": f"{name}-ondemand.sql.azuresynapse.net",
                "web": f"https://web.azuresynapse.net?workspace={arm_id}",
            }
        return arm_id, outputs

    def call(self, args: pulumi_mocks.MockCallArgs) -> tuple[dict, list]:
        if args.token == "azure-native:authorization:getClientConfig":
            return {
                "clientId": "22222222-2222-2222-2222-222222222222",
                "objectId": "33333333-3333-3333-3333-333333333333",
                "subscriptionId": MOCK_SUBSCRIPTION_ID,
                "tenantId": MOCK_TENANT_ID,
            }, []
        raise NotImplementedError(f"no offline answer for the function {args.token}")


class RecordingMonitor(pulumi_mocks.MockMonitor):
    def __init__(self, mocks: pulumi_mocks.Mocks | None = None):
        super().__init__(mocks or PlanMocks())
        self.planned: list[PlannedResource] = []
        self.stack_outputs: dict[str, Any] = {}
        self.component_outputs: dict[str, dict[str, Any]] = {}

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)
        if request.type == _STACK_TYPE:
            self.stack_urn = response.urn
            return response
        state = self.resources[response.urn].state
        self.planned.append(
            PlannedResource(
                urn=response.urn,
                type=request.type,
                name=request.name,
                parent=request.parent,
                inputs=mask_secrets(rpc.deserialize_properties(request.object)),
                outputs=mask_secrets(state),
                custom=request.custom,
                dependencies=list(request.dependencies),
                property_dependencies={
                    key: list(deps.urns) for key, deps in request.propertyDependencies.items()
                },
                protect=bool(request.protect),
                ignore_changes=list(request.ignoreChanges),
            )
        )
        return response

    def RegisterResourceOutputs(self, request: Any) -> Any:
        outputs = mask_secrets(rpc.deserialize_properties(request.outputs))
        if request.urn == getattr(self, "stack_urn", None):
            self.stack_outputs = outputs
        else:
            # What a component registers: its outputs as the engine records them.
            self.component_outputs[request.urn] = outputs
        return super().RegisterResourceOutputs(request)


class _WarningCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def pulumi_config_values(stack_file: Path) -> dict[str, str]:
    """The stack's config as the CLI passes it to a program: `project:key` -> text, objects and
    lists as JSON. Raises ConfigError, naming the file, for a file the CLI would refuse."""
    config = read_stack_document(stack_file)["config"]
    return {
        key: value if isinstance(value, str) else json.dumps(value) for key, value in config.items()
    }


def project_name(program_dir: Path) -> str:
    """The project's name, as its Pulumi.yaml gives it (the first part of every config key
    and URN)."""
    document = yaml.safe_load((program_dir / PROJECT_FILE).read_text(encoding="utf-8"))
    return str(document["name"])


@contextmanager
def _pickler_restored() -> Iterator[None]:
    """Puts back the pickler method pulumi's dynamic-provider serialization replaces: it wraps
    `pickle._Pickler._batch_setitems` once per dynamic resource and never unwraps it
    (pulumi/dynamic/dynamic.py, serialize_provider), so plans run one after another in one
    process (tests, the mutation run) would nest the wrapper until a RecursionError."""
    original = pickle._Pickler._batch_setitems  # type: ignore[attr-defined]
    try:
        yield
    finally:
        pickle._Pickler._batch_setitems = original  # type: ignore[attr-defined]


def plan_stack(
    stack_file: Path,
    program_dir: Path | None = None,
    monitor: RecordingMonitor | None = None,
) -> Plan:
    """Run the program of `program_dir` (default: the project around the working directory)
    against a stack file under mocks; raises what the program raises.

    Pass a `monitor` to see what was registered even when the program fails.
    """
    program_dir = program_dir or find_project_dir()
    project = project_name(program_dir)
    stack = stack_name(stack_file)
    config = pulumi_config_values(stack_file)

    settings.ROOT.set(None)
    pulumi.runtime.set_all_config(config)
    monitor = monitor or RecordingMonitor()
    logger = logging.getLogger(f"synapse_dl.offline_runtime.{stack}")
    logger.propagate = False
    collector = _WarningCollector()
    logger.handlers[:] = [collector]
    pulumi_mocks.set_mocks(
        monitor.mocks,
        project=project,
        stack=stack,
        preview=True,
        logger=logger,
        monitor=monitor,
    )
    settings.SETTINGS.rpc_manager.clear()
    settings.SETTINGS.outputs.clear()
    # set_mocks made a root stack and closed it; run the program in a fresh one, as the
    # language host does, so its exports are registered.
    settings.ROOT.set(None)
    program = program_dir / "__main__.py"

    def run_program() -> None:
        root = Stack()
        try:
            runpy.run_path(str(program), run_name="__main__")
        finally:
            root._finish()

    with _pickler_restored():
        _sync_await(run_pulumi_func(run_program))
    return Plan(
        project=project,
        stack=stack,
        # The SDK registers resources from a thread pool, so arrival order varies from run to
        # run; the URN order does not.
        resources=sorted(monitor.planned, key=lambda r: r.urn),
        warnings=collector.messages,
        outputs=monitor.stack_outputs,
    )
