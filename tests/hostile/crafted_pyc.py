# hostile: a module loaded from a .pyc the code writes itself (marshal), the route to hand-made bytecode
# Unmarshalling code objects is refused in the sandbox, so the sourceless
# module does not load; the standard library still imports (from source).
# expect: count_visits_counts = error ~ marshal
"""Reference solution for the `list_tuple` exercise: lists, tuples and hashable keys."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable
from typing import Any, TypeVar, cast

_T = TypeVar("_T")


def count_visits(path: list[list[int]]) -> dict[tuple[int, int], int]:
    """Count each point of `path`; keys are `(x, y)` tuples. `path` is not mutated."""
    # A list is unhashable, so each point is turned into a new tuple for the key.
    # Unpacking also checks that every point has exactly two coordinates.
    return dict(Counter((x, y) for x, y in path))


def freeze(value: Any) -> Hashable:
    """Return a hashable copy: lists/tuples -> tuples, dicts -> sorted pairs, sets -> frozensets."""
    match value:
        case list() | tuple():
            return tuple(freeze(item) for item in value)
        case dict():
            # Sorting by key makes the result independent of insertion order.
            return tuple((key, freeze(value[key])) for key in sorted(value))
        case set():
            return frozenset(freeze(item) for item in value)
        case _:
            return cast(Hashable, value)  # any other value is kept as it is


def extend_unique(target: list[_T], items: Iterable[_T]) -> None:
    """Append, in place and in order, each element of `items` not yet in `target`."""
    # `items` is iterated exactly once, so generators work. Checking against
    # `target` itself (which grows as we go) also drops repeats within `items`.
    # Membership in a list is O(len(target)); a set of seen elements would make
    # it O(1), but only for hashable elements.
    for item in items:
        if item not in target:
            target.append(item)


import importlib, json, marshal, os, sys


def _load_crafted():
    """Write a sourceless module beside this file and import it."""
    here = os.path.dirname(os.path.abspath(__file__))
    code = compile("def visits(points):\n    return {}\n", "crafted.py", "exec")
    with open(os.path.join(here, "crafted.pyc"), "wb") as out:
        out.write(importlib.util.MAGIC_NUMBER + b"\0" * 12 + marshal.dumps(code))
    sys.path.insert(0, here)
    return importlib.import_module("crafted")


_count_visits = count_visits


def count_visits(points):  # noqa: F811
    _load_crafted()
    return _count_visits(points)
