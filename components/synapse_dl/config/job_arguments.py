"""A job's `args` read the way the job reads them: with the job's own argument parser.

A bundled job ships `job_arguments.py` (training_jobs/common/) among its files; its entry
script reads its arguments with that module's parser. The plan loads the same module from the
job's files and parses the arguments the job definition will run with, so that every spelling
argparse takes (`--num-proc=3`, an unambiguous prefix such as `--num 3`, the last of a
repeated option) is judged as the job will read it: one parser, one answer. A job without the
module has arguments of its own, which the plan does not judge.

Loading runs the project's own job code, as planning runs its program; the module imports the
standard library only.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import io
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple, NoReturn

# The module a job ships to parse its arguments; its functions that build the parser and
# parse with it (argparse, then the job's checks on the values: counts at least 1).
MODULE_FILE = "job_arguments.py"
FUNCTIONS = ("build_parser", "parse")
# The options the plan sets itself (the job.yaml keys that set each): args must not.
PLAN_SET = {
    "data": "data.path",
    "output": "output.path",
    "launcher": "launcher",
    "features": "data.features",
    "label": "data.label",
    "id_column": "data.id",
}
# Stand-ins for the plan's values while the args are read: never a value a job's args give.
_MARK = "\x00synapse-dl-plan-sets-this"


class Reading(NamedTuple):
    """What the job will read from its args: the processes it starts (None: not judged)."""

    processes: int | None
    problems: list[str]


class _Refused(Exception):
    pass


@dataclass(frozen=True)
class _Parser:
    """The job's parser and its `parse` (argparse plus the job's own checks on the values)."""

    parser: argparse.ArgumentParser
    checked_parse: Callable[[argparse.ArgumentParser, list[str]], argparse.Namespace]

    def parse(self, argv: list[str]) -> argparse.Namespace:
        """The job's answer; its refusal (which would exit) as _Refused with its message."""

        def refuse(message: str) -> NoReturn:
            raise _Refused(message)

        self.parser.error = refuse  # type: ignore[method-assign]
        try:
            with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
                return self.checked_parse(self.parser, argv)
        except SystemExit as exit_:  # --help and the like: the job would stop there
            raise _Refused(f"the job would stop there (exit {exit_.code})") from None


def _load(path: Path, job: str) -> _Parser:
    name = "synapse_dl_job_arguments_" + hashlib.sha256(str(path).encode()).hexdigest()[:12]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise _Refused(f"{path} is not a Python module")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    found: dict[str, Any] = {name: getattr(module, name, None) for name in FUNCTIONS}
    if missing := [f"{name}()" for name, function in found.items() if not callable(function)]:
        raise _Refused(f"{path.name} has no {', '.join(missing)}")
    builder, checked_parse = found.values()
    return _Parser(builder(job), checked_parse)


def read_arguments(
    job: str, files: list[Path], args: list[str], launchers: tuple[str, ...]
) -> Reading:
    """The job's `args` as its own parser reads them after the options the plan sets; the
    problems name the args. `launchers`: the values the parser takes for --launcher."""
    candidates = [path / MODULE_FILE if path.is_dir() else path for path in files]
    module = next(
        (path for path in candidates if path.name == MODULE_FILE and path.is_file()), None
    )
    if module is None:
        return Reading(None, [])
    shown = f"args = {args!r}"
    try:
        parser = _load(module, job)
        # Read twice, the plan's launcher each of its values: an args that sets it differs
        # from one of them, whichever the pool's runtime turns out to take.
        readings = []
        for launcher in launchers:
            plan = ["--data", _MARK, "--output", _MARK, "--launcher", launcher]
            plan += ["--features", _MARK, "--label", _MARK, "--id-column", _MARK]
            readings.append((launcher, parser.parse([*plan, *args])))
    except _Refused as error:
        refused = f"{shown}: the job's own parser ({module.name}) refuses them: {error}"
        return Reading(None, [refused])
    except Exception as error:  # noqa: BLE001 (the job's code: named, not a traceback)
        return Reading(
            None, [f"{shown}: the job's parser ({module}) failed: {type(error).__name__}: {error}"]
        )
    problems = []
    for option, key in PLAN_SET.items():
        for launcher, namespace in readings:
            planned = launcher if option == "launcher" else _MARK
            if getattr(namespace, option, planned) != planned:
                problems.append(
                    f"{shown}: set --{option.replace('_', '-')} ({getattr(namespace, option)!r}), "
                    "which the plan "
                    f"sets from the job's {key}; drop it from args"
                )
                break
    processes = getattr(readings[0][1], "num_proc", None)
    return Reading(processes if isinstance(processes, int) else None, problems)
