"""Dataclasses: let `@dataclass` write `__init__`, `__repr__`, `__eq__` (and,
with its options, ordering, hashing and immutability) for plain data.

Write three dataclasses: a frozen, ordered `Version`; a frozen, validated
`LineItem`; and a mutable `Order` with a per-instance list, a field hidden from
`repr` and a derived field. Each must really be a dataclass (made with
`dataclasses.dataclass`): the checks read `dataclasses.fields` of each class.

Replace each class body below (the `raise NotImplementedError` methods are
placeholders: a dataclass writes `__init__` for you).

Run `pyinterview check dataclasses` to test your work. This file is named
like the standard module it uses: `pyinterview check` loads it so that
`from dataclasses import dataclass` in it still finds the library, but
`python dataclasses.py`, or importing from a script in this folder, would
find this file instead (a classic shadowing trap).
"""

from __future__ import annotations


class Version:
    """A semantic version `major.minor.patch`: `@dataclass(frozen=True, order=True)`.

    - Fields, in this order: `major: int`, `minor: int`, `patch: int`, so
      `Version(1, 2, 3)` and `Version(major=1, minor=2, patch=3)` both work.
      The constructor need not validate its arguments.
    - `repr` is the one the dataclass generates:
      `repr(Version(1, 2, 3)) == "Version(major=1, minor=2, patch=3)"`.
    - `str(v)` is `"1.2.3"`.
    - Equality is by value: `Version(1, 2, 3) == Version(1, 2, 3)`; a Version
      is never equal to something that is not a Version (`Version(1, 2, 3) ==
      (1, 2, 3)` is False).
    - Ordering (`<`, `<=`, `>`, `>=`, `sorted`) is numeric, field by field:
      `Version(1, 9, 0) < Version(1, 10, 0)`.
    - Hashable, consistently with equality: equal versions have equal hashes,
      so versions work as set members and dict keys.
    - Frozen: assigning or deleting any attribute (a field or a new name) raises
      `dataclasses.FrozenInstanceError`, and the version stays as it was.

    >>> v = Version.parse("1.2.3")
    >>> v, str(v)
    (Version(major=1, minor=2, patch=3), '1.2.3')
    >>> v.bump("minor")
    Version(major=1, minor=3, patch=0)
    >>> sorted([Version(1, 10, 0), Version(1, 9, 5)])[0]
    Version(major=1, minor=9, patch=5)
    """

    def __init__(self, major: int, minor: int, patch: int) -> None:
        raise NotImplementedError

    @classmethod
    def parse(cls, text: str) -> Version:
        """Parse `"MAJOR.MINOR.PATCH"` into an instance of `cls`.

        - Exactly three parts separated by single dots; each part is `0` or a
          run of ASCII digits `0`-`9` that does not start with `0` (so `"01"`
          is refused). Nothing else is accepted: no sign (`"+1.2.3"`), no
          whitespace anywhere (`" 1.2.3"`, `"1.2.3\\n"`), no underscores
          (`"1_0.2.3"`), no non-ASCII digits, no empty part.
        - Anything else raises `ValueError`.
        - A classmethod that builds `cls(...)`: called on a subclass of
          Version, it returns an instance of that subclass.

        >>> Version.parse("10.0.7")
        Version(major=10, minor=0, patch=7)
        >>> Version.parse("1.02.3")
        Traceback (most recent call last):
        ValueError: ...
        """
        raise NotImplementedError

    def __str__(self) -> str:
        """`"major.minor.patch"`, e.g. `"1.2.3"`."""
        raise NotImplementedError

    def bump(self, part: str) -> Version:
        """A new Version with `part` incremented; this one is unchanged.

        - `"major"`: major + 1, minor and patch reset to 0 (`1.2.3` -> `2.0.0`);
        - `"minor"`: minor + 1, patch reset to 0 (`1.2.3` -> `1.3.0`);
        - `"patch"`: patch + 1 (`1.2.3` -> `1.2.4`);
        - any other `part` raises `ValueError`.
        """
        raise NotImplementedError


class LineItem:
    """One line of an order: `@dataclass(frozen=True)`.

    - Fields, in this order: `sku: str`, `qty: int`, `price_cents: int`.
    - `__post_init__` raises `ValueError` when `qty <= 0` or `price_cents < 0`
      (a price of 0 is allowed).
    - Frozen like Version: assignment raises `dataclasses.FrozenInstanceError`;
      equal by value, hashable; `repr` is the generated one:
      `LineItem(sku='pen', qty=2, price_cents=150)`.

    >>> LineItem("pen", 2, 150).qty
    2
    >>> LineItem("pen", 0, 150)
    Traceback (most recent call last):
    ValueError: ...
    """

    def __init__(self, sku: str, qty: int, price_cents: int) -> None:
        raise NotImplementedError


class Order:
    """An order: a mutable `@dataclass` (not frozen, no ordering).

    - Fields, in this order: `id: str`; `items: list[LineItem]`, defaulting to
      a new empty list for every order (`field(default_factory=list)`: two
      orders never share a list); `note: str = ""`, left out of `repr`;
      `total: int`, which is NOT an `__init__` parameter (passing `total=`
      raises `TypeError`): it is computed in `__post_init__` as the sum of
      `qty * price_cents` over the items.
    - A list passed as `items` is used as it is (not copied).
    - `repr` is the generated one without the note:
      `Order(id='A1', items=[LineItem(sku='pen', qty=2, price_cents=150)], total=300)`.
    - Equality is the generated one: orders are equal when all four fields
      (`id`, `items`, `note`, `total`) are equal.
    - Mutable, therefore not hashable: `hash(order)` raises `TypeError`.

    >>> order = Order("A1", [LineItem("pen", 2, 150)], note="gift")
    >>> order.total
    300
    >>> order.add(LineItem("ink", 1, 99))
    >>> order.total
    399
    """

    def __init__(self, id: str, items: list[LineItem] | None = None, note: str = "") -> None:
        raise NotImplementedError

    def add(self, item: LineItem) -> None:
        """Append `item` to `items` and update `total`; returns `None`."""
        raise NotImplementedError
