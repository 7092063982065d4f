"""__slots__: instances with fixed attribute storage and no per-instance
`__dict__`, so they take less memory and refuse unknown attributes.

Write a slotted `Point`, a slotted subclass `Point3D`, and `slotted`, which
builds such a class at run time. The grader also measures the memory of
10,000 Points against a plain class with the same two attributes.

Run `pyinterview check slots` to test your work.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class Point:
    """A 2-D point stored in `__slots__`.

    - `Point(x, y)`, by position or keyword (`Point(y=2, x=1)`); `x` and `y`
      are plain attributes that can be read and reassigned (`p.x = 5`), and
      may hold any value.
    - Declares `__slots__`: instances have no `__dict__`
      (`hasattr(p, "__dict__")` is False), and assigning any attribute other
      than `x` and `y` raises `AttributeError`.
    - `weakref.ref(p)` works (a slotted class needs to ask for that).
    - `repr(p)` is `Point(x=1, y=2)`, each coordinate shown with `repr()`
      (`Point(x='a', y=2.5)`).
    - Equality by value: `Point(1, 2) == Point(1, 2)`; a Point is only ever
      equal to an instance of exactly the same class (`Point(1, 2) == (1, 2)`
      is False, and so is `Point(1, 2) == Point3D(1, 2, 0)`). For anything
      else, return `NotImplemented` rather than raising. Hashing is not
      required (a Point is mutable).
    - Memory: 10,000 Points must take less memory than 10,000 instances of a
      plain class with the same `__init__` (measured with tracemalloc).

    >>> p = Point(1, 2)
    >>> p
    Point(x=1, y=2)
    >>> p.z = 3
    Traceback (most recent call last):
    AttributeError: ...
    """

    def __init__(self, x: Any, y: Any) -> None:
        raise NotImplementedError

    def __repr__(self) -> str:
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        raise NotImplementedError


class Point3D(Point):
    """A subclass of Point that adds `z`, and is slotted too.

    - `Point3D(x, y, z)`, by position or keyword; `x`, `y`, `z` readable and
      assignable.
    - Still no `__dict__`: assigning any attribute other than `x`, `y`, `z`
      raises `AttributeError`. (A subclass without its own `__slots__` gets a
      `__dict__` back.) `weakref.ref` works, as for Point.
    - `repr` is `Point3D(x=1, y=2, z=3)`; equal only to a Point3D with equal
      `x`, `y` and `z` (never to a Point).

    >>> Point3D(1, 2, 3)
    Point3D(x=1, y=2, z=3)
    """

    def __init__(self, x: Any, y: Any, z: Any) -> None:
        raise NotImplementedError


def slotted(name: str, fields: Sequence[str]) -> type:
    """Build and return a new class called `name` whose slots are `fields`.

    - `fields` is a list or tuple of distinct valid identifiers (none of them
      `self` or a dunder name); it may be empty.
    - The class's `__name__` is `name` and its `__slots__` holds the field
      names in order (`tuple(cls.__slots__) == tuple(fields)`); its instances
      have no `__dict__`, and assigning a name that is not a field raises
      `AttributeError`.
    - `__init__` takes one argument per field, by position in field order or
      by keyword, and stores each in its slot; a missing argument, too many
      positional arguments, an argument given twice or an unknown keyword
      raises `TypeError`, just as for a normal `def __init__(self, a, b)`.
    - Every call builds a new class (two calls never return the same object).
      No repr or equality is required.

    >>> Pair = slotted("Pair", ["left", "right"])
    >>> pair = Pair(1, right=2)
    >>> Pair.__name__, pair.left, pair.right, hasattr(pair, "__dict__")
    ('Pair', 1, 2, False)
    """
    raise NotImplementedError
