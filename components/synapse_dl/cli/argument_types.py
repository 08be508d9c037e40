"""What each command-line value must be, checked by the parser: a bad one is a usage error
(exit 2, one line naming the option, the value and what it takes) before anything runs.

Each function is an argparse `type=`: it returns the value or raises ArgumentTypeError.
Defaults taken from the environment (PIP_INDEX_URL, POLICY_PACK_CONFIG) are checked by
`from_environment`, naming the variable.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn, TypeVar
from urllib.parse import urlsplit

from synapse_dl.config.plain_text import control_problem
from synapse_dl.project import PROJECT_FILE

POLICY_PACK_FILE = "PulumiPolicy.yaml"
# Pulumi's stack names: letters, digits, hyphens, underscores and periods (docs "Stacks").
_STACK_NAME = re.compile(r"[A-Za-z0-9_.-]{1,100}")
_NUMBER = re.compile(r"[0-9]+(\.[0-9]+)?")

T = TypeVar("T")


class Parser(argparse.ArgumentParser):
    """argparse, with a usage error in one line (its usage is in --help)."""

    def error(self, message: str) -> NoReturn:
        print(f"{self.prog}: error: {message} (see {self.prog} --help)", file=sys.stderr)
        raise SystemExit(2)


def _plain(text: str) -> str:
    if problem := control_problem(text):
        raise argparse.ArgumentTypeError(f"{text!r} {problem}")
    return text


def positive_number(text: str) -> float:
    """A number above 0 in ASCII digits (seconds, minutes): `30`, `0.5`."""
    if not _NUMBER.fullmatch(text) or float(text) <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number above 0, such as 30 or 0.5")
    return float(text)


def non_negative_number(text: str) -> float:
    """A number of 0 or more in ASCII digits (a poll interval: 0 polls at once)."""
    if not _NUMBER.fullmatch(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of 0 or more, such as 5")
    return float(text)


def _url(text: str, schemes: tuple[str, ...], example: str) -> str:
    _plain(text)
    parts = urlsplit(text)
    try:
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        port_ok = False
    if parts.scheme not in schemes or not parts.hostname or not port_ok or " " in text:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an {' or '.join(schemes)} URL with a host, such as {example}"
        )
    return text


def index_url(text: str) -> str:
    """A package index's URL, as pip takes one (http or https, credentials allowed)."""
    return _url(text, ("https", "http"), "https://pypi.org/simple")


def https_url(text: str) -> str:
    """An https URL with a host (a workspace's endpoint)."""
    return _url(text, ("https",), "https://<workspace>.dev.azuresynapse.net")


def stack_name(text: str) -> str:
    if not _STACK_NAME.fullmatch(text):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a stack name: 1-100 letters, digits, '-', '_' and '.'"
        )
    return text


def _is_file(text: str, path: Path) -> bool:
    try:
        return path.is_file()
    except OSError as error:  # a name too long, a loop of links
        raise argparse.ArgumentTypeError(
            f"{text!r} cannot be used ({error.strerror or error})"
        ) from None


def existing_file(text: str) -> Path:
    path = Path(_plain(text))
    if not _is_file(text, path):
        why = "is a folder" if path.is_dir() else "does not exist"
        raise argparse.ArgumentTypeError(f"{text!r} {why}; name a file")
    return path


def file_or_ref(text: str) -> str:
    """A file, or a git ref (`main`, `origin/main`, a commit): what names it is settled once
    the project is (cli/baseline.py)."""
    if not _plain(text) or text.startswith("-"):
        raise argparse.ArgumentTypeError(f"{text!r} names no file and no git ref")
    _is_file(text, Path(text))
    return text


def project_folder(text: str) -> Path:
    path = Path(_plain(text))
    if not _is_file(text, path / PROJECT_FILE):
        raise argparse.ArgumentTypeError(f"{text!r} holds no {PROJECT_FILE}; name a Pulumi project")
    return path


def policy_pack_folder(text: str) -> Path:
    path = Path(_plain(text))
    if not _is_file(text, path / POLICY_PACK_FILE):
        raise argparse.ArgumentTypeError(
            f"{text!r} holds no {POLICY_PACK_FILE}; name a policy pack's folder"
        )
    return path


def from_environment(
    parser: argparse.ArgumentParser, variable: str, check: Callable[[str], T]
) -> T | None:
    """The variable's value checked as its option's would be; a usage error names it."""
    value = os.environ.get(variable)
    if not value:
        return None
    try:
        return check(value)
    except argparse.ArgumentTypeError as error:
        parser.error(f"${variable}: {error}")
