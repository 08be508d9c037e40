"""Every pipeline file validates against its published schema, offline.

check-jsonschema ships the schemas (`--builtin-schema`), so no download is needed; the
tests point the proxy variables at a closed port to prove nothing is fetched.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
AZURE_PIPELINE = REPO / "azure-pipelines.yml"

# Microsoft's Azure Pipelines schema has patterns that the default (unicode) regex
# engine of check-jsonschema 0.39.0 cannot compile; the non-unicode variant can.
AZURE_ARGS = [
    "--builtin-schema",
    "vendor.azure-pipelines",
    "--data-transform",
    "azure-pipelines",
    "--regex-variant",
    "nonunicode",
]


def check_jsonschema(*args: str | Path) -> subprocess.CompletedProcess:
    closed = "http://127.0.0.1:9"  # any network access fails fast
    env = {**os.environ, "HTTP_PROXY": closed, "HTTPS_PROXY": closed, "NO_PROXY": ""}
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", *map(str, args)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_repository_has_the_pull_request_and_deploy_workflows():
    assert [p.name for p in WORKFLOWS] == ["deploy.yml", "pull-request.yml"]


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_validates_against_the_github_workflow_schema(workflow):
    proc = check_jsonschema("--builtin-schema", "vendor.github-workflows", workflow)

    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_every_workflow_job_has_a_timeout(workflow):
    proc = check_jsonschema("--builtin-schema", "custom.github-workflows-require-timeout", workflow)

    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_azure_pipeline_validates_against_the_azure_pipelines_schema():
    proc = check_jsonschema(*AZURE_ARGS, AZURE_PIPELINE)

    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_workflow_schema_check_rejects_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    text = (REPO / ".github" / "workflows" / "deploy.yml").read_text()
    broken.write_text(text.replace("runs-on: ubuntu-latest", "runs_on: ubuntu-latest", 1))

    proc = check_jsonschema("--builtin-schema", "vendor.github-workflows", broken)

    assert proc.returncode == 1
    assert "runs-on" in proc.stdout


def test_the_azure_pipeline_schema_check_rejects_a_broken_pipeline(tmp_path):
    broken = tmp_path / "azure-pipelines.yml"
    broken.write_text(AZURE_PIPELINE.read_text().replace("runOnce:", "runOnceAndForAll:", 1))

    proc = check_jsonschema(*AZURE_ARGS, broken)

    assert proc.returncode == 1
    assert "runOnceAndForAll" in proc.stdout
