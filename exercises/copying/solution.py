"""Shallow and deep copies, written by hand.

Reference solution.
"""

from __future__ import annotations

from typing import Any


def shallow_copy(obj: Any) -> Any:
    # A new outer container; the elements are the very same objects.
    if type(obj) is list:
        return list(obj)
    if type(obj) is dict:
        return dict(obj)
    if type(obj) is set:
        return set(obj)
    # Tuples and immutable values cannot change: sharing them is safe.
    return obj


def deep_copy(obj: Any) -> Any:
    # memo: id(original) -> its copy. It makes an object reached twice one
    # copy reached twice, and ends cycles: a container is recorded before its
    # contents are copied, so a path back to it finds the copy under way.
    return _copy(obj, {})


def _copy(obj: Any, memo: dict[int, Any]) -> Any:
    key = id(obj)
    if key in memo:
        return memo[key]
    if isinstance(obj, list):
        new_list: list[Any] = []
        memo[key] = new_list
        new_list.extend(_copy(item, memo) for item in obj)
        return new_list
    if isinstance(obj, dict):
        new_dict: dict[Any, Any] = {}
        memo[key] = new_dict
        for k, v in obj.items():
            new_dict[_copy(k, memo)] = _copy(v, memo)
        return new_dict
    if isinstance(obj, set):
        new_set: set[Any] = set()
        memo[key] = new_set
        new_set.update(_copy(item, memo) for item in obj)
        return new_set
    if isinstance(obj, tuple):
        # A tuple cannot be created before its items, so it cannot be in the
        # memo while they are copied; a cycle through it (a list inside it
        # that holds it) may have copied it meanwhile: then use that copy.
        items = [_copy(item, memo) for item in obj]
        if key in memo:
            return memo[key]
        same = all(new is old for new, old in zip(items, obj))
        result = obj if same else tuple(items)
        memo[key] = result
        return result
    if hasattr(obj, "__dict__") and not isinstance(obj, type):
        # An instance of a plain class: a new instance without running
        # __init__ (which may need arguments or have side effects).
        cls = type(obj)
        new_obj = cls.__new__(cls)
        memo[key] = new_obj
        for name, value in obj.__dict__.items():
            new_obj.__dict__[name] = _copy(value, memo)
        return new_obj
    # Immutable leaves (int, float, str, bytes, None, frozenset…).
    return obj
