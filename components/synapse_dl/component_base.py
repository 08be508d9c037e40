"""What the three components share: their type token, the alias that keeps earlier stacks'
URNs, and outputs declared once, as class annotations.

The component provider (synapse_dl/engine/component_provider.py) serves each component as
`synapse-dl:index:<Class>` and returns the outputs its class annotates; `register_outputs`
records the same ones for a Python program.
"""

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

import pulumi
from pydantic.alias_generators import to_camel

from synapse_dl.config.errors import ConfigError
from synapse_dl.version import PACKAGE

_Init = TypeVar("_Init", bound=Callable[..., None])


def type_token(component: type) -> str:
    """The token the component provider requires: `<package>:index:<Class>`."""
    return f"{PACKAGE}:index:{component.__name__}"


def options_with_alias(
    opts: pulumi.ResourceOptions | None, previous_type: str
) -> pulumi.ResourceOptions:
    """`opts` plus an alias to the type the component had before 0.1.0, so a stack made then
    keeps its resources (children inherit their parent's aliases)."""
    alias = pulumi.ResourceOptions(aliases=[pulumi.Alias(type_=previous_type)])
    return pulumi.ResourceOptions.merge(alias, opts)


def output_names(component: type) -> list[str]:
    """The component's outputs: its class-level annotations, in order."""
    return list(inspect.get_annotations(component))


def register_annotated_outputs(component: pulumi.ComponentResource) -> None:
    outputs: dict[str, Any] = {
        to_camel(name): getattr(component, name) for name in output_names(type(component))
    }
    component.register_outputs(outputs)


def names_its_input(init: _Init) -> _Init:
    """Wrap a component's __init__ so that an error which is not a ConfigError (a bug, then)
    carries a note naming the component and the name it was built under: the input it was
    judging. The offline plan's one-line report, and a traceback, show it."""

    @functools.wraps(init)
    def wrapped(self: Any, name: str, *args: Any, **kwargs: Any) -> None:
        try:
            init(self, name, *args, **kwargs)
        except ConfigError:
            raise
        except Exception as error:
            error.add_note(f"while building {type(self).__name__} {name!r} from its args")
            raise

    return wrapped  # type: ignore[return-value]
