"""Dataclasses: the generated methods, and the options that shape them.

Reference solution.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

# Each part: 0, or a digit 1-9 followed by more digits. `[0-9]`, not `\d`
# (which also matches other scripts' digits), and `fullmatch`, not `match`
# with `$` (which also accepts a trailing newline).
_VERSION = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")


@dataclass(frozen=True, order=True)
class Version:
    """A semantic version: compared numerically, field by field."""

    major: int
    minor: int
    patch: int

    @classmethod
    def parse(cls, text: str) -> Version:
        match = _VERSION.fullmatch(text)
        if match is None:
            raise ValueError(f"not a version: {text!r}")
        # `cls`, not `Version`: a subclass's parse builds the subclass.
        return cls(*(int(part) for part in match.groups()))

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"

    def bump(self, part: str) -> Version:
        # Frozen: build a new instance (dataclasses.replace) instead of assigning.
        if part == "major":
            return replace(self, major=self.major + 1, minor=0, patch=0)
        if part == "minor":
            return replace(self, minor=self.minor + 1, patch=0)
        if part == "patch":
            return replace(self, patch=self.patch + 1)
        raise ValueError(f"unknown part: {part!r}")


@dataclass(frozen=True)
class LineItem:
    sku: str
    qty: int
    price_cents: int

    def __post_init__(self) -> None:
        # Validation only reads the fields, so frozen=True is no obstacle here.
        if self.qty <= 0:
            raise ValueError("qty must be positive")
        if self.price_cents < 0:
            raise ValueError("price_cents must not be negative")


@dataclass
class Order:
    id: str
    # A default of [] would be one list shared by every order (dataclasses
    # refuse it): the factory makes a new list per instance.
    items: list[LineItem] = field(default_factory=list)
    note: str = field(default="", repr=False)
    # Derived, not a parameter: set in __post_init__ and kept current by add.
    total: int = field(init=False)

    def __post_init__(self) -> None:
        self.total = sum(item.qty * item.price_cents for item in self.items)

    def add(self, item: LineItem) -> None:
        self.items.append(item)
        self.total += item.qty * item.price_cents
