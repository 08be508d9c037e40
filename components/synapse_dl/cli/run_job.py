"""`synapse-dl run-job --stack dev --job pytorch_digits`: run a deployed job definition.

Prints each state change of the Spark batch and the final state. Exit status: 0 when the
batch succeeded; 1 when it failed, or the identity may not run it, or the stack is invalid;
2 for a usage error (a job the stack does not deploy included).
"""

from __future__ import annotations

import argparse
import sys

from azure.core.exceptions import (
    ClientAuthenticationError,
    HttpResponseError,
    ServiceRequestError,
)

from synapse_dl.cli.argument_types import https_url, non_negative_number, positive_number
from synapse_dl.cli.arguments import add_project_dir_argument, add_stack_arguments
from synapse_dl.cli.output_files import EXIT_USAGE
from synapse_dl.cli.spark_batch import (
    DEFAULT_POLL_SECONDS,
    DEFAULT_TIMEOUT_SECONDS,
    RunTimeout,
    UnknownBatchState,
    run_job_definition,
)
from synapse_dl.clients.credentials import CredentialFactory, default_credential
from synapse_dl.clients.synapse import SynapsePermissionError, workspace_endpoint
from synapse_dl.config.errors import ConfigError
from synapse_dl.config.stack_file import read_stack_file
from synapse_dl.project import (
    TRAINING_JOBS_FOLDER,
)
from synapse_dl.stack_jobs import load_stack_jobs

HELP = "run a deployed training job on its pool and follow it to the end"


def _explain(error: Exception, endpoint: str) -> str:
    """One line for what went wrong between this machine and the workspace."""
    if isinstance(error, ClientAuthenticationError):
        # No login at all: DefaultAzureCredential lists every source it tried.
        cause = str(error).strip().splitlines()[0]
        return (
            "no Azure credential could sign in to the workspace. Log in with `az login` (a "
            "person), or give a pipeline's identity AZURE_TENANT_ID, AZURE_CLIENT_ID and "
            f"AZURE_FEDERATED_TOKEN_FILE (or AZURE_CLIENT_SECRET). ({cause})"
        )
    if isinstance(error, ServiceRequestError):
        return (
            f"cannot reach {endpoint} ({error}): check the workspace name, and that this machine "
            "may reach the workspace (public network access, or a private endpoint)"
        )
    if isinstance(error, HttpResponseError):
        return f"Synapse answered HTTP {error.status_code}: {error.message}"
    return str(error)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_stack_arguments(parser, "runs a job deployed with")
    parser.add_argument("--job", required=True, help="a job the stack deploys (its jobs key)")
    parser.add_argument(
        "--endpoint",
        type=https_url,
        help="the workspace's dev endpoint (default: from the stack)",
    )
    parser.add_argument("--poll-seconds", type=non_negative_number, default=DEFAULT_POLL_SECONDS)
    parser.add_argument(
        "--timeout-minutes",
        type=positive_number,
        default=DEFAULT_TIMEOUT_SECONDS / 60,
        help="stop following the batch after this long (it runs on)",
    )
    add_project_dir_argument(parser)


def run(
    args: argparse.Namespace, credential_factory: CredentialFactory = default_credential
) -> int:
    # The parser settled the project and the stack's file (cli/arguments.py).
    project, stack_file = args.project_dir, args.stack_file
    try:
        stack = read_stack_file(stack_file)
        # The stack decides where a job runs (its jobs[] entry may move it to another pool).
        jobs = {
            job.definition.name: job.definition
            for job in load_stack_jobs(stack, project / TRAINING_JOBS_FOLDER)
        }
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    job = jobs.get(args.job)
    if job is None:
        deployed = ", ".join(sorted(jobs)) or "none"
        print(
            f"error: --job {args.job!r}: {stack_file.name} deploys no such job; it deploys: "
            f"{deployed}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    endpoint = args.endpoint or workspace_endpoint(stack.workspace.name)
    try:
        result = run_job_definition(
            endpoint,
            job.name,
            job.pool,
            poll_seconds=args.poll_seconds,
            timeout_seconds=args.timeout_minutes * 60,
            credential_factory=credential_factory,
        )
    except (RunTimeout, UnknownBatchState) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except (SynapsePermissionError, HttpResponseError, ServiceRequestError) as error:
        print(f"error: {_explain(error, endpoint)}", file=sys.stderr)
        return 1
    for message in result.errors:
        print(f"error: {message}", file=sys.stderr)
    print(f"final state: {result.state}")
    return 0 if result.succeeded else 1
