"""What the offline runtime's mocks answer for each resource and function: outputs shaped as
the providers return them, deterministic so that plans can be compared.

azure-native returns the ARM response as outputs: `id`, `name`, `type` and the body's
properties (flattened), never the path parameters that addressed the resource (the specs'
response definitions; tests/fakes/specs.py). Policies and callers read these outputs, so the
mocks give the same shape.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from string import Formatter
from typing import Any

import pulumi

from synapse_dl.engine.pulumi_internals import secret

MOCK_SUBSCRIPTION_ID = "00000000-0000-0000-0000-000000000000"
MOCK_TENANT_ID = "11111111-1111-1111-1111-111111111111"


@dataclass(frozen=True)
class _ArmShape:
    """How ARM addresses a resource type, and what its response (azure-native's outputs) holds."""

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


CLIENT_ID = "22222222-2222-2222-2222-222222222222"
OBJECT_ID = "33333333-3333-3333-3333-333333333333"


class PlanMocks(pulumi.runtime.Mocks):
    """Outputs as Azure would compute them, deterministic so plans can be compared."""

    def __init__(self) -> None:
        # The ids the mocks make up where Azure assigns its own: a plan compared with what is
        # deployed (`pulumi stack export`) cannot judge a value that holds one.
        self.stand_ins = {MOCK_SUBSCRIPTION_ID, MOCK_TENANT_ID, CLIENT_ID, OBJECT_ID}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict]:
        if not args.custom:
            return None, {}
        inputs = args.inputs
        if args.typ == "random:index/randomPassword:RandomPassword":
            # The random provider marks `result` secret; so do the mocks.
            password = f"mock-{uuid.uuid5(uuid.NAMESPACE_URL, args.name)}"
            return args.name, {**inputs, "result": secret(password)}
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
            principal = str(uuid.uuid5(uuid.NAMESPACE_URL, arm_id))
            self.stand_ins.add(principal)
            outputs["identity"] = {
                **inputs.get("identity", {}),
                "principalId": principal,
                "tenantId": MOCK_TENANT_ID,
            }
            outputs["connectivityEndpoints"] = {
                "dev": f"https://{name}.dev.azuresynapse.net",
                "sql": f"{name}.sql.azuresynapse.net",
                "sqlOnDemand": f"{name}-ondemand.sql.azuresynapse.net",
                "web": f"https://web.azuresynapse.net?workspace={arm_id}",
            }
        return arm_id, outputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict, list]:
        if args.token == "azure-native:authorization:getClientConfig":
            return {
                "clientId": CLIENT_ID,
                "objectId": OBJECT_ID,
                "subscriptionId": MOCK_SUBSCRIPTION_ID,
                "tenantId": MOCK_TENANT_ID,
            }, []
        raise NotImplementedError(f"no offline answer for the function {args.token}")
