"""Reference solution of `monkey_patching`."""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from typing import Any

# Marks an attribute that was not own before the patch.
_ABSENT = object()


def _resolve(dotted: str) -> Any:
    """The object a dotted path names: the longest importable prefix, then attributes."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for part in parts[cut:]:
            obj = getattr(obj, part)
        return obj
    raise ImportError(f"cannot import any part of {dotted!r}")


class patch:  # noqa: N801
    """Replaces `target` for a with block or a decorated call."""

    def __init__(self, target: str, new: Any) -> None:
        owner, _, name = target.rpartition(".")
        # Resolved lazily, on entering: the module may change between.
        self._get_owner: Callable[[], Any] = lambda: _resolve(owner)
        self._name = name
        self._new = new
        # A stack, so the object can be entered again after it was left
        # (and even while it is in use, as a recursive decorated call).
        self._saved: list[tuple[Any, Any]] = []

    @classmethod
    def _of(cls, obj: object, name: str, new: Any) -> patch:
        p = cls.__new__(cls)
        p._get_owner = lambda: obj
        p._name = name
        p._new = new
        p._saved = []
        return p

    def __enter__(self) -> Any:
        owner = self._get_owner()
        # The own value from vars(), not getattr(): getattr would turn a
        # staticmethod into its function and copy inherited attributes.
        own = vars(owner).get(self._name, _ABSENT)
        setattr(owner, self._name, self._new)
        self._saved.append((owner, own))
        return self._new

    def __exit__(self, *exc_info: object) -> None:
        owner, own = self._saved.pop()
        if own is _ABSENT:
            delattr(owner, self._name)
        else:
            setattr(owner, self._name, own)
        # None: the block's exception, if any, propagates.

    def __call__(self, func: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self:
                return func(*args, **kwargs)

        return wrapper


def patch_object(obj: object, name: str, new: Any) -> patch:
    return patch._of(obj, name, new)


class _Call:
    """One recorded call."""

    def __init__(self, args: tuple, kwargs: dict, result: Any, exception: BaseException | None):
        self.args = args
        self.kwargs = kwargs
        self.result = result
        self.exception = exception


class spy:  # noqa: N801
    """Records the calls of `obj.<name>` while still running it."""

    def __init__(self, obj: object, name: str) -> None:
        self.calls: list[_Call] = []
        original = getattr(obj, name)
        calls = self.calls

        @functools.wraps(original)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            # The record takes its place when the call starts, so a call
            # made from inside this one (recursion) is recorded after it.
            record = _Call(args, dict(kwargs), None, None)
            calls.append(record)
            try:
                result = original(*args, **kwargs)
            except BaseException as exc:
                # BaseException, not Exception: KeyboardInterrupt and the
                # like are recorded too (and re-raised, as the same object).
                record.exception = exc
                raise
            record.result = result
            return result

        self._patch: patch | None = patch_object(obj, name, wrapper)
        self._patch.__enter__()

    def restore(self) -> None:
        if self._patch is not None:
            self._patch.__exit__(None, None, None)
            self._patch = None
