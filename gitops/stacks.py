"""`python3 -m gitops.stacks`: the repository's stacks as a JSON list, the shape a GitHub
Actions matrix (`fromJSON`) and an Azure Pipelines template loop take.

The pipelines run this first, with the runner's own Python and nothing installed. It imports
the one stack-file rule, `synapse_dl.project`, from the package's source folder: that module
and the package's `__init__` import the standard library only.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
# The package's source root (pyproject.toml [tool.setuptools.packages.find]), for a Python
# that has not installed it.
SOURCE_ROOT = REPO_ROOT / "components"


def main() -> int:
    if str(SOURCE_ROOT) not in sys.path:
        sys.path.insert(0, str(SOURCE_ROOT))
    from synapse_dl.project import root_stack_files

    print(json.dumps([s.name for s in root_stack_files(REPO_ROOT)]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
