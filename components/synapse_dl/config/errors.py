"""The error a stack file or a component's arguments get: one line per problem."""

from __future__ import annotations


class ConfigError(Exception):
    """Invalid stack config (or a component's arguments, named by `heading`): one line per
    problem, each naming key, value and what is allowed."""

    def __init__(self, problems: list[str], heading: str = "invalid stack config"):
        self.problems = problems
        super().__init__(f"{heading}:\n" + "\n".join(f"  {p}" for p in problems))
