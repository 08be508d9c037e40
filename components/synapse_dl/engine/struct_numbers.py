"""Numbers from the engine's protocol: a protobuf Struct carries every number as a float, so an
integer arrives as 3.0. Where every number the receiver expects is whole, undo that."""

from __future__ import annotations

from typing import Any


def whole_numbers_as_ints(value: Any) -> Any:
    """`value` with every whole float, at any depth of dicts and lists, made an int."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: whole_numbers_as_ints(v) for k, v in value.items()}
    if isinstance(value, list):
        return [whole_numbers_as_ints(v) for v in value]
    return value
