"""TODO: one line on what the candidate builds in `__ID__.py`."""

from __future__ import annotations


def solve(x: int) -> int:
    """Return twice `x`.

    TODO: every clause a check looks at, with an example.

    >>> solve(2)
    4
    """
    raise NotImplementedError
