"""Context managers: setup and teardown that always happen (reference solution)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import IO, Any


class managed_file:  # noqa: N801
    """`with managed_file(path, mode) as f:`, like `with open(path, mode) as f:`."""

    def __init__(self, path: str, mode: str = "r") -> None:
        # Only remember what to open: a manager that opened the file here
        # would leak it if it were never entered.
        self.path = path
        self.mode = mode
        self.file: IO[Any] | None = None

    def __enter__(self) -> IO[Any]:
        self.file = open(self.path, self.mode)  # noqa: SIM115 (closed in __exit__)
        return self.file

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool | None:
        if self.file is not None:
            self.file.close()
            self.file = None
        # A false return value lets any exception from the block propagate.
        return None


# A private marker: "the attribute did not exist" must differ from every
# value the attribute could hold, None included.
_ABSENT = object()


@contextlib.contextmanager
def temporary_attr(obj: object, name: str, value: object) -> Iterator[None]:
    """Set `obj.<name> = value` for the block, then restore or delete it."""
    old = getattr(obj, name, _ABSENT)
    setattr(obj, name, value)
    try:
        yield
    finally:
        # finally: restored also when the block raised (the exception is
        # thrown into the generator at the yield).
        if old is _ABSENT:
            delattr(obj, name)
        else:
            setattr(obj, name, old)


class suppress:  # noqa: N801
    """Swallows exceptions of the given types (subclasses included)."""

    def __init__(self, *exceptions: type[BaseException]) -> None:
        self.exceptions = exceptions
        self.exception: BaseException | None = None

    def __enter__(self) -> suppress:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool:
        if exc_type is None:
            return False
        # issubclass with a tuple accepts subclasses; an empty tuple matches
        # nothing, so suppress() swallows nothing.
        if issubclass(exc_type, self.exceptions):
            self.exception = exc
            return True
        return False


class CallbackStack:
    """Clean-up callbacks run last-in first-out when the block ends."""

    def __init__(self) -> None:
        self._callbacks: list[tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]] = []

    def callback(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Callable[..., Any]:
        self._callbacks.append((fn, args, kwargs))
        return fn

    def __enter__(self) -> CallbackStack:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool | None:
        self._unwind()
        # Never swallow the block's exception.
        return None

    def _unwind(self) -> None:
        # Each callback runs in the `finally` of the one before it. If a
        # callback raises, the next one runs while that exception is being
        # handled, so Python chains whatever the next one raises onto it
        # (__context__); the first callback runs while the block's own
        # exception is being handled. Nothing is re-raised by hand, so no
        # chain is overwritten. Recursion depth is the number of callbacks.
        if not self._callbacks:
            return
        fn, args, kwargs = self._callbacks.pop()
        try:
            fn(*args, **kwargs)
        finally:
            self._unwind()
