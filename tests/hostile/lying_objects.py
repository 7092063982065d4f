# hostile: returns dict, int, list and tuple subclasses whose __eq__, __iter__,
#          __index__, __len__ and __repr__ lie
# expect: count_visits_counts = failed ~ gave a different result
# expect: count_visits_no_mutation = failed
# expect: freeze_lists = failed
# expect: extend_unique_adds = failed

from collections import Counter


def freeze(value):
    if isinstance(value, (list, tuple)):
        return tuple(freeze(v) for v in value)
    if isinstance(value, dict):
        return tuple((k, freeze(value[k])) for k in sorted(value))
    if isinstance(value, set):
        return frozenset(freeze(v) for v in value)
    return value


def extend_unique(target, items):
    for item in items:
        if item not in target:
            target.append(item)


class Two(int):
    """An int that claims to equal anything and lies about its value."""

    def __eq__(self, other):
        return True

    def __index__(self):
        return 2

    def __repr__(self):
        return "2"

    __hash__ = int.__hash__


class Agreeable(dict):
    def __eq__(self, other):
        return True

    def __len__(self):
        return 0

    def __repr__(self):
        return "{(0, 0): 2, (1, 2): 1}"

    __hash__ = None


def count_visits(path):
    # The first check gets a dict subclass; the rest get real dicts whose
    # counts are int subclasses that say they are 2.
    if path == [[0, 0], [1, 2], [0, 0]]:
        return Agreeable()
    return {(x, y): Two(0) for x, y in path}


class Items(list):
    def __iter__(self):
        return iter([])

    def __len__(self):
        return 0

    def __eq__(self, other):
        return True

    __hash__ = None


_extend_unique = extend_unique


def extend_unique(target, items):
    _extend_unique(target, items)
    return Items(target)


class Tuple(tuple):
    def __iter__(self):
        return iter(())

    def __eq__(self, other):
        return True

    __hash__ = tuple.__hash__


_freeze = freeze


def freeze(value):
    return Tuple(_freeze(value)) if isinstance(value, list) else _freeze(value)
