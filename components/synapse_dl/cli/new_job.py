"""`synapse-dl new-job NAME --framework pytorch|tensorflow`: a training job of your own.

Writes `training_jobs/NAME/` (job.yaml, train.py and a test) on the job API: the model is the
job's own part, the shared code does the rest. It trains locally at once (`make train JOB=NAME
SPARK=3.5`) on a small dataset its train.py generates, and plans on a stack once listed in its
`jobs`. Its pool is `--pool`, else the first Spark 3.5 CPU pool of the project's stacks; its
driver and executors are sized for that pool's nodes.

A name that is not a job name, a folder that exists, or a project without the shared job code
(training_jobs/common) is a usage error (2), and nothing is written; the folder appears whole
or not at all.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from pathlib import Path

from synapse_dl.cli.arguments import add_project_dir_argument
from synapse_dl.cli.job_template import SHARED_ENTRY, SHARED_FOLDER, files
from synapse_dl.config.errors import ConfigError
from synapse_dl.config.stack_file import read_stack_file
from synapse_dl.facts.runtimes import GPU_FAMILY, NODE_SPECS
from synapse_dl.project import root_stack_files

HELP = "write a training job of your own on the job API (job.yaml, train.py, a test)"
JOBS_FOLDER = "training_jobs"
# A job's name (synapse_dl/config/job_definition.py), also a Python-friendly folder name.
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,62}")
FRAMEWORKS = ("pytorch", "tensorflow")


def _job_name(text: str) -> str:
    if not _NAME.fullmatch(text):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a job name: a letter, then letters, digits and '_' (at most 63)"
        )
    return text


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", type=_job_name, metavar="NAME", help="the job's name and folder")
    parser.add_argument("--framework", required=True, choices=FRAMEWORKS)
    parser.add_argument(
        "--pool", help="the pool it runs on (default: the first Spark 3.5 CPU pool of the stacks)"
    )
    add_project_dir_argument(parser)


def _pools(project: Path) -> dict[str, tuple[str, str]]:
    """Each Spark 3.5 CPU pool of the project's stacks, in stack order: (family, size)."""
    found: dict[str, tuple[str, str]] = {}
    for stack in root_stack_files(project):
        try:
            config = read_stack_file(stack.path)
        except ConfigError:
            continue
        for pool in config.spark_pools:
            if pool.node_size_family != GPU_FAMILY and pool.spark_version == "3.5":
                found.setdefault(pool.name, (pool.node_size_family, pool.node_size))
    return found


def check_arguments(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    folder = args.project_dir / JOBS_FOLDER / args.name
    if folder.exists():
        parser.error(f"argument NAME: {folder} exists; nothing was written")
    shared = args.project_dir / JOBS_FOLDER / SHARED_FOLDER
    if not (shared / SHARED_ENTRY).is_file():
        parser.error(
            f"{shared} has no {SHARED_ENTRY}: a job runs on the shared job code there (its "
            f"../{SHARED_FOLDER} pyFiles entry); copy training_jobs/{SHARED_FOLDER} from "
            "synapse-dl's repository into the project first; nothing was written"
        )
    pools = _pools(args.project_dir)
    if not pools:
        parser.error("no stack of the project has a Spark 3.5 CPU pool to size the job for")
    if args.pool is None:
        args.pool = next(iter(pools))
    elif args.pool not in pools:
        parser.error(
            f"argument --pool: {args.pool!r} is not a Spark 3.5 CPU pool of the project's "
            f"stacks ({', '.join(pools)})"
        )
    args.node = pools[args.pool]


def run(args: argparse.Namespace) -> int:
    family, size = args.node
    written = files(args.name, args.framework, args.pool, size, NODE_SPECS[(family, size)])
    jobs = args.project_dir / JOBS_FOLDER
    target = jobs / args.name
    # Written beside it, then renamed into place: the folder appears whole or not at all.
    with tempfile.TemporaryDirectory(dir=jobs, prefix=f".{args.name}.") as scratch:
        folder = Path(scratch) / args.name
        folder.mkdir()
        for name, text in written.items():
            (folder / name).write_text(text, encoding="utf-8")
        try:
            folder.rename(target)
        except OSError as error:  # made meanwhile
            print(f"error: {target}: {error.strerror}; nothing was written", file=sys.stderr)
            shutil.rmtree(folder, ignore_errors=True)
            return 1
    for name in written:
        print(f"wrote {target / name}")
    print(
        f"next: make train JOB={args.name} SPARK=3.5 (locally), then add `- {args.name}` to the "
        f"jobs of a stack with the pool {args.pool} and make plan STACK=<that stack>"
    )
    return 0
