"""What a plain (unquoted, untagged) YAML scalar is, as the Pulumi CLI reads a stack file.

The CLI decodes `Pulumi.<stack>.yaml` with Go's gopkg.in/yaml.v3 (resolve.go), which follows
YAML 1.2's core schema with a few habits of its own. Where that differs from PyYAML's YAML 1.1:
- only `true`, `false` (and their `True`/`TRUE` spellings) are booleans: `yes`, `no`, `on`,
  `off`, `y`, `n` are text;
- `1:30` is text (YAML 1.1 read it as 90, a base-60 number);
- `0o17` is 15, `0x1F` 31, `0b101` 5, and `017` is 15, as Go's base-0 integers read them;
  underscores are dropped first (`1_000` is 1000);
- `08` is no integer but the float 8.0; `1e3` is the float 1000.0 (YAML 1.1 read it as text);
- `.5` and `+.5` are floats, `.inf` and `.nan` too; a float out of range (`1e400`) is text;
- a scalar that starts as a date (`2026-01-02`) is text: yaml.v3 gives a timestamp decoded
  into a Go interface as its text, for compatibility.
"""

from __future__ import annotations

import math
import re

NULL = "tag:yaml.org,2002:null"
BOOL = "tag:yaml.org,2002:bool"
INT = "tag:yaml.org,2002:int"
FLOAT = "tag:yaml.org,2002:float"
STR = "tag:yaml.org,2002:str"
MERGE = "tag:yaml.org,2002:merge"

# The texts yaml.v3 looks up in a table before anything else (resolveMapList).
_TABLE: dict[str, tuple[str, object]] = {
    **{t: (BOOL, True) for t in ("true", "True", "TRUE")},
    **{t: (BOOL, False) for t in ("false", "False", "FALSE")},
    **{t: (NULL, None) for t in ("", "~", "null", "Null", "NULL")},
    **{t: (FLOAT, math.nan) for t in (".nan", ".NaN", ".NAN")},
    **{t: (FLOAT, math.inf) for t in (".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF")},
    **{t: (FLOAT, -math.inf) for t in ("-.inf", "-.Inf", "-.INF")},
    "<<": (MERGE, "<<"),
}
# The first character decides what a scalar may be (resolveTable): a sign or a digit may be a
# number, these letters only what the table holds, a dot a float; anything else is text.
_SIGN_OR_DIGIT = frozenset("+-0123456789")
_TABLE_ONLY = frozenset("yYnNtTfFoO~")
# yamlStyleFloat; Go's regexp `$` is the end of the text.
_YAML_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_DOT_FLOAT = re.compile(r"\.[0-9]+([eE][-+]?[0-9]+)?")
_DATE_START = re.compile(r"[0-9]{4}-")
# Go's strconv.ParseInt with base 0: a sign, then 0x/0o/0b or a leading 0 (octal) or decimal.
_GO_INT = re.compile(
    r"(?P<sign>[-+]?)(?:0[xX](?P<hex>[0-9a-fA-F]+)|0[oO](?P<oct>[0-7]+)|0[bB](?P<bin>[01]+)"
    r"|0(?P<old_oct>[0-7]+)|(?P<dec>0|[1-9][0-9]*))"
)
_INT64 = range(-(2**63), 2**63)
_UINT64 = range(0, 2**64)


def go_int(text: str) -> int | None:
    """`text` as yaml.v3 reads an integer: underscores dropped, then Go's base-0 ParseInt
    (int64), else ParseUint (uint64); None when neither reads it."""
    plain = text.replace("_", "")
    found = _GO_INT.fullmatch(plain)
    if found is None:
        return None
    digits, base = next(
        (found.group(name), base)
        for name, base in (("hex", 16), ("oct", 8), ("bin", 2), ("old_oct", 8), ("dec", 10))
        if found.group(name) is not None
    )
    value = int(digits, base) * (-1 if found.group("sign") == "-" else 1)
    if value in _INT64:
        return value
    # ParseUint takes no sign.
    return value if not found.group("sign") and value in _UINT64 else None


def go_float(text: str) -> float | None:
    """`text` as yaml.v3 reads a float after its integers failed; None when it does not."""
    plain = text.replace("_", "")
    if not _YAML_FLOAT.fullmatch(plain):
        return None
    value = float(plain)
    return value if math.isfinite(value) else None  # Go's ParseFloat fails out of range


def resolve_plain(text: str) -> tuple[str, object]:
    """(tag, value) of a plain scalar, as yaml.v3 resolves one decoded into an interface."""
    first = text[:1]
    # yaml.v3 merges a plain `<<` key itself (isMerge); elsewhere the table needs a first
    # character it knows.
    known = text in ("", "<<") or first in _SIGN_OR_DIGIT or first in _TABLE_ONLY or first == "."
    if known and text in _TABLE:
        return _TABLE[text]
    if first == "." and _DOT_FLOAT.fullmatch(text):
        return FLOAT, float(text)
    if first and first in _SIGN_OR_DIGIT:
        if _DATE_START.match(text):
            return STR, text  # a timestamp or not, an interface gets its text
        if (integer := go_int(text)) is not None:
            return INT, integer
        if (number := go_float(text)) is not None:
            return FLOAT, number
    return STR, text
