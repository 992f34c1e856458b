"""Optional resources (a model, a dictionary, a parser): one way to say one is missing, one way to load one.

A resource that cannot be had raises Unavailable with a sentence saying why and what installs it; code that
can do without it asks `optional(loader)` and gets None instead. Each loader is expected to load once per
process (functools.cache), so asking again costs nothing.
"""

from __future__ import annotations

from typing import Any, Callable, Optional, TypeVar

T = TypeVar("T")


class Unavailable(RuntimeError):
    """A resource is not installed or cannot be loaded here; the message says why and how to get it."""


def optional(loader: Callable[[], T]) -> Optional[T]:
    """loader() or None when the resource is unavailable."""
    try:
        return loader()
    except Unavailable:
        return None


def status(loader: Callable[[], Any], name: Callable[[Any], str] = lambda r: r.name) -> tuple[bool, str]:
    """(True, the resource's name) when it loads, else (False, why not): for signatures and status lines."""
    try:
        return True, name(loader())
    except Unavailable as why:
        return False, str(why)
