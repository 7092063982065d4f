"""Singleton: one instance per class, through a metaclass.

A class created with the metaclass `Singleton` has at most one instance: the
first call constructs it, every later call returns that same object. Creation
must be safe when many threads ask for the instance at the same moment, and
tests need a way to forget an instance.

Run `pyinterview check singleton` to test your work.
"""

from __future__ import annotations

import threading
from typing import Any


class Singleton(type):
    """A metaclass whose classes have at most one instance each.

        class Config(metaclass=Singleton):
            def __init__(self, path):
                self.path = path

        >>> a = Config("app.toml")
        >>> b = Config("other.toml")
        >>> a is b, b.path
        (True, 'app.toml')

    The rules:

    - The first call of a class constructs its instance as a normal class
      call would (`__new__`, then `__init__` with that call's positional and
      keyword arguments) and returns it. Every later call returns that very
      object and ignores its arguments: `__init__` runs once, with the first
      call's arguments.
    - The instance is remembered whatever its truth value: a class whose
      instances are falsy (say `__len__` returns 0) is still a singleton.
    - Each class has its own instance, and so does each subclass: with
      `class Local(Config)`, `Local()` is a `Local`, a different object from
      `Config()`, whichever of the two was created first; a subclass never
      receives its base's instance, nor the base its subclass's.
    - If the first construction raises (in `__new__` or `__init__`), the
      exception propagates unchanged and nothing is remembered: the next call
      constructs again, with its own arguments.
    - Thread-safe: when many threads call a class at the same moment before
      it has an instance, exactly one construction happens (`__init__` runs
      once) and every thread gets the same object. Threads creating
      instances of different classes at once get one instance per class.
    - A class's `__init__` may construct ANOTHER class made with
      `Singleton` (a common pattern: `Service.__init__` does
      `self.config = Config()`). That works, from any thread, and each
      class is still constructed once: `Service()` returns with
      `Service().config is Config()`. (The grader calls `Service()` in a
      thread of its own: a thread that waits for a lock it already holds,
      taken for `Service` and wanted again for `Config`, never returns, and
      fails that check.) What happens when a class's `__init__` calls that
      SAME class again is not specified, and not checked.
    - `Singleton.reset(cls)` forgets the instance of exactly `cls` (not that
      of its subclasses or of its bases) and returns None; the next call of
      `cls` constructs a new instance (running `__init__` again, with that
      call's arguments). Resetting a class that has no instance does nothing.
    """

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        """Return the class's only instance, constructing it on the first call."""
        raise NotImplementedError

    def reset(cls) -> None:
        """Forget the instance of exactly `cls`; `Singleton.reset(Config)`."""
        raise NotImplementedError
