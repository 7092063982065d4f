"""Copying: a shallow copy shares what is inside; a deep copy copies it too,
keeping the shape of the original (what is shared, what loops back).

Write both by hand: `copy.copy` and `copy.deepcopy` are unavailable while this
exercise is graded (calling them raises, and code of the `copy` module that
runs during your functions is detected).

Run `pyinterview check copying` to test your work.
"""

from __future__ import annotations

from typing import Any


def shallow_copy(obj: Any) -> Any:
    """A one-level copy.

    - A `list`, `dict` or `set` gives a new object of the same type holding
      the very same element objects (for a dict: the same keys and the same
      value objects, in the same order): `shallow_copy(x)[0] is x[0]`.
      Changing the copy (appending, adding a key) leaves the original as it was.
    - A tuple or an immutable value (int, float, bool, str, bytes, None,
      frozenset) is returned as it is: `shallow_copy(t) is t`.
    - No other kinds of objects are passed.

    >>> inner = [1]
    >>> outer = [inner, 2]
    >>> copied = shallow_copy(outer)
    >>> copied == outer, copied is outer, copied[0] is inner
    (True, False, True)
    """
    raise NotImplementedError


def deep_copy(obj: Any) -> Any:
    """A copy that shares no mutable object with the original.

    What may be passed: lists, dicts, sets, tuples and instances of plain
    classes (attributes in their `__dict__`, no `__slots__`, no custom copy
    hooks), nested to any shape, with immutable leaves (int, float, bool, str,
    bytes, None, frozenset). Dict keys and set elements are immutable leaves.

    - Lists, dicts and sets are copied (same type, same order, copied
      contents); no list, dict, set or instance of the original appears
      anywhere in the copy.
    - An instance is copied as a new instance of the same class, created
      WITHOUT calling `__init__` (which may need arguments), with a deep copy of
      its `__dict__` (same attribute names, in the same order).
    - The shape is kept: an object reached twice in the original (by two paths)
      is one object reached twice in the copy, and cycles are reproduced (a list
      that contains itself gives a copy that contains the copy), including a
      cycle that passes through a tuple (a list inside a tuple that holds it).
    - Immutable leaves may be shared. A tuple is copied only when something
      inside it had to be copied; a tuple holding only immutable things (at any
      depth) is returned as it is: `deep_copy((1, (2, 3))) is` that same tuple.
    - The original is not changed.

    >>> shared = [1]
    >>> data = {"a": shared, "b": shared}
    >>> copied = deep_copy(data)
    >>> copied["a"] is copied["b"], copied["a"] is shared
    (True, False)
    >>> loop = []
    >>> loop.append(loop)
    >>> c = deep_copy(loop)
    >>> c[0] is c, c is loop
    (True, False)
    """
    raise NotImplementedError
