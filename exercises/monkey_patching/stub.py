"""Monkey patching: replacing attributes at run time, and putting them back.

Tests replace a module's function, a class attribute or an object's method
for a while (to fake the clock, the network, a slow call) and must leave
everything exactly as it was afterwards, however the test ends. Write the
tools `unittest.mock.patch` gives you: `unittest.mock` is unavailable while
this exercise is graded (a copy of it reached some other way is detected).

Words used below: an object's OWN attributes are those in its own namespace,
`vars(obj)`: a module's globals, a class's own body (not its bases'), an
instance's `__dict__`. An attribute that `getattr` finds elsewhere (an
instance's attribute that comes from its class, a class attribute that comes
from a base) is not own.

The grader's targets: a package `pyi_targets` with a module `shapes`
(functions such as `area` and `square_area`, classes `Shape` and
`Square(Shape)`), put fresh into `sys.modules` for every scenario; they have
no files, so resolve dotted paths with `importlib.import_module` (which
finds what is in `sys.modules`) and `getattr`.

Run `pyinterview check monkey_patching` to test your work.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class patch:  # noqa: N801 (named like unittest.mock.patch, which it replaces)
    """`patch(target, new)`: replaces an attribute named by a dotted path.

    - `target` is `"package.module.attr"` or `"package.module.Class.attr"`:
      the longest leading part that can be imported is the module (it may
      already be in `sys.modules` without a file); the rest are attributes.
      The target is looked up when the patch starts, not when it is made.
    - As a context manager: on entering, `target` is replaced by `new`
      (`setattr` on the module or class) and `__enter__` returns `new`; on
      leaving, however the block ends, it is restored exactly: if the
      attribute was own, the very object `vars()` held is put back (a
      `staticmethod` or `classmethod` object stays one, not the function
      `getattr` shows); if it was not own (absent, or inherited from a
      base class), it is deleted again. An exception in the block
      propagates unchanged (never swallowed).
    - Nested patches, of the same attribute or of others, unwind in order:
      leaving the inner block restores what the outer one had set.
    - The same patch object may be entered again while it is still active
      (`with p:` inside `with p:`, or a decorated function that calls
      itself): it is not an error. Every entry saves what it finds and
      every exit restores what its own entry saved, innermost first, so
      leaving the inner block leaves the outer entry's `new` in place, and
      once the outermost block ends exactly what was there before the
      first entry is back (deleted again if it was not own).
    - As a decorator, `@patch(target, new)` on a function: every call of the
      decorated function runs with the patch in place and restores it when
      the call returns or raises; the wrapper forwards positional and
      keyword arguments and the return value (or exception), and keeps
      `__name__`, `__qualname__`, `__doc__` and `__wrapped__` (as
      `functools.wraps` does). The same patch object can be entered again
      after it was left (the decorated function is called many times), or
      while it is active (the decorated function calls itself: see above).
      Decorating generator or async functions is not required.

    >>> import pyi_targets.shapes as shapes
    >>> original = shapes.area
    >>> with patch("pyi_targets.shapes.area", lambda w, h: 0) as fake:
    ...     shapes.square_area(3)      # looks `area` up at call time
    0
    >>> shapes.area is original
    True
    >>> p = patch("pyi_targets.shapes.PI", 4)
    >>> with p:
    ...     with p:                # the same object, entered again
    ...         pass
    ...     shapes.PI              # the inner exit put back the outer's 4
    4
    >>> shapes.PI                  # the outer exit put back the original
    3
    """

    def __init__(self, target: str, new: Any) -> None:
        raise NotImplementedError

    def __enter__(self) -> Any:
        raise NotImplementedError

    def __exit__(self, *exc_info: object) -> None:
        raise NotImplementedError

    def __call__(self, func: Callable[..., Any]) -> Callable[..., Any]:
        raise NotImplementedError


def patch_object(obj: object, name: str, new: Any) -> patch:
    """`patch_object(obj, name, new)`: `patch` on an object instead of a path.

    Returns a patch (a context manager and a decorator, exactly as `patch`)
    that sets `obj.<name> = new` and restores it afterwards with the same
    rules. `obj` may be a module, a class or an instance. An attribute an
    instance inherits from its class is not own: after the block it is
    deleted from the instance again (never copied onto it), so the instance
    sees its class's attribute, and later changes to it, as before.

    >>> sq = shapes.Square(3)
    >>> with patch_object(sq, "kind", "box"):
    ...     sq.kind
    'box'
    >>> "kind" in vars(sq)
    False
    """
    raise NotImplementedError


class spy:  # noqa: N801 (used like a function)
    """`spy(obj, name)`: records every call of `obj.<name>` and still runs it.

    - Replaces `obj.<name>` (with the own-attribute rules of
      `patch_object`) by a wrapper that calls the original with the same
      arguments and returns its result, or lets its exception propagate
      unchanged (the very exception object).
    - `.calls` is a list with one record per call, in the order the calls
      START: a call's record takes its place in `.calls` when the call
      begins, before the original runs, so a call made from inside another
      spied call (a spied function that calls itself) comes AFTER the call
      that made it: `f(2)` calling `f(1)` calling `f(0)` is recorded as
      `(2,)`, `(1,)`, `(0,)`, not in the order the calls return. Each
      record has the attributes `args` (a tuple), `kwargs` (a new dict),
      `result` (the return value, or `None` if it raised) and `exception`
      (the exception it raised, or `None`); `result` and `exception` are
      known when the call ends (what a record shows while its call is
      still running is not checked).
    - Any exception is recorded and re-raised, also one that is a
      `BaseException` but not an `Exception` (`KeyboardInterrupt`,
      `SystemExit`, a class deriving from `BaseException` directly): the
      record's `exception` is that very object, and it still propagates.
    - `obj` is a module (a function of it) or an instance (a method, bound:
      `args` does not include `self`); spying on a class is not required.
    - `.restore()` puts back exactly what was there (or deletes the
      attribute from the instance again); later calls are not recorded.
      Calling `restore()` again does nothing.

    >>> s = spy(shapes, "area")
    >>> shapes.square_area(3)
    9
    >>> s.calls[0].args, s.calls[0].kwargs, s.calls[0].result, s.calls[0].exception
    ((3, 3), {}, 9, None)
    >>> s.restore()
    """

    calls: list[Any]

    def __init__(self, obj: object, name: str) -> None:
        raise NotImplementedError

    def restore(self) -> None:
        raise NotImplementedError
