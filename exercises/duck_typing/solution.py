"""Duck typing: reference solution."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any


class Vector:
    """A read-only sequence of ints (see the stub for the whole contract)."""

    __slots__ = ("_components",)

    def __init__(self, *components: int) -> None:
        # __setattr__ refuses every assignment, so go around it once, here.
        object.__setattr__(self, "_components", tuple(components))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"Vector is read-only: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"Vector is read-only: cannot delete {name!r}")

    def __len__(self) -> int:
        return len(self._components)

    def __getitem__(self, index):
        if isinstance(index, slice):
            # The tuple does the slice arithmetic (negative bounds, steps).
            return Vector(*self._components[index])
        # The tuple raises IndexError outside -len <= index < len.
        return self._components[index]

    def __iter__(self) -> Iterator[int]:
        return iter(self._components)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Vector):
            # Not ours to decide: Python then falls back to identity (False).
            return NotImplemented
        return self._components == other._components

    def __hash__(self) -> int:
        # Consistent with __eq__: equal Vectors have equal component tuples.
        return hash((Vector, self._components))

    def _pairs(self, other: Sequence[int]) -> zip:
        # len() raises TypeError for operands without a length (ints, generators).
        if len(other) != len(self):
            raise ValueError(f"lengths differ: {len(self)} and {len(other)}")
        return zip(self._components, other)

    def __add__(self, other: Sequence[int]) -> Vector:
        return Vector(*(a + b for a, b in self._pairs(other)))

    # Element-wise addition commutes, so `[1, 2] + v` is `v + [1, 2]`.
    __radd__ = __add__

    def dot(self, other: Sequence[int]) -> int:
        return sum(a * b for a, b in self._pairs(other))

    def __repr__(self) -> str:
        return f"Vector{self._components!r}" if len(self) != 1 else f"Vector({self[0]!r})"


def _works(operation) -> bool:
    """Whether the operation runs without TypeError: the EAFP way of asking."""
    try:
        operation()
    except TypeError:
        return False
    return True


def protocols(obj: Any) -> set[str]:
    """The protocols `obj` supports, found by trying each operation."""
    kind = type(obj)
    found = set()
    # iter(), len(), callable() and hash() all look on the type, as Python
    # does, so instance attributes and __getattr__ cannot fool them.
    if _works(lambda: iter(obj)):
        found.add("iterable")
    if _works(lambda: len(obj)):
        found.add("sized")
    # `x in obj` cannot be tried with an arbitrary x (`x in "abc"` needs a
    # str), so follow the interpreter's rule: __contains__, else iteration.
    contains = _on_type(kind, "__contains__")
    if contains is _MISSING:
        contains_works = "iterable" in found
    else:
        contains_works = contains is not None
    if contains_works:
        found.add("container")
    if callable(obj):
        found.add("callable")
    if _works(lambda: hash(obj)):
        found.add("hashable")
    # Entering a block would run code with effects: look the two methods up
    # on the type instead (which is what the with statement does).
    if all(_on_type(kind, name) not in (None, _MISSING) for name in ("__enter__", "__exit__")):
        found.add("context_manager")
    return found


_MISSING = object()


def _on_type(kind: type, name: str) -> Any:
    """`name` as the interpreter finds a special method: in the type's MRO
    only (not on the instance, not through the metaclass), or _MISSING."""
    for klass in kind.__mro__:
        if name in vars(klass):
            return vars(klass)[name]
    return _MISSING
