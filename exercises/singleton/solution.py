"""Singleton: one instance per class, through a metaclass.

Reference solution.
"""

from __future__ import annotations

import threading
from typing import Any


class Singleton(type):
    """A metaclass whose classes have at most one instance each (see the stub)."""

    # Keyed by the class object itself, never looked up as an attribute of
    # the class: an attribute set on a base would be inherited by its
    # subclasses, which would then receive the base's instance.
    _instances: dict[type, Any] = {}
    # Reentrant, so that an __init__ that creates another singleton while
    # the lock is held does not deadlock.
    _lock = threading.RLock()

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        # Fast path without the lock once the instance exists. Membership,
        # not truthiness: a falsy instance is still an instance.
        instances = Singleton._instances
        if cls in instances:
            return instances[cls]
        with Singleton._lock:
            # Checked again under the lock: another thread may have created
            # the instance between the first check and taking the lock.
            if cls not in instances:
                # If construction raises, nothing is stored.
                instance = super().__call__(*args, **kwargs)
                instances[cls] = instance
            return instances[cls]

    def reset(cls) -> None:
        with Singleton._lock:
            Singleton._instances.pop(cls, None)
