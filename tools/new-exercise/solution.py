"""Reference solution for the `__ID__` exercise."""

from __future__ import annotations


def solve(x: int) -> int:
    """Return twice `x`."""
    return 2 * x
