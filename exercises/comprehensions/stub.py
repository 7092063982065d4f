"""Comprehensions: lists, dicts and sets built in one expression.

Write five functions in `comprehensions.py`. Each one's body is a single
`return` whose value is itself a list, dict or set comprehension or a
generator expression (`return [...]`, `return {...}`, `return (...)`;
comprehensions nested inside it are fine, an optional docstring may come
first). Not allowed, in these functions or anywhere else in the module
(helpers and test code included): `for` and `while` statements, and any use
of `map` or `filter`. The checks read this file's source to see it.

Run `pyinterview check comprehensions` to test your work.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Any


def even_squares(n: int) -> list[int]:
    """Return the squares of the even numbers from 0 up to, not including, `n`, in increasing order.

    `n` is an int; for `n <= 0` the list is empty.

    >>> even_squares(10)
    [0, 4, 16, 36, 64]
    >>> even_squares(1)
    [0]
    """
    raise NotImplementedError


def invert(mapping: Mapping[Hashable, Hashable]) -> dict[Hashable, Hashable]:
    """Return a new dict mapping each value of `mapping` to its key.

    When several keys share a value, the key that comes last in `mapping`'s
    iteration order wins. The order of the result's entries is not checked.

    >>> invert({'a': 1, 'b': 2})
    {1: 'a', 2: 'b'}
    >>> invert({'a': 1, 'b': 1, 'c': 2})
    {1: 'b', 2: 'c'}
    """
    raise NotImplementedError


def transpose(matrix: Sequence[Sequence[Any]]) -> list[list[Any]]:
    """Return the transpose of `matrix`: its columns as a list of lists.

    `matrix` is a list of rows of equal length. Row `i` of the result is
    column `i` of `matrix`, as a `list`. An empty matrix `[]`, and a matrix
    whose rows are all empty, give `[]`.

    >>> transpose([[1, 2, 3], [4, 5, 6]])
    [[1, 4], [2, 5], [3, 6]]
    >>> transpose([])
    []
    """
    raise NotImplementedError


def word_positions(text: str) -> dict[str, list[int]]:
    """Map each word of `text`, lower-cased, to the positions where it occurs.

    Words are what `text.split()` gives (split on any run of whitespace:
    spaces, tabs, newlines). A word's position is its index in that list of
    words (0 for the first word). Words that differ only in case are the same
    word. Each list holds the positions in increasing order. The order of
    the dict's entries is not checked; an empty or blank text gives `{}`.

    >>> word_positions("the cat  The\\tdog")
    {'the': [0, 2], 'cat': [1], 'dog': [3]}
    """
    raise NotImplementedError


def pairs_summing_to(nums: Sequence[int], target: int) -> set[tuple[int, int]]:
    """Return the set of pairs `(a, b)` with `a <= b` and `a + b == target`,
    where `a` and `b` are values at two different positions of `nums`.

    A value can pair with itself only if it occurs at two positions. Each pair
    appears once, however many ways it can be formed. The result is a `set`
    of 2-tuples (an empty `set()` when there are none).

    >>> sorted(pairs_summing_to([1, 5, 3, 3, 2], 6))
    [(1, 5), (3, 3)]
    >>> pairs_summing_to([3], 6)
    set()
    """
    raise NotImplementedError
