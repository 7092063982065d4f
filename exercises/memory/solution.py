"""Reference solution for the `memory` exercise: a registry of weak
references, and the two ways of deciding what is garbage (tracing from roots,
and counting references)."""

from __future__ import annotations

import weakref
from typing import Any


class Registry:
    """Hands out int handles for objects without keeping the objects alive."""

    def __init__(self) -> None:
        # handle -> weak reference. A weakref.ref does not count as a
        # reference: calling it gives the object, or None once it is freed.
        self._refs: dict[int, weakref.ref] = {}
        self._next = 1

    def register(self, obj: Any) -> int:
        # weakref.ref raises TypeError for objects that cannot be weakly
        # referenced (None included), before any handle is taken.
        ref = weakref.ref(obj)
        # Identity lookup (`is`) through the live references: a dict keyed by
        # the object would call its __hash__ and __eq__, which may lie or raise.
        for handle, known in self._refs.items():
            if known() is obj:
                return handle
        handle = self._next
        self._next += 1
        self._refs[handle] = ref
        return handle

    def get(self, handle: int) -> Any:
        if handle not in self._refs:
            raise KeyError(handle)
        return self._refs[handle]()

    def __len__(self) -> int:
        return len(self.alive())

    def alive(self) -> list[int]:
        # Dicts keep insertion order, which is registration order.
        return [handle for handle, ref in self._refs.items() if ref() is not None]


def unreachable(graph: dict[str, list[str]], roots: set[str]) -> set[str]:
    """The nodes not reachable from `roots` (what a tracing collector frees)."""
    reached: set[str] = set()
    stack = list(roots)
    while stack:
        node = stack.pop()
        if node in reached:
            continue
        reached.add(node)
        stack.extend(graph[node])
    return set(graph) - reached


def refcount_leaks(graph: dict[str, list[str]]) -> set[str]:
    """The nodes reference counting never frees (in or kept alive by a cycle)."""
    counts = dict.fromkeys(graph, 0)
    for targets in graph.values():
        for target in targets:
            counts[target] += 1  # once per edge: duplicates and self loops count
    ready = [node for node, count in counts.items() if count == 0]
    freed: set[str] = set()
    while ready:
        node = ready.pop()
        freed.add(node)
        # Freeing a node drops every reference it held, one per edge.
        for target in graph[node]:
            counts[target] -= 1
            if counts[target] == 0:
                ready.append(target)
    return set(graph) - freed
