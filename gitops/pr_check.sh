#!/usr/bin/env bash
# The pull-request check that every pipeline runs (GitHub Actions, Azure DevOps):
# offline plan + policy pack for each stack (against the pull request's base with --base),
# Markdown summary, non-zero exit on a mandatory violation, a blocking change or a config
# error. All logic is in `synapse-dl pr-check` (synapse_dl/cli/pr_check.py); this script finds
# the environment that has it.
#   bash gitops/pr_check.sh [STACK_FILE ...] [--base REF] [--out DIR] [--summary PATH] [--note TEXT]
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="${PR_CHECK_PYTHON:-$repo_root/.venv/bin/python}"
if [[ ! -x "$python" ]]; then
  echo "pr_check: $python not found; run 'make venv' first (or set PR_CHECK_PYTHON)" >&2
  exit 2
fi
# relative paths in the arguments stay relative to the caller's directory
exec "$python" -m synapse_dl pr-check --project-dir "$repo_root" "$@"
