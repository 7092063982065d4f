"""__slots__: Point, Point3D and slotted.

Run `pyinterview check slots` to test your work.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class Point:
    __slots__ = ("x", "y")

    def __init__(self, x: Any, y: Any) -> None:
        self.x = x
        self.y = y

    def __repr__(self) -> str:
        return f"Point(x={self.x!r}, y={self.y!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Point):
            return NotImplemented
        return self.x == other.x and self.y == other.y


class Point3D(Point):
    def __init__(self, x: Any, y: Any, z: Any) -> None:
        super().__init__(x, y)
        self.z = z

    def __repr__(self) -> str:
        return f"Point3D(x={self.x!r}, y={self.y!r}, z={self.z!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Point3D):
            return NotImplemented
        return (self.x, self.y, self.z) == (other.x, other.y, other.z)


def slotted(name: str, fields: Sequence[str]) -> type:
    def __init__(self, *args):
        if len(args) != len(fields):
            raise TypeError(f"expected {len(fields)} arguments")
        for field, value in zip(fields, args):
            setattr(self, field, value)

    return type(name, (), {"__slots__": tuple(fields), "__init__": __init__})
