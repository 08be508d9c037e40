"""Who may do what: Storage Blob Data Contributor on the lake for the workspace's identity and
the deploying identity, the admins' group as the SQL Active Directory admin, the workspace
identity's access to its customer-managed key (and the key's activation), and Synapse RBAC."""

import uuid

import pulumi
from pulumi_azure_native import authorization, storage, synapse

from synapse_dl.config.models import AdminsConfig, WorkspaceSettings
from synapse_dl.facts import azure_rules, synapse_rbac
from synapse_dl.providers.synapse_role_assignment import SynapseRoleAssignment
from synapse_dl.workspace.synapse_workspace import WORKSPACE_KEY_NAME

# Built-in role "Storage Blob Data Contributor": the workspace identity needs it on the lake to
# launch Spark pools (docs "how-to-grant-workspace-managed-identity-permissions").
STORAGE_BLOB_DATA_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe"
# Fixed namespace so a role assignment's name is the same on every run of the same stack.
_ROLE_ASSIGNMENT_NAMESPACE = uuid.UUID("5f0b8f5e-3c56-4d52-9a52-6a2f3e4c8d21")


def role_assignment_name(scope_key: str, principal_key: str, role_id: str) -> str:
    """Deterministic GUID: re-running the stack targets the same assignment, never a duplicate."""
    return str(uuid.uuid5(_ROLE_ASSIGNMENT_NAMESPACE, f"{scope_key}|{principal_key}|{role_id}"))


def role_definition_id(resource_id: str, role_id: str) -> str:
    """A built-in role's ID in the subscription that holds `resource_id`."""
    subscription = azure_rules.subscription_of(resource_id)
    return (
        f"/subscriptions/{subscription}/providers/Microsoft.Authorization/roleDefinitions/{role_id}"
    )


def lake_roles(
    name: str,
    config: WorkspaceSettings,
    account: storage.StorageAccount,
    resource_group_name: pulumi.Input[str],
    principal_id: pulumi.Output[str],
    deployer_id: pulumi.Output[str],
    *,
    parent: pulumi.Resource,
) -> authorization.RoleAssignment:
    """Storage Blob Data Contributor on the lake for the workspace's identity (`principal_id`)
    and the deploying identity; returns the deployer's, which uploads to the lake wait for.
    `resource_group_name` is the name as the caller gave it."""
    # The role assignments' names start from the group and the lake they are in.
    lake_key = pulumi.Output.from_input(resource_group_name).apply(
        lambda group: f"{group}/{config.data_lake.account_name}"
    )
    # The workspace identity launches Spark pools on the lake.
    _lake_contributor(
        f"{name}-datalake-blob-contributor",
        account,
        lake_key,
        principal_key=config.name,
        principal_id=principal_id,
        principal_type="ServicePrincipal",
        parent=parent,
    )
    # The deploying identity writes the jobs' files with its Entra token (LakeFile):
    # keys may be off, and a management role gives no data access.
    return _lake_contributor(
        f"{name}-datalake-deployer",
        account,
        lake_key,
        principal_key=deployer_id,
        principal_id=deployer_id,
        # A person (User) or a pipeline (ServicePrincipal): not known here, so not sent,
        # and ARM looks it up. A plain None would get the SDK's default, 'User', which ARM
        # refuses for a service principal (UnmatchedPrincipalType).
        principal_type=pulumi.Output.from_input(None),
        parent=parent,
    )


def _lake_contributor(
    resource_name: str,
    account: storage.StorageAccount,
    lake_key: pulumi.Output[str],
    *,
    principal_key: pulumi.Input[str],
    principal_id: pulumi.Input[str],
    principal_type: pulumi.Input[str | None],
    parent: pulumi.Resource,
) -> authorization.RoleAssignment:
    """Storage Blob Data Contributor on the lake, named by `lake_key` (its group and name)
    and `principal_key`, so a re-run targets the same assignment, never a duplicate."""
    return authorization.RoleAssignment(
        resource_name,
        role_assignment_name=pulumi.Output.all(lake_key, principal_key).apply(
            lambda known: role_assignment_name(known[0], known[1], STORAGE_BLOB_DATA_CONTRIBUTOR)
        ),
        principal_id=principal_id,
        principal_type=principal_type,
        # The lake's own subscription: no lookup, nothing to pass in.
        role_definition_id=account.id.apply(
            lambda account_id: role_definition_id(account_id, STORAGE_BLOB_DATA_CONTRIBUTOR)
        ),
        scope=account.id,
        opts=pulumi.ResourceOptions(parent=parent),
    )


