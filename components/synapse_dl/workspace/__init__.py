"""SynapseWorkspace: a Synapse workspace, its ADLS Gen2 data lake, identity, role and firewall.

args.py               SynapseWorkspaceArgs and the types nested in it
component.py          the component: checks the Args, takes the steps, sets the outputs
data_lake.py          the resource group, the lake's account, filesystem and lock
synapse_workspace.py  the workspace and its SQL admin password
network.py            firewall rules; private access (private_access.py)
identity.py           role assignments, the SQL AD admin, the customer-managed key
diagnostics.py        the Log Analytics workspace and the diagnostic setting
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
