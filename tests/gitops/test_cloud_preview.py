"""When the pull-request workflow may run a real `pulumi preview`, and what it says when not."""

from __future__ import annotations

import pytest

from gitops import cloud_preview
from gitops.cloud_preview import decide

CONFIGURED = {
    "IS_FORK": "false",
    "AZURE_CLIENT_ID": "00000000-0000-0000-0000-000000000001",
    "AZURE_TENANT_ID": "00000000-0000-0000-0000-000000000002",
    "AZURE_SUBSCRIPTION_ID": "00000000-0000-0000-0000-000000000003",
    "PULUMI_ORG": "contoso",
}


def test_a_configured_repository_runs_the_cloud_preview_with_pulumi_cloud():
    access = decide(CONFIGURED)

    assert access.available
    assert (
        access.reason
        == "Cloud preview runs with Azure OIDC login and state in Pulumi Cloud org contoso."
    )


def test_a_self_managed_backend_counts_as_a_backend():
    env = {
        **CONFIGURED,
        "PULUMI_ORG": "",
        "PULUMI_BACKEND_URL": "azblob://state?storage_account=st",
    }

    access = decide(env)

    assert access.available
    assert "azblob://state?storage_account=st" in access.reason


def test_a_fork_gets_only_the_offline_check_even_when_variables_are_set():
    access = decide({**CONFIGURED, "IS_FORK": "true"})

    assert not access.available
    assert "comes from a fork" in access.reason
    assert "Only the offline check ran." in access.reason


def test_missing_azure_variables_are_named():
    env = {**CONFIGURED, "AZURE_TENANT_ID": "", "AZURE_SUBSCRIPTION_ID": " "}

    access = decide(env)

    assert not access.available
    assert "missing: AZURE_TENANT_ID, AZURE_SUBSCRIPTION_ID" in access.reason


def test_no_state_backend_means_no_preview():
    env = {k: v for k, v in CONFIGURED.items() if k != "PULUMI_ORG"}

    access = decide(env)

    assert not access.available
    assert "no Pulumi state backend is configured" in access.reason


def test_the_cli_writes_github_outputs(tmp_path, monkeypatch):
    out = tmp_path / "github_output"
    for key, value in {**CONFIGURED, "IS_FORK": "true"}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("GITHUB_OUTPUT", str(out))

    assert cloud_preview.main([]) == 0

    lines = out.read_text().splitlines()
    assert lines[0] == "available=false"
    assert lines[1].startswith("reason=Cloud preview not run: this pull request comes from a fork")


@pytest.mark.parametrize("env", [{**CONFIGURED, "IS_FORK": "true"}, {"IS_FORK": "false"}])
def test_require_fails_a_deploy_that_cannot_reach_the_cloud(env, monkeypatch):
    for key in (*CONFIGURED, "PULUMI_BACKEND_URL", "GITHUB_OUTPUT"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)

    assert cloud_preview.main(["--require"]) == 1


def test_require_passes_when_configured(monkeypatch):
    monkeypatch.delenv("GITHUB_OUTPUT", raising=False)
    for key, value in CONFIGURED.items():
        monkeypatch.setenv(key, value)

    assert cloud_preview.main(["--require"]) == 0
