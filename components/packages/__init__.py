"""Workspace packages for pools whose workspace cannot reach PyPI: the lock file that names
each pool's wheels (`synapse-dl packages` writes it), and the names they get in the workspace."""
