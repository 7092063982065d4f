# hostile: returns objects whose __eq__, __iter__, __len__ and __repr__ lie
# expect: count_visits = failed
# expect: freeze turns nested lists = failed

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


class Agreeable(dict):
    def __eq__(self, other):
        return True

    def __len__(self):
        return 0

    def __repr__(self):
        return "{(0, 0): 2, (1, 2): 1}"

    __hash__ = None


def count_visits(path):
    return Agreeable()


class Tuple(tuple):
    def __iter__(self):
        return iter(())

    def __eq__(self, other):
        return True

    __hash__ = tuple.__hash__


_freeze = freeze


def freeze(value):
    return Tuple(_freeze(value)) if isinstance(value, list) else _freeze(value)
