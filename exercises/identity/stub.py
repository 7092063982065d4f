"""Identity and equality: `is` versus `==`.

`a == b` asks the objects whether they consider themselves equal (it runs
`__eq__`, which a class can define however it likes); `a is b` asks whether
the two names refer to the very same object, and no class can change the
answer. The three functions below need identity, not equality.

Run `pyinterview check identity` to test your work.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

# The sentinel: the one object that means "no default was given". Keep this
# one or make your own (a small class with a helpful repr is nice), but test
# for it with `is`, never with `==`, and never use None for it (None is a
# perfectly good default a caller may want back).
MISSING: Final[Any] = object()


def get_path(data: Any, path: tuple[str | int, ...], default: Any = MISSING) -> Any:
    """Follow the keys and indexes of `path` through nested dicts and lists.

    Each step of `path` (a tuple of str and int steps) goes one level down:
    - into a `dict`, the step is a key: present when the dict has that key;
    - into a `list`, the step is an int index, present when
      `-len(lst) <= step < len(lst)` (negative indexes count from the end, as
      in Python); a step that is not an int is missing in a list;
    - any other value (str, tuple, int, None, ...) has nothing inside it for
      this function: a further step into it is missing (`"abc"` is not
      indexed, a tuple is not entered).

    The empty path `()` returns `data` itself.

    When every step is present, return the object found: the very object
    stored in `data` (not a copy). A stored `None`, like any stored falsy
    value (0, "", [], False), is a value: it is returned, and `default` is not
    used.

    When a step is missing:
    - if a `default` was given, return it (the very object passed), whatever
      it is, `None` included;
    - otherwise raise `KeyError(path)`: a `KeyError` whose single argument is
      the whole `path` tuple (not only the step that failed).
    Passing `MISSING` itself as `default` is the same as giving no default.

    `data` is never modified.

    >>> data = {"users": [{"name": "ann", "email": None}]}
    >>> get_path(data, ("users", 0, "name"))
    'ann'
    >>> get_path(data, ("users", -1, "email"), "n/a")   # stored None is a value
    >>> get_path(data, ("users", 5, "name"), None) is None
    True
    >>> get_path(data, ("users", 0, "age"))
    Traceback (most recent call last):
    KeyError: ('users', 0, 'age')
    """
    raise NotImplementedError


def unique_objects(items: Iterable[Any]) -> list[Any]:
    """Return a new list of `items` without later occurrences of the same object.

    Two items are "the same" only when they are the same object (`is`): equal
    but distinct objects are all kept. The first occurrence of each object
    stays, in the original order.

    - `items` is any iterable (a list, a one-shot generator...), iterated once;
      a list passed in is not modified, and the result is always a new list.
    - Items may be unhashable (lists, dicts) or have an `__eq__` or `__hash__`
      that raises or lies (equal to everything, the same hash for all): this
      function never calls `__eq__` or `__hash__` of an item, so it neither
      fails nor is fooled. (Hint: `id()` is an int.)

    >>> a, b = [1], [1]          # equal, but two objects
    >>> result = unique_objects([a, b, a])
    >>> len(result), result[0] is a, result[1] is b
    (2, True, True)
    """
    raise NotImplementedError


def shared_paths(data: Any) -> list[tuple[tuple, tuple]]:
    """Find the lists and dicts reached more than once inside `data`.

    Walk `data` depth first, starting at `data` itself (path `()`): a list's
    items in index order (path + (index,)), a dict's values in insertion order
    (path + (key,)). Only lists and dicts are walked into; anything else
    (tuples, sets, strings, numbers, ...) is a leaf, even if it holds a list.

    The first time the walk meets a given list or dict object, it remembers
    that path and walks inside it. Each later time it meets the same object
    (the same object, `is`, not an equal one), it records the pair
    `(first path, this path)` and does NOT walk inside it again (so what that
    object holds is not reported a second time, and a container that holds
    itself, directly or further down, is reported once and the walk ends).

    Return the recorded pairs, in the order the walk met the later paths.
    Equal but distinct containers (two separate `[]`) are never reported.

    >>> shared = [1]
    >>> shared_paths({"a": shared, "b": [shared, [1]]})
    [(('a',), ('b', 0))]
    >>> loop = []
    >>> loop.append(loop)
    >>> shared_paths(loop)
    [((), (0,))]
    """
    raise NotImplementedError
