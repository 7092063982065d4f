"""Singleton: one instance per class, through a metaclass.

Run `pyinterview check singleton` to test your work.
"""

from __future__ import annotations

from typing import Any


class Singleton(type):
    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        # Lazily created on first use.
        if getattr(cls, "_instance", None) is None:
            cls._instance = super().__call__(*args, **kwargs)
        return cls._instance

    def reset(cls) -> None:
        cls._instance = None
