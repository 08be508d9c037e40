"""`python3 -m gitops.stacks`: the repository's stacks as a JSON list, the shape a GitHub
Actions matrix (`fromJSON`) and an Azure Pipelines template loop take.

The pipelines run this first, with the runner's own Python and nothing installed, so it loads
the one stack-file rule (components/project.py, standard library only) by its path rather than
importing the synapse_dl package.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def _project_module():
    spec = importlib.util.spec_from_file_location(
        "synapse_dl_project", REPO_ROOT / "components" / "project.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while building
    spec.loader.exec_module(module)
    return module


def main() -> int:
    project = _project_module()
    print(json.dumps([s.name for s in project.root_stack_files(REPO_ROOT)]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
