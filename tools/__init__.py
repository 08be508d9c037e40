"""Maintainers' tools: the runtimes' package lists (runtime_environments.py) and the
README's config table (config_table.py)."""
