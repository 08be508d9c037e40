"""The JSON files the commands write beside what they print (`--json`, pr-check's artifacts)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any


def write_json(path: Path | None, document: Mapping[str, Any]) -> None:
    """`document` as indented JSON with a final newline, its folder made; nothing without a path."""
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(document, indent=2) + "\n")
