"""Duck typing: behaviour, not type.

Python code rarely asks what an object *is*; it asks what it can *do*. Any
object whose class defines `__len__` and `__getitem__` works with `len()`,
indexing, `for`, `in`, `sum`, `sorted`, `reversed` and unpacking, without
inheriting from anything. And the interpreter looks special methods up on the
object's *type*, never on the instance: that decides what an object supports.

Run `pyinterview check duck_typing` to test your work.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, overload


class Vector:
    """A read-only sequence of ints: `Vector(1, 2, 3)`.

    Sequence behaviour (from `__len__` and `__getitem__`, no base class needed):

    - `len(v)` is the number of components; `Vector()` is empty.
    - `v[i]` is a component; negative indexes count from the end (`v[-1]` is
      the last); an index outside `-len(v) <= i < len(v)` raises `IndexError`.
    - `v[a:b:c]` (any slice, steps and negative bounds included) returns a new
      `Vector` (its type is `Vector`, not list or tuple) holding the components
      Python's slicing of a tuple would select, e.g. `Vector(1, 2, 3)[::-1]`
      holds 3, 2, 1 and `Vector(1, 2)[5:]` is an empty Vector.
    - iteration (`for x in v`, `list(v)`), `x in v`, `sum(v)`, `max(v)`,
      `min(v)`, `sorted(v)`, `reversed(v)` and unpacking (`a, b, c = v`; `first, *rest = v`)
      work, giving the components as the ints they were made from.

    Equality and hashing:

    - `v == w` is True when `w` is a `Vector` with the same components in the
      same order, False for another Vector; a Vector is never equal to an
      object that is not a Vector (`Vector(1, 2) == (1, 2)` is False, and
      `!=` is the opposite of `==`).
    - Vectors are hashable, consistently with `==`: equal Vectors have equal
      hashes, so they work as dict keys and set members
      (`len({Vector(1, 2), Vector(1, 2)}) == 1`).

    Read-only:

    - `v[i] = x` and `del v[i]` raise `TypeError` (as for a tuple);
    - setting or deleting ANY attribute (`v.x = 1`, `del v.x`, whatever the
      name, your own internal attributes included) raises `AttributeError`;
    - no operation changes a Vector once it is made.

    Arithmetic:

    - `v + other` adds element-wise and returns a new `Vector`; `other` may be
      any sequence of ints of the same length: a Vector, a list, a tuple, a
      range. `other + v` (`__radd__`) gives the same Vector when `other` is a
      list or a tuple: `[10, 20] + Vector(1, 2)` is `Vector(11, 22)`, not a
      list. Lengths that differ raise `ValueError` (also for two Vectors of
      different lengths, either way round); an operand that has no length
      (an int, a generator) raises `TypeError`.
    - `v.dot(other)` is the sum of the products of matching components, an
      int; `other` is a sequence of the same length (Vector, list, tuple),
      `ValueError` otherwise. `Vector().dot([])` is 0.

    The repr is free (not checked). Components are ints; the constructor
    need not validate them.

    >>> v = Vector(3, 1, 2)
    >>> len(v), v[0], v[-1], list(v[1:]), type(v[1:]).__name__
    (3, 3, 2, [1, 2], 'Vector')
    >>> sum(v), max(v), sorted(v), list(reversed(v)), 2 in v
    (6, 3, [1, 2, 3], [2, 1, 3], True)
    >>> v + [1, 1, 1] == Vector(4, 2, 3), v.dot((1, 0, 2))
    (True, 7)
    >>> v + Vector(1, 2)
    Traceback (most recent call last):
    ...
    ValueError: ...
    """

    def __init__(self, *components: int) -> None:
        raise NotImplementedError

    def __len__(self) -> int:
        raise NotImplementedError

    @overload
    def __getitem__(self, index: int) -> int: ...
    @overload
    def __getitem__(self, index: slice) -> Vector: ...
    def __getitem__(self, index: int | slice) -> int | Vector:
        raise NotImplementedError

    def __iter__(self) -> Iterator[int]:
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        raise NotImplementedError

    def __hash__(self) -> int:
        raise NotImplementedError

    def __add__(self, other: Sequence[int]) -> Vector:
        raise NotImplementedError

    def __radd__(self, other: Sequence[int]) -> Vector:
        raise NotImplementedError

    def dot(self, other: Sequence[int]) -> int:
        raise NotImplementedError


def protocols(obj: Any) -> set[str]:
    """Which protocols `obj` supports, judged by what works on it, not by its type.

    Return a `set` holding each of these names that applies:

    - `"iterable"`: `iter(obj)` works. That is the case when the object's type
      defines `__iter__`, and also when it defines only `__getitem__` (the old
      sequence protocol: an object with only `__getitem__` is iterable).
    - `"sized"`: `len(obj)` works (its type defines `__len__`).
    - `"container"`: supports the `in` operator: its type defines
      `__contains__`, or, when the type has no `__contains__` at all, the
      object is iterable (then `in` iterates). So every iterable is a
      container unless its type sets `__contains__ = None`; a str is one.
    - `"callable"`: `obj(...)` can be called (`callable(obj)`): its type
      defines `__call__`. Functions, builtins and classes are callable.
    - `"hashable"`: `hash(obj)` works. Not hashable: a type with
      `__hash__ = None` (which Python also sets for a class that defines
      `__eq__` without `__hash__`), a `__hash__` that raises `TypeError`, and
      a tuple holding an unhashable item, e.g. `(1, [2])`.
    - `"context_manager"`: usable in a `with` statement: its type has both
      `__enter__` and `__exit__` (`__aenter__`/`__aexit__` are the async
      protocol and do not count).

    Rules that apply to every protocol:

    - Special methods are looked up on the TYPE, as the interpreter does:
      a `__len__` or `__call__` set as an instance attribute, or a class-level
      `__getattr__` answering for any name, adds nothing. For a class object
      itself (`protocols(SomeClass)`), what counts is its metaclass: a class
      whose metaclass defines `__iter__` is iterable, while a class that
      defines `__iter__` for its instances is not itself iterable.
    - Inherited methods count, and a special method set to `None` in a class
      (`__hash__ = None`, `__iter__ = None`, `__len__ = None`,
      `__contains__ = None`) switches the protocol off for that class and its
      subclasses, unless a subclass defines it again.
    - The objects' own special methods are harmless: they return promptly
      without side effects (a `__getitem__` behaves like a 3-item sequence,
      raising `IndexError` past the end), so calling them to find out is fine.

    >>> sorted(protocols([1, 2]))
    ['container', 'iterable', 'sized']
    >>> sorted(protocols((1, 2))), sorted(protocols((1, [2])))
    (['container', 'hashable', 'iterable', 'sized'], ['container', 'iterable', 'sized'])
    >>> sorted(protocols(len))
    ['callable', 'hashable']
    >>> class OnlyGetitem:
    ...     def __getitem__(self, i):
    ...         if i < 3:
    ...             return i
    ...         raise IndexError(i)
    >>> sorted(protocols(OnlyGetitem()))
    ['container', 'hashable', 'iterable']
    """
    raise NotImplementedError
