"""The command line, `synapse-dl`: one module per command, named after it (plan, pr_check,
libraries, packages, run_job, schema; commands.py lists them), and what they share. It uses
the engine stand-ins (synapse_dl.engine) and the library; neither of those imports it.

Its dependencies come with the package's `cli` extra (`pip install "synapse-dl[cli]"`): a
Pulumi program that only uses the components does not install them.
"""

from __future__ import annotations

import importlib.util
import io
import sys

from synapse_dl.version import PACKAGE

# What the commands import beyond the library, by import name: the policy pack's runtime (the
# pack runs on this interpreter), JSON Schema (policy config, the package schema) and pip's
# resolver (the library preflight). pyproject.toml's `cli` extra installs them.
EXTRA_MODULES = ("pulumi_policy", "jsonschema", "pip")


def missing_extra() -> list[str]:
    """The command line's own dependencies that this environment lacks."""
    return [name for name in EXTRA_MODULES if importlib.util.find_spec(name) is None]


def main(argv: list[str] | None = None) -> int:
    # Plans and summaries hold non-ASCII (icons, arrows): a console whose encoding lacks them
    # (a C locale without coercion, a Windows code page) shows "?" rather than a traceback.
    # stderr needs nothing: Python already escapes what it cannot encode there.
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(errors="replace")
    if missing := missing_extra():
        print(
            f"error: the {PACKAGE} command needs its extra, which this environment lacks "
            f'({", ".join(missing)}): pip install "{PACKAGE}[cli]"',
            file=sys.stderr,
        )
        return 1
    try:
        from synapse_dl.cli.commands import run
    except ImportError as error:
        # A Pulumi SDK that lacks what the engine layer uses (its message names it and the pin).
        print(f"error: {error}", file=sys.stderr)
        return 1
    return run(argv)
