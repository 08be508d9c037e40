"""Property: whatever a hand edit does to the dev stack file's text, the offline plan either
plans it or refuses it with clean, one-line problems; it never ends in a traceback.

Edits as people make them: a line deleted, duplicated, re-indented, its value retyped, or odd
characters typed into it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from synapse_dl.config.errors import ConfigError
from synapse_dl.engine.offline_runtime import RecordingMonitor, plan_stack
from tests.conftest import DEV_STACK

LINES = DEV_STACK.read_text().splitlines(keepends=True)
ODD = ["\t", ":", "- ", "{", "}", "[", "]", '"', "'", "#", "&a ", "*a", "!!str ", "%", "@", "`",
       "|", ">", "? ", ",", "\\", "\u00e9", "\u200b", "\x00", "\r", "  ", "-1", "1e3", "null",
       "true", "~", "0x1F", "3.10"]  # fmt: skip
VALUES = ["3", "3.10", "-1", "true", "null", "~", "[]", "{}", "[1, 2]", "{a: 1}", '""', "''",
          "x" * 300, "é", "!!binary aGk=", "2026-11-25", "0o17", ".inf", "&anchor v", "*nowhere",
          "'unterminated", "|\n    block"]  # fmt: skip


@st.composite
def edited_text(draw) -> str:
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(lines) - 1))
        edit = draw(st.sampled_from(["delete", "duplicate", "indent", "retype", "insert"]))
        line = lines[i]
        if edit == "delete":
            del lines[i]
        elif edit == "duplicate":
            lines.insert(i, line)
        elif edit == "indent":
            shift = draw(st.sampled_from(["  ", "    ", "\t", "-"]))
            outdent = draw(st.booleans()) and line.startswith("  ")
            lines[i] = line[2:] if outdent else shift + line
        elif edit == "retype" and ":" in line:
            key = line.split(":", 1)[0]
            lines[i] = f"{key}: {draw(st.sampled_from(VALUES))}\n"
        else:
            at = draw(st.integers(0, max(0, len(line) - 1)))
            lines[i] = line[:at] + draw(st.sampled_from(ODD)) + line[at:]
        if not lines:
            break
    return "".join(lines)


@settings(
    max_examples=int(__import__("os").environ.get("MUTATION_EXAMPLES", "80")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(text=edited_text())
def test_an_edited_stack_file_plans_or_is_refused_cleanly(text):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "Pulumi.edited.yaml"
        path.write_text(text, encoding="utf-8")
        monitor = RecordingMonitor()
        try:
            plan_stack(path, monitor=monitor)
        except ConfigError as error:
            # Refused: every problem one non-empty line, and nothing registered first.
            assert error.problems
            assert all(p and "\n" not in p for p in error.problems), error.problems
            assert monitor.planned == []
