"""Decide whether a GitHub Actions run can reach the cloud: real `pulumi preview` / `pulumi up`.

The workflows pass their contexts in as environment variables (a step cannot read
`vars` or `github.event` itself):

    IS_FORK                true when the pull request comes from a fork
    AZURE_CLIENT_ID        app registration (client) id, federated with this repository
    AZURE_TENANT_ID        its tenant
    AZURE_SUBSCRIPTION_ID  the subscription the stacks deploy into
    PULUMI_ORG             Pulumi Cloud organization (state in Pulumi Cloud, token by OIDC), or
    PULUMI_BACKEND_URL     a self-managed backend, e.g. azblob://state?storage_account=acct

None of these is a secret: the login is OpenID Connect, so there is no stored key.

    python -m gitops.cloud_preview            # writes available=, reason= to $GITHUB_OUTPUT
    python -m gitops.cloud_preview --require  # exit 1 with the reason when not available (deploy)
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

AZURE_VARIABLES = ("AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_SUBSCRIPTION_ID")
BACKEND_VARIABLES = ("PULUMI_ORG", "PULUMI_BACKEND_URL")


@dataclass(frozen=True)
class CloudAccess:
    available: bool
    reason: str


def decide(env: Mapping[str, str]) -> CloudAccess:
    """Whether the cloud can be reached with what `env` holds, and why not if not."""
    if env.get("IS_FORK", "").strip().lower() == "true":
        return CloudAccess(
            False,
            "Cloud preview not run: this pull request comes from a fork, and GitHub gives a "
            "fork's workflow no OIDC token and no repository secrets. Only the offline check ran.",
        )
    missing = [name for name in AZURE_VARIABLES if not env.get(name, "").strip()]
    if missing:
        return CloudAccess(
            False,
            "Cloud preview not run: Azure OIDC login is not configured (repository variables "
            f"missing: {', '.join(missing)}). Only the offline check ran; see docs/gitops.md.",
        )
    if not any(env.get(name, "").strip() for name in BACKEND_VARIABLES):
        return CloudAccess(
            False,
            "Cloud preview not run: no Pulumi state backend is configured (set the repository "
            "variable PULUMI_ORG for Pulumi Cloud or PULUMI_BACKEND_URL for a self-managed "
            "backend). Only the offline check ran; see docs/gitops.md.",
        )
    backend = (
        env.get("PULUMI_BACKEND_URL", "").strip() or f"Pulumi Cloud org {env['PULUMI_ORG'].strip()}"
    )
    return CloudAccess(True, f"Cloud preview runs with Azure OIDC login and state in {backend}.")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m gitops.cloud_preview", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--require",
        action="store_true",
        help="fail (exit 1) when the cloud cannot be reached, for deploy jobs",
    )
    args = parser.parse_args(argv)

    access = decide(os.environ)
    github_output = os.environ.get("GITHUB_OUTPUT")
    if github_output:
        with open(github_output, "a", encoding="utf-8") as fh:
            fh.write(f"available={'true' if access.available else 'false'}\n")
            fh.write(f"reason={access.reason}\n")
    print(access.reason)
    if args.require and not access.available:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
