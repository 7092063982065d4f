"""Copying: shallow_copy and deep_copy, by hand.

Run `pyinterview check copying` to test your work.
"""

from __future__ import annotations

from typing import Any


def shallow_copy(obj: Any) -> Any:
    if isinstance(obj, (list, dict, set)):
        return obj.copy()
    return obj


def deep_copy(obj: Any, memo: dict | None = None) -> Any:
    if memo is None:
        memo = {}
    if id(obj) in memo:
        return memo[id(obj)]
    if isinstance(obj, list):
        result: Any = []
        memo[id(obj)] = result
        for item in obj:
            result.append(deep_copy(item, memo))
        return result
    if isinstance(obj, dict):
        result = {}
        memo[id(obj)] = result
        for key, value in obj.items():
            result[key] = deep_copy(value, memo)
        return result
    if isinstance(obj, tuple):
        return tuple(deep_copy(item, memo) for item in obj)
    if hasattr(obj, "__dict__"):
        result = object.__new__(type(obj))
        memo[id(obj)] = result
        result.__dict__.update({k: deep_copy(v, memo) for k, v in obj.__dict__.items()})
        return result
    return obj
