#!/usr/bin/env bash
# Install the Pulumi CLI at the version of the pinned SDK (requirements.txt `pulumi==X`), for
# Azure DevOps agents (GitHub jobs get it from pulumi/actions with the same version).
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version="$(sed -n 's/^pulumi==//p' "$repo_root/requirements.txt")"
if [[ -z "$version" ]]; then
  echo "install_pulumi_cli: no 'pulumi==X' pin in requirements.txt" >&2
  exit 2
fi
curl -fsSL https://get.pulumi.com | sh -s -- --version "$version"
# put it on PATH for the following steps of the job
echo "##vso[task.prependpath]$HOME/.pulumi/bin"
