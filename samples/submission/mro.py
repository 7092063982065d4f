"""MRO: C3 and a cooperative diamond (sample submission)."""

from __future__ import annotations


def c3(bases: dict[str, list[str]], name: str) -> list[str]:
    # Merge the parents' MROs; the first head that is not in a tail wins.
    parents = [c3(bases, base) for base in bases[name]]
    result = [name]
    while any(parents):
        parents = [p for p in parents if p]
        for p in parents:
            head = p[0]
            if all(head not in q[1:] for q in parents):
                break
        else:
            raise TypeError("inconsistent hierarchy")
        result.append(head)
        for p in parents:
            if p[0] == head:
                p.pop(0)
    if result[-1] != "object":
        result.append("object")
    return result


class Base:
    def __init__(self, log: list[str]) -> None:
        log.append("Base")
        super().__init__()


class Left(Base):
    def __init__(self, log: list[str]) -> None:
        log.append("Left")
        super().__init__(log)


class Right(Base):
    def __init__(self, log: list[str]) -> None:
        log.append("Right")
        Base.__init__(self, log)


class Child(Left, Right):
    def __init__(self, log: list[str]) -> None:
        log.append("Child")
        super().__init__(log)
