"""Identity and equality: `is` versus `==`.

Run `pyinterview check identity` to test your work.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

MISSING = None  # no default given


def get_path(data: Any, path: tuple[str | int, ...], default: Any = MISSING) -> Any:
    """Follow `path` through nested dicts and lists."""
    current = data
    for step in path:
        try:
            current = current[step]
        except (KeyError, IndexError, TypeError):
            if default is MISSING:
                raise KeyError(path)
            return default
    return current


def unique_objects(items: Iterable[Any]) -> list[Any]:
    """Drop later occurrences of the same object."""
    result = []
    for item in items:
        if item not in result:
            result.append(item)
    return result


def shared_paths(data: Any) -> list[tuple[tuple, tuple]]:
    """Pairs of paths that reach the same list or dict."""
    first = {}
    pairs = []

    def walk(obj, path):
        if isinstance(obj, (list, dict)):
            if id(obj) in first:
                pairs.append((first[id(obj)], path))
                return
            first[id(obj)] = path
            if isinstance(obj, dict):
                for key, value in obj.items():
                    walk(value, path + (key,))
            else:
                for index, value in enumerate(obj):
                    walk(value, path + (index,))

    walk(data, ())
    return pairs
