"""`python -m synapse_dl`: the `synapse-dl` command, for an environment without its script."""

import sys

from synapse_dl.cli import main

sys.exit(main())
