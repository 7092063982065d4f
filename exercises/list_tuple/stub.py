"""Lists, tuples and hashable keys.

Lists are mutable and cannot be dictionary keys or set members; tuples of
hashable values can. `append` adds one element, `extend` adds every element of
an iterable. The three functions below put those differences to work.

Run `pyinterview check list_tuple` to test your work.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any, TypeVar

_T = TypeVar("_T")


def count_visits(path: list[list[int]]) -> dict[tuple[int, int], int]:
    """Count how often each point of `path` is visited.

    Every point arrives as a 2-element list `[x, y]`. Return a plain `dict`
    whose keys are `(x, y)` tuples (lists cannot be dict keys) and whose values
    are the number of times that point occurs in `path`. Points that never
    occur are absent; an empty path gives `{}`.

    `path` must not be mutated: neither the outer list nor the point lists
    may change (no sorting, popping or converting them in place).

    >>> count_visits([[0, 0], [1, 2], [0, 0]])
    {(0, 0): 2, (1, 2): 1}
    >>> count_visits([])
    {}
    """
    raise NotImplementedError


def freeze(value: Any) -> Hashable:
    """Return a hashable copy of `value`, converting containers recursively.

    - a `list` becomes a `tuple` of its frozen items, in the same order;
    - a `dict` (keys are strings) becomes a `tuple` of `(key, frozen value)`
      pairs sorted by key, so two dicts with equal content freeze equal
      whatever their insertion order;
    - a `set` becomes a `frozenset` of its frozen elements;
    - a `tuple` becomes a `tuple` of its frozen items (so a tuple that holds a
      list becomes hashable too);
    - anything else (ints, strings, None, frozensets, ...) is returned as is.

    Conversion goes all the way down: containers nested at any depth are
    frozen. The input must not be mutated.

    >>> freeze([1, [2, 3], {"b": [4], "a": {5}}])
    (1, (2, 3), (('a', frozenset({5})), ('b', (4,))))
    >>> freeze("text")
    'text'
    """
    raise NotImplementedError


def extend_unique(target: list[_T], items: Iterable[_T]) -> None:
    """Append to `target`, in place and in order, each item it does not yet contain.

    Go through `items` once, in order, and append each element that is not
    already in `target` (compared with `==`). An element repeated within
    `items` is added only once: its first occurrence. `target` is modified in
    place (the same list object); nothing else is changed.

    `items` may be any iterable, including a one-shot generator (iterate it only
    once) or a string (whose elements are its characters).

    Like `list.extend`, the function returns `None`, not the list.

    >>> names = ["a"]
    >>> extend_unique(names, "bcab")
    >>> names
    ['a', 'b', 'c']
    >>> nums = [1, 2]
    >>> extend_unique(nums, (n % 4 for n in range(6)))
    >>> nums
    [1, 2, 0, 3]
    """
    raise NotImplementedError
