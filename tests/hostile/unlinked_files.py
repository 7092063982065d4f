# hostile: memory in unlinked files: 110 anonymous temporary files of 15 MiB each (1650 MiB)
# A walk of the scratch directory does not see files no directory names,
# and on a tmpfs they are memory. The supervisor counts the files the
# sandbox holds open; with a mount namespace the scratch tmpfs is full first.
# host-memory-mb: 1400
# expect: count_visits_counts = memory | error
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


_HELD = []


def _hoard():
    """Files no directory names, held open: invisible to a directory walk."""
    import tempfile

    chunk = b"\xa5" * (1 << 20)
    for _ in range(110):
        held = tempfile.TemporaryFile()
        for _ in range(15):  # 15 MiB each, under RLIMIT_FSIZE (16 MiB)
            held.write(chunk)
        held.flush()
        _HELD.append(held)
    import time

    time.sleep(2)


_count_visits = count_visits


def count_visits(path):  # noqa: F811
    if not _HELD:
        _hoard()
    return _count_visits(path)
