"""`synapse-dl packages [--stack cpu]`: lock the wheels of each pool whose workspace blocks PyPI.

For every pool with requirements in a workspace with data-exfiltration protection, pip
resolves them as the library preflight does (the runtime's Python, platform and packages), and
the wheels it would download are written, with their URL, sha256 and size, to
`workspace_packages/<stack>.lock.json`. The plan reads the lock; a deploy uploads each wheel
the workspace does not have yet as a workspace package.

Exit status: 0 locked (or nothing to lock); 1 a pool's libraries cannot install, or the stack
config is invalid; 2 the package index does not answer.
"""

from __future__ import annotations

import argparse
import sys

from synapse_dl.cli.arguments import add_project_dir_argument, add_stack_arguments
from synapse_dl.cli.libraries import EXIT_NO_INDEX, render
from synapse_dl.cli.preflight.check import preflight_pool
from synapse_dl.cli.preflight.index import (
    IndexUnreachableError,
    add_index_url_argument,
    check_index_url,
    check_reachable,
    display_url,
    download_size,
    file_digest,
)
from synapse_dl.cli.preflight.resolver import Install
from synapse_dl.config.errors import ConfigError
from synapse_dl.config.stack_file import read_stack_file
from synapse_dl.package_lock import (
    LockedPackage,
    PoolLock,
    lock_path,
    pools_needing_packages,
    write_lock,
)
from synapse_dl.project import stack_name

HELP = "lock the wheels of pools whose workspace blocks PyPI, for upload as workspace packages"

EXIT_LOCKED = 0
EXIT_NOT_LOCKED = 1


check_arguments = check_index_url


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_stack_arguments(parser, "locks")
    add_index_url_argument(parser, "the package index to take the wheels from")
    add_project_dir_argument(parser)


def _locked(install: Install, index_url: str) -> LockedPackage:
    if not install.url.endswith(".whl"):
        raise ValueError(f"{install.url} is not a wheel")
    filename = install.url.rsplit("/", 1)[-1]
    size = download_size(install.url, index_url)
    if install.sha256 is not None and size is not None:
        # The index's own hash (PyPI gives one in every link): no need to download it here.
        return LockedPackage(filename, install.url, install.sha256, size)
    sha256, size = file_digest(install.url, index_url)
    if install.sha256 is not None and install.sha256 != sha256:
        raise ValueError(f"{install.url} has sha256 {sha256}, the index says {install.sha256}")
    return LockedPackage(filename, install.url, sha256, size)


def run(args: argparse.Namespace) -> int:
    stack = stack_name(args.stack_file)

    def fail(message: str, status: int) -> int:
        print(f"error: {message}", file=sys.stderr)
        return status

    project = args.project_dir  # the parser settled it, and the stack's file
    try:
        config = read_stack_file(args.stack_file)
    except ConfigError as error:
        return fail(str(error), EXIT_NOT_LOCKED)
    needing = pools_needing_packages(config)
    path = lock_path(project, stack)
    if not needing:
        print(
            f"stack {stack}: no pool needs workspace packages "
            "(its workspace reaches PyPI, or no pool has libraries)"
        )
        return EXIT_LOCKED
    try:
        check_reachable(args.index_url)
    except IndexUnreachableError as error:
        return fail(f"no package index answers ({error}); nothing was locked", EXIT_NO_INDEX)

    print(f"workspace packages of stack {stack}, from {display_url(args.index_url)}")
    pools: dict[str, PoolLock] = {}
    for i in needing:
        pool = config.spark_pools[i]
        # A lock is made from a resolution of now, never a cached verdict.
        verdict = preflight_pool(pool, args.index_url, fresh=True)
        print(render(verdict))
        if not verdict.ok:
            return fail(
                f"pool {pool.name} cannot install its libraries; nothing was locked",
                EXIT_NOT_LOCKED,
            )
        try:
            packages = tuple(_locked(install, args.index_url) for install in verdict.installs)
        except (OSError, ValueError) as error:
            return fail(f"pool {pool.name}: {error}; nothing was locked", EXIT_NOT_LOCKED)
        pools[pool.name] = PoolLock(pool.spark_version, verdict.requirements, packages)
    write_lock(path, stack, pools)
    print(f"wrote {path}")
    return EXIT_LOCKED
