"""Memory management: reference counting, the cycle collector, weak references.

Run `pyinterview check memory` to test your work.
"""

from __future__ import annotations

import weakref
from typing import Any


class Registry:
    """Hands out int handles for objects without keeping the objects alive."""

    def __init__(self) -> None:
        self.refs = {}
        self.count = 0

    def register(self, obj: Any) -> int:
        for handle, ref in self.refs.items():
            if ref() == obj:
                return handle
        self.count += 1
        self.refs[self.count] = weakref.ref(obj)
        return self.count

    def get(self, handle: int) -> Any:
        return self.refs[handle]()

    def __len__(self) -> int:
        return len(self.refs)

    def alive(self) -> list[int]:
        return [h for h, r in self.refs.items() if r() is not None]


def unreachable(graph: dict[str, list[str]], roots: set[str]) -> set[str]:
    """The nodes not reachable from `roots`."""
    seen = set()

    def visit(node):
        if node not in seen:
            seen.add(node)
            for child in graph[node]:
                visit(child)

    for root in roots:
        visit(root)
    return set(graph) - seen


def refcount_leaks(graph: dict[str, list[str]]) -> set[str]:
    """The nodes reference counting never frees."""
    counts = {node: 0 for node in graph}
    for targets in graph.values():
        for target in set(targets):
            counts[target] += 1
    todo = [node for node in graph if counts[node] == 0]
    freed = set()
    while todo:
        node = todo.pop()
        freed.add(node)
        for target in graph[node]:
            counts[target] -= 1
            if counts[target] == 0:
                todo.append(target)
    return set(graph) - freed
