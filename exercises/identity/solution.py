"""Reference solution for the `identity` exercise: a sentinel default, an
identity-based de-duplication and an identity walk over aliased structures."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final


class _Missing:
    """The type of MISSING: a sentinel with a readable repr."""

    def __repr__(self) -> str:
        return "MISSING"


# One object, compared with `is`: None cannot play this part, because None is
# a default a caller may legitimately ask for.
MISSING: Final[Any] = _Missing()


def get_path(data: Any, path: tuple[str | int, ...], default: Any = MISSING) -> Any:
    """Follow `path` through nested dicts and lists; `default` or KeyError(path) when missing."""
    current = data
    for step in path:
        # Exact checks on the container kinds the contract names: a string or
        # a tuple would happily accept an int index, but they are leaves here.
        if isinstance(current, dict):
            if step not in current:
                break
            current = current[step]
        elif isinstance(current, list):
            # bool is an int subclass; it is not an index here.
            if type(step) is not int or not -len(current) <= step < len(current):
                break
            current = current[step]
        else:
            break
    else:
        # Every step was present: whatever we reached (None, 0, []) is a value.
        return current
    if default is MISSING:
        raise KeyError(path)
    return default


def unique_objects(items: Iterable[Any]) -> list[Any]:
    """A new list of `items` without later occurrences of the same object."""
    # id() is an int, so the set never touches the items' own __eq__ or
    # __hash__. Ids are only unique among objects alive at the same time;
    # every item stays alive here because `result` (or `items`) holds it.
    seen: set[int] = set()
    result = []
    for item in items:
        if id(item) not in seen:
            seen.add(id(item))
            result.append(item)
    return result


def shared_paths(data: Any) -> list[tuple[tuple, tuple]]:
    """Pairs (first path, later path) reaching the same list or dict, in walk order."""
    first: dict[int, tuple] = {}  # id(container) -> the path it was first met at
    pairs: list[tuple[tuple, tuple]] = []

    def walk(obj: Any, path: tuple) -> None:
        if not isinstance(obj, (list, dict)):
            return
        if id(obj) in first:
            # Met again: report it and stop, which also ends any cycle.
            pairs.append((first[id(obj)], path))
            return
        first[id(obj)] = path
        children = obj.items() if isinstance(obj, dict) else enumerate(obj)
        for step, child in children:
            walk(child, path + (step,))

    walk(data, ())
    return pairs
