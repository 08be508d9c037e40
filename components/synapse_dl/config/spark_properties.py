"""Spark properties as the project writes them: a pool's `spark-defaults.conf` and a job
definition's `conf`.

`spark-defaults.conf` is one `key value` per line, split at the first whitespace (Spark docs
"Configuration", "Dynamically Loading Spark Properties"), so a key with a space, or a value
with a line break, would write settings nobody asked for. Keys and values are checked, never
pasted: a key is a Spark property name; a value is one line of text without control
characters. Values may hold spaces (`-Dx=1 -Dy=2` for Java options).
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator

from synapse_dl.config.plain_text import CONTROL

_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._\-]*")


def _property_name(key: str) -> str:
    if not _KEY.fullmatch(key):
        raise ValueError(
            "a Spark property name is letters, digits, '.', '_' and '-', starting with a "
            "letter or digit (no spaces or line breaks)"
        )
    return key


def _property_value(value: str) -> str:
    if not value.strip():
        raise ValueError("a Spark property value cannot be empty")
    if CONTROL.search(value):
        raise ValueError("a Spark property value is one line: no line breaks, tabs or controls")
    if value != value.strip():
        raise ValueError("a Spark property value cannot start or end with spaces")
    return value


SparkPropertyName = Annotated[str, AfterValidator(_property_name)]
SparkPropertyValue = Annotated[str, AfterValidator(_property_value)]
SparkProperties = dict[SparkPropertyName, SparkPropertyValue]


# Spark's byte strings (JavaUtils.byteStringAs): ASCII digits and an optional unit, any case,
# no fraction or sign; a bare number is in the property's own unit (MiB for memoryOverhead).
_BYTE_STRING = re.compile(r"([0-9]+)([a-z]+)?")
_UNIT_BYTES = {"b": 1, "k": 2**10, "kb": 2**10, "m": 2**20, "mb": 2**20, "g": 2**30}
_UNIT_BYTES |= {"gb": 2**30, "t": 2**40, "tb": 2**40, "p": 2**50, "pb": 2**50}


def size_in_mib(text: str) -> int:
    """A size property (`spark.executor.memoryOverhead`) as Spark reads it, in MiB (rounded
    down, as Spark converts); ValueError, saying what Spark takes, where Spark would fail."""
    found = _BYTE_STRING.fullmatch(text.strip(" ").lower())
    unit = (found.group(2) or "m") if found else None
    if found is None or unit not in _UNIT_BYTES:
        raise ValueError(
            "not a size Spark reads: a whole number and a unit (k, m, g, t, p, with or "
            "without b; MiB without one), such as '2g' or '2048'"
        )
    return int(found.group(1)) * _UNIT_BYTES[unit] // 1024**2
