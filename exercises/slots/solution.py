"""__slots__: fixed attribute storage instead of a per-instance __dict__.

Reference solution.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import Any


class Point:
    # "__weakref__" keeps weakref.ref(point) working: a slotted class has no
    # weak-reference slot unless it asks for one.
    __slots__ = ("x", "y", "__weakref__")

    def __init__(self, x: Any, y: Any) -> None:
        self.x = x
        self.y = y

    def __repr__(self) -> str:
        return f"Point(x={self.x!r}, y={self.y!r})"

    def __eq__(self, other: object) -> bool:
        # The very same class only: a Point3D is never equal to a Point.
        # NotImplemented (not False) lets Python try the other operand.
        if type(other) is not type(self):
            return NotImplemented
        return (self.x, self.y) == (other.x, other.y)

    # Defining __eq__ already sets __hash__ to None: Points are mutable.


class Point3D(Point):
    # Only the new slot: x, y and __weakref__ come from Point. Without a
    # __slots__ here, Point3D instances would get a __dict__ again.
    __slots__ = ("z",)

    def __init__(self, x: Any, y: Any, z: Any) -> None:
        super().__init__(x, y)
        self.z = z

    def __repr__(self) -> str:
        return f"Point3D(x={self.x!r}, y={self.y!r}, z={self.z!r})"

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return (self.x, self.y, self.z) == (other.x, other.y, other.z)


def slotted(name: str, fields: Sequence[str]) -> type:
    fields = tuple(fields)
    # A real signature, so that binding follows Python's own rules: by
    # position or keyword, TypeError for a missing, extra or unknown argument.
    signature = inspect.Signature(
        [inspect.Parameter(f, inspect.Parameter.POSITIONAL_OR_KEYWORD) for f in fields]
    )

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        bound = signature.bind(*args, **kwargs)
        for field, value in bound.arguments.items():
            setattr(self, field, value)

    __init__.__signature__ = signature  # type: ignore[attr-defined]
    # type(name, bases, namespace) builds a new class on every call.
    return type(name, (), {"__slots__": fields, "__init__": __init__})
