"""What the offline plan promises its callers (bin/plan, make plan, the pull-request check).

Exit status: EXIT_PLANNED when the stack plans with no mandatory violation; EXIT_INVALID_INPUT
for a stack file, config or policy config it refuses, or a program error; EXIT_MANDATORY_VIOLATION
when it plans and a mandatory policy fails. The JSON it writes with --json is the plan
({"stack", "resources", "outputs", "warnings", "policy"}) or {"stack", "error"};
gitops/plan_json.py parses it. A stack is named by its file: `Pulumi.<stack>.yaml`, or the
file's stem for any other name.
"""

from __future__ import annotations

import re
from pathlib import Path

EXIT_PLANNED = 0
EXIT_INVALID_INPUT = 1
EXIT_MANDATORY_VIOLATION = 3

STACK_FILE = re.compile(r"^Pulumi\.(?P<name>[^/]+)\.ya?ml$")


def stack_name(path: Path) -> str:
    """`Pulumi.dev.yaml` -> `dev`; any other file -> its stem."""
    match = STACK_FILE.match(path.name)
    return match.group("name") if match else path.stem
