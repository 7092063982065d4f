"""A candidate's attempt at comprehensions."""

from __future__ import annotations


def even_squares(n):
    return [x ** 2 for x in range(n) if x % 2 == 0]


def invert(mapping):
    return {v: k for k, v in mapping.items()}


def transpose(matrix):
    # zip gives the columns, but as tuples
    return list(zip(*matrix))


def word_positions(text):
    positions = {}
    for i, word in enumerate(text.lower().split()):
        positions.setdefault(word, []).append(i)
    return positions


def pairs_summing_to(nums, target):
    return {(min(a, b), max(a, b)) for i, a in enumerate(nums) for b in nums[i:] if a + b == target}
