"""Memory management: reference counting, the cycle collector, weak references.

CPython frees an object as soon as nothing refers to it any more (its
reference count drops to zero); a group of objects that refer to each other
in a cycle is found and freed later by the cycle collector (`gc`). A weak
reference (`weakref`) lets you reach an object without keeping it alive.

Run `pyinterview check memory` to test your work.
"""

from __future__ import annotations

from typing import Any


class Registry:
    """Hands out int handles for objects without keeping the objects alive.

    >>> class Thing: ...
    >>> registry = Registry()
    >>> thing = Thing()
    >>> registry.register(thing)
    1
    >>> registry.get(1) is thing
    True
    >>> del thing                 # the last reference: the object is freed
    >>> registry.get(1) is None, len(registry), registry.alive()
    (True, 0, [])
    """

    def __init__(self) -> None:
        """An empty registry. Each registry numbers its own handles."""
        raise NotImplementedError

    def register(self, obj: Any) -> int:
        """Register `obj` and return its handle.

        - Handles are the ints 1, 2, 3, ... in the order objects are first
          registered with this registry; a handle is never reused, even after
          its object is freed.
        - Registering an object that is already registered (and alive) returns
          the handle it already has. Objects are told apart by identity only:
          never by `==` or `hash()` (an object may be unhashable, or claim to
          be equal to everything).
        - The registry never keeps `obj` alive: once the rest of the program
          drops its last reference (and, for an object in a reference cycle,
          once `gc.collect()` has run), the object is freed as if it had never
          been registered.
        - An object that cannot be weakly referenced (an int, a str, a tuple,
          a list, a dict, None, ...) raises `TypeError`; nothing is
          registered and no handle is used up.
        """
        raise NotImplementedError

    def get(self, handle: int) -> Any:
        """The object registered under `handle` (the very object), or `None`
        once it has been freed. A handle this registry never returned raises
        `KeyError`."""
        raise NotImplementedError

    def __len__(self) -> int:
        """How many registered objects are still alive."""
        raise NotImplementedError

    def alive(self) -> list[int]:
        """The handles of the registered objects still alive, as a list in
        registration order (ascending)."""
        raise NotImplementedError


def unreachable(graph: dict[str, list[str]], roots: set[str]) -> set[str]:
    """What a tracing garbage collector frees: the nodes not reachable from `roots`.

    `graph` maps each object's name to the names of the objects it refers to
    (every name in a list is also a key of `graph`; a list may name the same
    object twice, or the object itself). `roots` is a set of keys of `graph`:
    the objects the program can reach directly. A node is reachable when it is
    a root or is referred to by a reachable node. Return the set of the
    other nodes (an empty set when everything is reachable).

    Neither `graph` (nor its lists) nor `roots` is modified.

    >>> sorted(unreachable({"a": ["b"], "b": [], "c": ["c"], "d": ["a"]}, {"a"}))
    ['c', 'd']
    """
    raise NotImplementedError


def refcount_leaks(graph: dict[str, list[str]]) -> set[str]:
    """What reference counting alone never frees, with no outside references.

    `graph` is as for `unreachable`, and nothing outside it refers to any
    node. Each node's reference count is the number of edges pointing at it
    (an object named twice in one list counts twice; a self reference counts).
    Reference counting frees every node whose count is zero; freeing a node
    removes its edges, decrementing the count of each object it referred to
    (once per edge), which may free those in turn, and so on until nothing
    more can be freed. Return the set of the nodes never freed: those in a
    reference cycle and those kept alive by one. This is what CPython's cycle
    collector exists for.

    `graph` (and its lists) is not modified.

    >>> sorted(refcount_leaks({"a": ["b"], "b": ["a", "c"], "c": [], "d": ["a"]}))
    ['a', 'b', 'c']
    """
    raise NotImplementedError
