"""Reading a BigDataPool's properties, whether they are inputs (Analyze) or outputs
(AnalyzeStack).

Inputs name the pool and its workspace (bigDataPoolName, workspaceName); azure-native
outputs carry the ARM id and name instead, so both are read. Numbers arrive as floats.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from synapse_facts import GPU_FAMILY

_POOL_ID = re.compile(r"/workspaces/([^/]+)/bigDataPools/([^/]+)\Z", re.IGNORECASE)


def _id_parts(props: Mapping[str, Any]) -> tuple[str, str] | None:
    arm_id = props.get("id")
    match = _POOL_ID.search(arm_id) if isinstance(arm_id, str) else None
    return (match.group(1), match.group(2)) if match else None


def pool_name(props: Mapping[str, Any], resource_name: str) -> str:
    parts = _id_parts(props)
    return (
        props.get("bigDataPoolName")
        or (parts[1] if parts else None)
        or props.get("name")
        or resource_name
    )


def workspace_name(props: Mapping[str, Any]) -> str | None:
    parts = _id_parts(props)
    return props.get("workspaceName") or (parts[0] if parts else None)


def is_gpu_pool(props: Mapping[str, Any]) -> bool:
    return props.get("nodeSizeFamily") == GPU_FAMILY


def max_nodes(props: Mapping[str, Any]) -> int | None:
    """The most nodes the pool can run: autoScale.maxNodeCount, else the fixed nodeCount."""
    auto_scale = props.get("autoScale") or {}
    count = auto_scale.get("maxNodeCount") if auto_scale.get("enabled") else props.get("nodeCount")
    return int(count) if isinstance(count, int | float) else None


def node_count_key(props: Mapping[str, Any]) -> str:
    """The property that sets max_nodes: where a user lowers it."""
    return (
        "autoScale.maxNodeCount" if (props.get("autoScale") or {}).get("enabled") else "nodeCount"
    )
