"""A CSV larger than memory: a first attempt."""

import csv


def aggregate(path, key, value):
    totals = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row[value] == "":
                continue
            count, total = totals.get(row[key], (0, 0))
            totals[row[key]] = (count + 1, total + int(row[value]))
    return totals


def top_n(path, column, n):
    with open(path, newline="", encoding="utf-8") as f:
        rows = [row for row in csv.DictReader(f) if row[column] != ""]
    rows.sort(key=lambda row: int(row[column]), reverse=True)
    return rows[:n]


def iter_rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            yield row
