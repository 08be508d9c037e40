"""SynapseWorkspace: a Synapse workspace, its ADLS Gen2 data lake, identity, role and firewall.

component.py holds the component and its Args; private_access.py its private endpoints.
"""

from synapse_dl.workspace.component import PREVIOUS_TYPE, SynapseWorkspace, SynapseWorkspaceArgs
from synapse_dl.workspace.identity import STORAGE_BLOB_DATA_CONTRIBUTOR, role_assignment_name
from synapse_dl.workspace.network import ALLOW_AZURE_SERVICES_RULE

__all__ = [
    "ALLOW_AZURE_SERVICES_RULE",
    "PREVIOUS_TYPE",
    "STORAGE_BLOB_DATA_CONTRIBUTOR",
    "SynapseWorkspace",
    "SynapseWorkspaceArgs",
    "role_assignment_name",
]
