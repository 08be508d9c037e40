"""Checking a package schema against Pulumi's package metaschema, as `pulumi package` does.

pulumi-package-metaschema.json is pkg/codegen/schema/pulumi.json from github.com/pulumi/pulumi
at commit 01c4ec37f501a3eb579e0a092da0e63fc43cf03c (sha256 0fac7ee6c935817e...), unchanged.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

METASCHEMA = Path(__file__).resolve().parent / "pulumi-package-metaschema.json"


def metaschema_validator() -> Draft202012Validator:
    # Its semver patterns name groups the ECMAScript way, `(?<major>...)`; Python's `re` writes
    # `(?P<major>...)`. Nothing else differs for these patterns.
    metaschema = json.loads(METASCHEMA.read_text().replace("(?<", "(?P<"))
    Draft202012Validator.check_schema(metaschema)
    return Draft202012Validator(metaschema)


def schema_problems(schema: dict[str, Any]) -> list[str]:
    """Each place the schema breaks the metaschema: `<json path>: <what is wrong>`."""
    errors = sorted(metaschema_validator().iter_errors(schema), key=lambda e: list(e.path))
    return [f"{e.json_path}: {e.message}" for e in errors]
