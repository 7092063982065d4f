"""Lists, tuples and hashable keys.

Run `pyinterview check list_tuple` to test your work.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any, TypeVar

_T = TypeVar("_T")


def count_visits(path: list[list[int]]) -> dict[tuple[int, int], int]:
    """Count how often each point of `path` is visited (keys are (x, y) tuples)."""
    visits: dict[tuple[int, int], int] = {}
    for point in path:
        key = (point[0], point[1])
        visits[key] = visits.get(key, 0) + 1
    return visits


def freeze(value: Any) -> Hashable:
    """Return a hashable copy of `value`, converting containers recursively."""
    if isinstance(value, dict):
        return tuple((k, freeze(value[k])) for k in sorted(value))
    if isinstance(value, (list, tuple)):
        return tuple(freeze(v) for v in value)
    if isinstance(value, set):
        return frozenset(freeze(v) for v in value)
    return value


def extend_unique(target: list[_T], items: Iterable[_T]) -> None:
    """Append each item of `items` that is not in `target` yet, in place."""
    for item in items:
        if item not in target:
            target.append(item)
