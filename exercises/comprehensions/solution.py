"""Reference solution for the `comprehensions` exercise: every function is a
single return of a comprehension or generator expression."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Any


def even_squares(n: int) -> list[int]:
    """Squares of the even numbers below `n`."""
    # range's step does the filtering; `if x % 2 == 0` would work as well.
    return [x * x for x in range(0, n, 2)]


def invert(mapping: Mapping[Hashable, Hashable]) -> dict[Hashable, Hashable]:
    """Value -> key; the last key of a repeated value wins."""
    # A later assignment to the same key overwrites the earlier one.
    return {value: key for key, value in mapping.items()}


def transpose(matrix: Sequence[Sequence[Any]]) -> list[list[Any]]:
    """The columns of `matrix` as lists."""
    # zip(*rows) yields the columns as tuples; each is turned into a list.
    return [list(column) for column in zip(*matrix)]


def word_positions(text: str) -> dict[str, list[int]]:
    """Each lower-cased word -> the indexes where it occurs."""
    # The inner comprehension rescans the words for each distinct one: fine
    # for an exercise, quadratic for a book (a defaultdict loop is linear).
    return {
        word: [i for i, other in enumerate(text.lower().split()) if other == word]
        for word in text.lower().split()
    }


def pairs_summing_to(nums: Sequence[int], target: int) -> set[tuple[int, int]]:
    """Pairs (a, b), a <= b, from two different positions, summing to target."""
    # j > i: two different positions, each unordered pair of positions once.
    return {
        (min(a, b), max(a, b))
        for i, a in enumerate(nums)
        for j, b in enumerate(nums)
        if j > i and a + b == target
    }
