"""What the schemas cannot see: pinned actions, least privilege, approvals, no overlap, one script.

Read from the pipeline files themselves, so a change that drops a guard fails here.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
WORKFLOW_DIR = REPO / ".github" / "workflows"
PR_CHECK = "bash gitops/pr_check.sh"

# a release tag (v6, v2.9, v3.0.4) or a full commit SHA; never a branch such as @main
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$")


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def triggers(workflow: dict) -> dict:
    # YAML 1.1 reads the key `on` as the boolean True
    return workflow.get("on", workflow.get(True))


def steps(job: dict) -> list[dict]:
    return job.get("steps", [])


def uses(job: dict, action: str) -> list[dict]:
    return [s for s in steps(job) if s.get("uses", "").split("@")[0] == action]


def runs(job: dict) -> str:
    return "\n".join(s.get("run", "") for s in steps(job))


@pytest.fixture(scope="module")
def pull_request() -> dict:
    return load(WORKFLOW_DIR / "pull-request.yml")


@pytest.fixture(scope="module")
def deploy() -> dict:
    return load(WORKFLOW_DIR / "deploy.yml")


@pytest.fixture(scope="module")
def azure() -> dict:
    return load(REPO / "azure-pipelines.yml")


@pytest.fixture(scope="module", params=sorted(WORKFLOW_DIR.glob("*.yml")), ids=lambda p: p.name)
def workflow(request) -> dict:
    return load(request.param)


# --- every GitHub workflow ----------------------------------------------------------------


def test_every_action_is_pinned_to_a_version(workflow):
    refs = [s["uses"] for job in workflow["jobs"].values() for s in steps(job) if "uses" in s]

    assert refs
    assert [r for r in refs if not PINNED.match(r)] == []


def test_the_default_token_can_only_read_the_code(workflow):
    assert workflow["permissions"] == {"contents": "read"}


def test_only_jobs_that_log_in_to_azure_may_request_an_oidc_token(workflow):
    for name, job in workflow["jobs"].items():
        permissions = job.get("permissions", {})
        assert permissions != "write-all", name
        if permissions.get("id-token") == "write":
            assert uses(job, "azure/login"), f"{name} asks for an OIDC token it does not use"


def test_no_workflow_reads_a_stored_secret(workflow, request):
    # OIDC for Azure and Pulumi Cloud: nothing long-lived to store
    text = (WORKFLOW_DIR / request.node.callspec.id).read_text()

    assert "secrets." not in text


def test_azure_logins_use_oidc_ids_not_a_credentials_blob(workflow):
    for job in workflow["jobs"].values():
        for login in uses(job, "azure/login"):
            assert set(login["with"]) == {"client-id", "tenant-id", "subscription-id"}


# --- pull request -------------------------------------------------------------------------


def test_pull_requests_run_make_test(pull_request):
    assert "make test" in runs(pull_request["jobs"]["test"]).splitlines()


def test_the_pull_request_check_runs_the_shared_script_and_uploads_the_plans(pull_request):
    job = pull_request["jobs"]["plan-check"]

    assert f'{PR_CHECK} --out out/plan-check --base "$BASE_SHA" --note "$CLOUD_NOTE"' in runs(job)
    [step] = [s for s in steps(job) if PR_CHECK in s.get("run", "")]
    assert step["env"]["BASE_SHA"] == "${{ github.event.pull_request.base.sha }}"
    # The base commit must be there to be planned: the whole history is checked out.
    [checkout] = uses(job, "actions/checkout")
    assert checkout["with"]["fetch-depth"] == 0
    [upload] = uses(job, "actions/upload-artifact")
    assert upload["with"]["path"] == "out/plan-check/"
    assert upload["if"] == "${{ !cancelled() }}"


def test_the_summary_comment_is_one_sticky_comment_skipped_on_forks(pull_request):
    job = pull_request["jobs"]["plan-check"]
    [comment] = uses(job, "marocchino/sticky-pull-request-comment")

    assert comment["with"] == {
        "header": "synapse-dl-plan-check",
        "path": "out/plan-check/summary.md",
    }
    assert "github.event.pull_request.head.repo.full_name == github.repository" in comment["if"]
    assert job["permissions"] == {"contents": "read", "pull-requests": "write"}


def test_the_cloud_preview_runs_only_when_credentials_are_available(pull_request):
    context = pull_request["jobs"]["context"]
    cloud_step = next(s for s in steps(context) if s.get("id") == "cloud")
    preview = pull_request["jobs"]["preview"]

    assert cloud_step["run"] == "python3 -m gitops.cloud_preview"
    assert cloud_step["env"]["IS_FORK"] == (
        "${{ github.event.pull_request.head.repo.full_name != github.repository }}"
    )
    assert preview["if"] == "${{ needs.context.outputs.cloud == 'true' }}"


def test_the_cloud_preview_uses_the_policy_pack_and_comments(pull_request):
    [action] = uses(pull_request["jobs"]["preview"], "pulumi/actions")

    assert action["with"]["command"] == "preview"
    assert action["with"]["policyPacks"] == "policies"
    assert action["with"]["comment-on-pr"] is True


def test_the_offline_check_is_told_why_the_cloud_preview_did_not_run(pull_request):
    step = next(
        s for s in steps(pull_request["jobs"]["plan-check"]) if PR_CHECK in s.get("run", "")
    )

    assert step["env"]["CLOUD_NOTE"] == "${{ needs.context.outputs.cloud-reason }}"


# --- deploy -------------------------------------------------------------------------------


def test_deploys_run_on_push_to_main(deploy):
    assert triggers(deploy)["push"] == {"branches": ["main"]}


def test_a_manual_run_deploys_only_from_main(deploy):
    assert "workflow_dispatch" in triggers(deploy)
    assert deploy["jobs"]["deploy"]["if"] == "${{ github.ref == 'refs/heads/main' }}"


def test_each_stack_deploys_in_its_own_environment_without_overlap(deploy):
    job = deploy["jobs"]["deploy"]

    assert job["strategy"]["matrix"]["stack"] == "${{ fromJSON(needs.verify.outputs.stacks) }}"
    assert job["environment"] == "${{ matrix.stack }}"
    assert job["concurrency"] == {
        "group": "deploy-${{ matrix.stack }}",
        "cancel-in-progress": False,
    }
    assert job["permissions"] == {"contents": "read", "id-token": "write"}


def test_the_deploy_is_pulumi_up_with_the_policy_pack(deploy):
    [action] = uses(deploy["jobs"]["deploy"], "pulumi/actions")

    assert action["with"]["command"] == "up"
    assert action["with"]["policyPacks"] == "policies"


def test_nothing_deploys_that_fails_the_offline_check(deploy):
    assert deploy["jobs"]["deploy"]["needs"] == "verify"
    assert f"{PR_CHECK} --out out/plan-check" in runs(deploy["jobs"]["verify"])


def test_a_deploy_without_cloud_access_fails_with_the_reason(deploy):
    assert "python3 -m gitops.cloud_preview --require" in runs(deploy["jobs"]["deploy"])


# --- Azure DevOps -------------------------------------------------------------------------


def _jobs(stage: dict) -> list[dict]:
    """Jobs of a stage, with `${{ each }}` loops unwrapped (one template per loop)."""
    found = []
    for item in stage["jobs"]:
        if len(item) == 1 and next(iter(item)).startswith("${{ each"):
            found.extend(next(iter(item.values())))
        else:
            found.append(item)
    return found


def _stage(azure: dict, name: str) -> dict:
    return next(s for s in azure["stages"] if s["stage"] == name)


def _scripts(job: dict) -> str:
    all_steps = job.get("steps") or job["strategy"]["runOnce"]["deploy"]["steps"]
    return "\n".join(s.get("script", "") for s in all_steps)


def _azure_cli_tasks(job: dict) -> list[dict]:
    all_steps = job.get("steps") or job["strategy"]["runOnce"]["deploy"]["steps"]
    flat = []
    for step in all_steps:
        if len(step) == 1 and next(iter(step)).startswith("${{ each"):
            flat.extend(next(iter(step.values())))
        else:
            flat.append(step)
    return [s for s in flat if s.get("task") == "AzureCLI@2"]


def test_azure_pipeline_validates_pull_requests_and_deploys_main(azure):
    assert azure["trigger"] == {"branches": {"include": ["main"]}}
    assert azure["pr"] == {"branches": {"include": ["main"]}}


def test_azure_pull_requests_run_make_test_and_the_shared_script(azure):
    jobs = {j["job"]: j for j in _jobs(_stage(azure, "Validate"))}

    assert "make test" in _scripts(jobs["Test"]).splitlines()
    script = _scripts(jobs["PlanCheck"])
    assert f'{PR_CHECK} --out "$(planCheckDir)" "${{base[@]}}" --note "$note"' in script
    assert 'base=(--base "origin/${TARGET_BRANCH#refs/heads/}")' in script
    [check] = [s for s in jobs["PlanCheck"]["steps"] if PR_CHECK in s.get("script", "")]
    assert check["env"]["TARGET_BRANCH"] == "$(System.PullRequest.TargetBranch)"
    [checkout] = [s for s in jobs["PlanCheck"]["steps"] if "checkout" in s]
    assert checkout["fetchDepth"] == "0"


def test_azure_deploys_only_from_main_after_validation(azure):
    deploy = _stage(azure, "Deploy")

    assert deploy["dependsOn"] == "Validate"
    assert "eq(variables['Build.SourceBranch'], 'refs/heads/main')" in deploy["condition"]
    assert "ne(variables['Build.Reason'], 'PullRequest')" in deploy["condition"]
    assert deploy["lockBehavior"] == "sequential"


def test_azure_deploys_each_stack_in_an_environment_with_pulumi_up(azure):
    [job] = _jobs(_stage(azure, "Deploy"))

    assert job["environment"] == "synapse-dl-${{ stack }}"
    [task] = _azure_cli_tasks(job)
    assert task["inputs"]["azureSubscription"] == "${{ variables.serviceConnection }}"
    assert task["inputs"]["scriptPath"] == "gitops/ado_pulumi.sh"
    assert task["inputs"]["arguments"] == "up ${{ stack }}"


def test_azure_previews_only_pull_requests_from_the_repository_with_a_backend(azure):
    jobs = {j["job"]: j for j in _jobs(_stage(azure, "Validate"))}
    preview = jobs["Preview"]

    assert "eq(variables['Build.Reason'], 'PullRequest')" in preview["condition"]
    assert "ne(variables['System.PullRequest.IsFork'], 'True')" in preview["condition"]
    [task] = _azure_cli_tasks(preview)
    assert task["inputs"]["arguments"] == "preview ${{ stack }}"


def test_every_script_a_pipeline_calls_exists():
    texts = [p.read_text() for p in [*WORKFLOW_DIR.glob("*.yml"), REPO / "azure-pipelines.yml"]]
    called = set(re.findall(r"gitops/[\w.]+\.sh", "\n".join(texts)))

    assert called >= {"gitops/pr_check.sh", "gitops/ado_pulumi.sh", "gitops/install_pulumi_cli.sh"}
    assert [c for c in called if not (REPO / c).is_file()] == []


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["destroy", "dev"], {}, "usage: bash gitops/ado_pulumi.sh preview|up STACK"),
        (["up", "dev"], {"PULUMI_BACKEND_URL": ""}, "set the pipeline variable PULUMI_BACKEND_URL"),
    ],
)
def test_the_azure_pulumi_script_refuses_what_it_cannot_do(args, env, message):
    proc = subprocess.run(
        ["bash", str(REPO / "gitops" / "ado_pulumi.sh"), *args],
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )

    assert proc.returncode == 2
    assert message in proc.stderr
