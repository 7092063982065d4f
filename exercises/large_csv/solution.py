"""A CSV larger than memory: reference solution."""

from __future__ import annotations

import csv
import heapq
from collections.abc import Iterator


def _rows(path: str) -> Iterator[dict[str, str]]:
    # newline="" lets the csv module see line breaks inside quoted fields;
    # utf-8-sig drops a byte order mark that would otherwise stick to the
    # first column's name. The file object reads in small buffered chunks,
    # so memory stays flat however long the file is.
    with open(path, newline="", encoding="utf-8-sig") as f:
        yield from csv.DictReader(f)


def aggregate(path: str, key: str, value: str) -> dict[str, tuple[int, int]]:
    totals: dict[str, tuple[int, int]] = {}
    for row in _rows(path):
        amount = row[value]
        if amount == "":
            continue
        count, total = totals.get(row[key], (0, 0))
        totals[row[key]] = (count + 1, total + int(amount))
    return totals


def top_n(path: str, column: str, n: int) -> list[dict[str, str]]:
    if n < 0:
        raise ValueError(f"n must be at least 0, got {n}")
    # A min-heap of the n best so far. Among equal values the EARLIER row is
    # better, so the heap orders by (value, -index): the root is the smallest
    # value and, among ties, the latest row, the first to be pushed out.
    heap: list[tuple[int, int, dict[str, str]]] = []
    for index, row in enumerate(_rows(path)):
        if n == 0 or row[column] == "":
            continue
        entry = (int(row[column]), -index, row)
        if len(heap) < n:
            heapq.heappush(heap, entry)
        elif entry[:2] > heap[0][:2]:
            heapq.heapreplace(heap, entry)
    # (value, -index) pairs are unique, so the dicts are never compared.
    return [row for _, _, row in sorted(heap, key=lambda e: e[:2], reverse=True)]


def iter_rows(path: str) -> Iterator[dict[str, str]]:
    # A generator: nothing is opened until the first next(), and the with
    # block closes the file when the generator ends or is closed.
    with open(path, newline="", encoding="utf-8-sig") as f:
        yield from csv.DictReader(f)
