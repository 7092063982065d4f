"""Dataclasses: Version, LineItem and Order.

Run `pyinterview check dataclasses` to test your work.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Version:
    major: int
    minor: int
    patch: int

    @classmethod
    def parse(cls, text: str) -> Version:
        parts = text.split(".")
        if len(parts) != 3:
            raise ValueError(f"bad version {text!r}")
        return cls(*(int(p) for p in parts))

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"

    def bump(self, part: str) -> Version:
        if part == "major":
            return Version(self.major + 1, 0, 0)
        if part == "minor":
            return Version(self.major, self.minor + 1, 0)
        if part == "patch":
            return Version(self.major, self.minor, self.patch + 1)
        raise ValueError(part)


@dataclass(frozen=True)
class LineItem:
    sku: str
    qty: int
    price_cents: int

    def __post_init__(self) -> None:
        if self.qty <= 0 or self.price_cents < 0:
            raise ValueError("bad line item")


@dataclass
class Order:
    id: str
    items: list[LineItem] = field(default_factory=list)
    note: str = ""
    total: int = 0

    def __post_init__(self) -> None:
        self.total = sum(i.qty * i.price_cents for i in self.items)

    def add(self, item: LineItem) -> None:
        self.items.append(item)
        self.total += item.qty * item.price_cents
