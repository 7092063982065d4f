"""Duck typing: a first attempt."""

from __future__ import annotations


class Vector:
    def __init__(self, *components):
        self.items = list(components)

    def __len__(self):
        return len(self.items)

    def __getitem__(self, index):
        # Slicing the list gives a list back.
        return self.items[index]

    def __iter__(self):
        return iter(self.items)

    def __eq__(self, other):
        if isinstance(other, Vector):
            return self.items == other.items
        return NotImplemented

    def __add__(self, other):
        if len(other) != len(self):
            raise ValueError("lengths differ")
        return Vector(*[a + b for a, b in zip(self, other)])

    def dot(self, other):
        if len(other) != len(self):
            raise ValueError("lengths differ")
        return sum(a * b for a, b in zip(self, other))


def protocols(obj):
    found = set()
    if hasattr(obj, "__iter__") or hasattr(obj, "__getitem__"):
        found.add("iterable")
    if hasattr(obj, "__len__"):
        found.add("sized")
    if hasattr(obj, "__contains__"):
        found.add("container")
    if callable(obj):
        found.add("callable")
    if getattr(obj, "__hash__", None) is not None:
        found.add("hashable")
    if hasattr(obj, "__enter__") and hasattr(obj, "__exit__"):
        found.add("context_manager")
    return found
