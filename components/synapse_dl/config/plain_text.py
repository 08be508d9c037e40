"""Every text a user gives is one line of printable characters, and a number is a number.

Names, keys and values reach files (`spark-defaults.conf`, a pool's requirements.txt, job
files), URLs (a workspace's, a job definition's) and request headers and bodies, where a line
break or another control character either splits what was one value into two or is refused
late, by Azure or Spark. So no validated text holds one: not C0 (U+0000 to U+001F, tab and
line feed included), DEL, C1 (U+0080 to U+009F), nor Unicode's line and paragraph separators
(U+2028, U+2029), which Python's str.splitlines() and many parsers read as line breaks.

A boolean is not a number either: pydantic reads `cores: true` as 1 core, YAML and JSON do
not. (A whole float such as 3.0 stays a number: the engine sends every number as one.)
"""

from __future__ import annotations

import re
import types
import unicodedata
from collections.abc import Mapping
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationInfo, field_validator

CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def control_problem(value: str) -> str | None:
    """Why `value` is not one line of printable text; None when it is."""
    found = CONTROL.search(value)
    if found is None:
        return None
    char = found.group()
    name = unicodedata.name(char, "") or {"\n": "LINE FEED", "\t": "TAB"}.get(char, "CONTROL")
    return (
        f"holds a control character (U+{ord(char):04X} {name.lower()}); names, keys and values "
        "here are one line of printable text"
    )


def _texts(value: Any) -> list[str]:
    """Every text in a value: itself, or the keys and items of its mappings and lists."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping):
        return [text for key, item in value.items() for text in _texts(key) + _texts(item)]
    if isinstance(value, list | tuple):
        return [text for item in value for text in _texts(item)]
    return []


def _kinds(annotation: Any) -> set[type]:
    """The plain types a field's annotation takes (through Annotated, unions and None)."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _kinds(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        return {kind for arg in get_args(annotation) for kind in _kinds(arg)}
    return {annotation} if isinstance(annotation, type) else set()


class PlainTextModel(BaseModel):
    """A model whose every text field (and text in its lists and mappings) is plain text,
    and whose number fields take numbers, not true/false."""

    @field_validator("*", mode="before")
    @classmethod
    def _number_not_boolean(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, bool) and info.field_name is not None:
            kinds = _kinds(cls.model_fields[info.field_name].annotation)
            if kinds & {int, float} and bool not in kinds:
                wanted = "a number" if float in kinds else "a whole number"
                raise ValueError(f"true/false is not a number; give {wanted}")
        return value

    @field_validator("*", mode="after")
    @classmethod
    def _plain_text(cls, value: Any, info: ValidationInfo) -> Any:
        for text in _texts(value):
            if problem := control_problem(text):
                shown = "" if text == value else f"{text!r} "
                raise ValueError(f"{shown}{problem}")
        return value