def sql_admin(
    name: str,
    admins: AdminsConfig | None,
    workspace: synapse.Workspace,
    resource_group_name: pulumi.Output[str],
    tenant_id: pulumi.Output[str],
    *,
    parent: pulumi.Resource,
) -> None:
    """The admins' group as the workspace's SQL Active Directory admin (none without admins)."""
    if admins is None:
        return
    synapse.WorkspaceAadAdmin(
        f"{name}-sql-admin",
        workspace_name=workspace.name,
        resource_group_name=resource_group_name,
        administrator_type="ActiveDirectory",
        login=admins.group_name,
        sid=admins.group_object_id,
        # The group is in the tenant the deployment signs in to.
        tenant_id=tenant_id,
        opts=pulumi.ResourceOptions(parent=parent),
    )


def customer_managed_key(
    name: str,
    config: WorkspaceSettings,
    workspace: synapse.Workspace,
    principal_id: pulumi.Output[str],
    resource_group_name: pulumi.Output[str],
    *,
    parent: pulumi.Resource,
) -> None:
    """Give the workspace's identity the key, then activate it: a workspace created with a
    customer-managed key waits, unusable, until its key is activated."""
    cmk = config.customer_managed_key
    if cmk is None:
        return
    access = authorization.RoleAssignment(
        f"{name}-cmk-access",
        role_assignment_name=role_assignment_name(
            cmk.key_vault_id,
            config.name,
            azure_rules.KEY_VAULT_CRYPTO_SERVICE_ENCRYPTION_USER,
        ),
        principal_id=principal_id,
        principal_type="ServicePrincipal",
        role_definition_id=role_definition_id(
            cmk.key_vault_id, azure_rules.KEY_VAULT_CRYPTO_SERVICE_ENCRYPTION_USER
        ),
        scope=cmk.key_vault_id,
        opts=pulumi.ResourceOptions(parent=parent),
    )
    synapse.Key(
        f"{name}-cmk-activation",
        key_name=WORKSPACE_KEY_NAME,
        workspace_name=workspace.name,
        resource_group_name=resource_group_name,
        is_active_cmk=True,
        key_vault_url=azure_rules.key_url(cmk.key_vault_id, cmk.key_name),
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[access]),
    )


def synapse_roles(
    name: str,
    config: WorkspaceSettings,
    workspace_name: pulumi.Output[str],
    deployer_id: pulumi.Output[str],
    *,
    parent: pulumi.Resource,
) -> None:
    """Synapse RBAC for the people the config names: the admins' group administers the
    workspace, job runners run jobs, and the deploying identity keeps what deploying needs
    (Synapse Artifact Publisher) once the admins take away the Synapse Administrator its
    creating the workspace gave it. `workspace_name` waits for the way in to the workspace:
    the roles are set through its data plane."""
    wanted: list[tuple[str, str, pulumi.Input[str], str | None]] = []
    if config.admins is not None:
        group = config.admins.group_object_id
        wanted.append(("admins", synapse_rbac.SYNAPSE_ADMINISTRATOR, group, "Group"))
    for runner in config.job_runners:
        role = synapse_rbac.SYNAPSE_COMPUTE_OPERATOR
        wanted.append((f"runner-{runner.object_id}", role, runner.object_id, runner.type))
    if wanted:
        # Whether a user or a service principal: the service tells.
        role = synapse_rbac.SYNAPSE_ARTIFACT_PUBLISHER
        wanted.append(("deployer", role, deployer_id, None))
    for key, role, principal_id, principal_type in wanted:
        SynapseRoleAssignment(
            f"{name}-synapse-role-{key}",
            workspace_name=workspace_name,
            role=role,
            principal_id=principal_id,
            principal_type=principal_type,
            opts=pulumi.ResourceOptions(parent=parent),
        )
