"""The Mermaid diagram of a stack: what is drawn, its edges through what is not, the marks."""

from __future__ import annotations

from synapse_dl.cli.plan_json import Change, PlannedResource
from synapse_dl.cli.pr_diagram import mermaid

LAKE = "azure-native:storage:StorageAccount"
WORKSPACE = "azure-native:synapse:Workspace"
POOL = "azure-native:synapse:BigDataPool"
JOB = "pulumi-python:dynamic/synapse:SparkJobDefinition"
FILE = "pulumi-python:dynamic/storage:LakeFile"


def _r(kind: str, name: str, *needs: str) -> PlannedResource:
    return PlannedResource(urn=name, type=kind, name=name, dependsOn=list(needs))


def test_edges_follow_hidden_resources_and_leave_out_what_a_longer_path_implies():
    resources = [
        _r(LAKE, "lake"),
        _r(WORKSPACE, "ws", "lake"),
        _r(POOL, "pool", "ws", "lake"),  # lake -> pool is implied by lake -> ws -> pool
        _r(FILE, "file", "lake"),  # not drawn: the job reaches the lake through it
        _r(JOB, "job", "file", "pool"),
    ]
    lines = mermaid(resources).splitlines()
    ids = {line.split("<b>")[1].split("</b>")[0]: line.split("[")[0].strip()
           for line in lines if "<b>" in line}  # fmt: skip
    edges = {line.strip() for line in lines if "-->" in line}
    assert edges == {f"{ids['lake']} --> {ids['ws']}", f"{ids['ws']} --> {ids['pool']}",
                     f"{ids['pool']} --> {ids['job']}"}  # fmt: skip
    assert "file" not in ids and "classDef" not in "\n".join(lines)


def test_against_a_base_each_node_is_marked_and_a_deleted_one_drawn():
    resources = [_r(LAKE, "lake"), _r(WORKSPACE, 'w"s<x>', "lake")]
    changes = [
        Change(urn="lake", type=LAKE, name="lake", action="replace"),
        Change(urn='w"s<x>', type=WORKSPACE, name='w"s<x>', action="same"),
        Change(urn="old", type=JOB, name="old", action="delete"),
    ]
    text = mermaid(resources, changes)
    assert 'n0["data lake<br/><b>lake</b><br/><i>replace</i>"]:::replace' in text
    assert 'n1["workspace<br/><b>w#quot;s#lt;x#gt;</b>"]:::same' in text
    assert 'n2["job definition<br/><b>old</b><br/><i>delete</i>"]:::delete' in text
    assert "classDef replace fill:#ffebe9" in text
