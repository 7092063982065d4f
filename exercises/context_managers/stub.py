"""Context managers: setup and teardown that always happen.

`with` guarantees that `__exit__` runs however the block ends, normally or
with an exception. Write a class-based manager for files, a generator-based
one with `contextlib.contextmanager`, an exception-swallowing manager, and a
stack of clean-up callbacks. `contextlib.suppress` and `contextlib.ExitStack`
are unavailable while this exercise is graded: the point is to build them.

Run `pyinterview check context_managers` to test your work.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import IO, Any


class managed_file:  # noqa: N801 (named like the function-style manager it replaces)
    """`with managed_file(path, mode="r") as f:` what `with open(path, mode) as f:` does.

    - Creating `managed_file(path, mode)` opens nothing: the file is opened
      with `open(path, mode)` in `__enter__`, which returns that file object
      (so a missing file raises `FileNotFoundError` from `__enter__`).
    - `__exit__` closes the file, whether the block ended normally or with
      an exception; closing releases its file descriptor (what is written is
      on disk once the block is left).
    - It never swallows an exception: whatever the block raised propagates
      unchanged.

    >>> with managed_file("notes.txt", "w") as f:
    ...     f.write("hi")
    2
    >>> f.closed
    True
    """

    def __init__(self, path: str, mode: str = "r") -> None:
        raise NotImplementedError

    def __enter__(self) -> IO[Any]:
        raise NotImplementedError

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool | None:
        raise NotImplementedError


@contextlib.contextmanager
def temporary_attr(obj: object, name: str, value: object) -> Iterator[None]:
    """Set `obj.<name> = value` for the duration of the `with` block.

    A generator decorated with `contextlib.contextmanager` (calling it
    returns contextlib's generator-based context manager). Afterwards:

    - if the attribute existed, it is restored to the very object it held
      before (`None` included: a stored `None` is a value to restore);
    - if it did not exist, it is deleted again;

    and this happens also when the block raises, the exception propagating
    unchanged. Nested uses (on the same attribute or on others) unwind in
    order: leaving the inner block restores what the outer block had set.

    >>> class Config: debug = False
    >>> cfg = Config()
    >>> with temporary_attr(cfg, "debug", True):
    ...     cfg.debug
    True
    >>> cfg.debug
    False
    """
    raise NotImplementedError
    yield  # pragma: no cover  (makes this a generator function)


class suppress:  # noqa: N801 (named like contextlib.suppress)
    """`with suppress(KeyError, ValueError) as s:` swallows those exceptions.

    - An exception raised in the block that is an instance of one of the
      given types (subclasses included: `suppress(LookupError)` swallows a
      `KeyError`) is swallowed: execution continues after the block, and the
      exception object is kept in `s.exception`.
    - Any other exception propagates unchanged; `suppress()` with no types
      swallows nothing.
    - `s.exception` is `None` until an exception has been swallowed (a block
      that raised nothing, or an exception that propagated, leaves it
      `None`).
    - `__enter__` returns the suppress object itself.

    >>> with suppress(KeyError) as s:
    ...     {}["missing"]
    >>> type(s.exception).__name__
    'KeyError'
    """

    exception: BaseException | None

    def __init__(self, *exceptions: type[BaseException]) -> None:
        raise NotImplementedError

    def __enter__(self) -> suppress:
        raise NotImplementedError

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool:
        raise NotImplementedError


class CallbackStack:
    """Clean-up callbacks run when the `with` block ends, last registered first.

    - `callback(fn, *args, **kwargs)` registers `fn(*args, **kwargs)` to run
      on exit and returns `fn` unchanged. Nothing runs before the block ends.
    - `__enter__` returns the stack itself.
    - On exit the callbacks run last-in first-out, all of them, even when
      some of them raise; their return values are ignored.
    - When no callback raises, the block's own exception (if any) propagates
      unchanged: the stack never swallows it.
    - When callbacks raise, the exception that leaves the `with` statement is
      the last one raised, and the earlier ones hang off it through
      `__context__`, most recent first, ending with the block's own exception
      when there was one:
      `last.__context__ is previous`, ..., `first.__context__ is block_error`.
      This is checked on a real `with` statement. Python sets `__context__`
      itself when an exception is raised while another is being handled (in
      an `except` or `finally` block), and while `__exit__` runs the block's
      exception is the one being handled: an exception raised (or re-raised)
      directly in `__exit__` gets the block's exception as its
      `__context__`, replacing what was there.

    >>> with CallbackStack() as stack:
    ...     _ = stack.callback(print, "second")
    ...     _ = stack.callback(print, "first")
    first
    second
    """

    def __init__(self) -> None:
        raise NotImplementedError

    def callback(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Callable[..., Any]:
        raise NotImplementedError

    def __enter__(self) -> CallbackStack:
        raise NotImplementedError

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool | None:
        raise NotImplementedError
