"""Method resolution order: the C3 linearisation, and cooperative super()."""

from __future__ import annotations


def c3(bases: dict[str, list[str]], name: str) -> list[str]:
    """Return the C3 linearisation (the MRO) of class `name`, as class names.

    `bases` maps every class of a hierarchy to the ordered list of its direct
    bases, as written in `class Name(First, Second): ...`. `object` is implicit
    and never listed: a class with no bases maps to `[]`. Every class named
    (as `name` or as a base) is a key of `bases`, and the hierarchy has no
    cycles.

    The result starts with `name` and ends with `"object"`, exactly the names
    of what Python's `Name.__mro__` would be for classes defined that way:

    - the linearisation of a class is the class followed by the merge of the
      linearisations of its bases and of the list of its bases itself;
    - the merge repeatedly takes the first head (first element of a list, in
      the lists' order) that is in no other list's tail (all but the first
      element), appends it and removes it from every list.

    When no consistent order exists (the merge finds no good head; a class
    that lists a base before one of that base's own subclasses, or the same
    base twice; or a base of `name` that is itself inconsistent), raise
    `TypeError`. Classes of `bases` that `name` does not inherit from never
    matter, consistent or not.

    `bases` and its lists are not mutated.

    The point is the algorithm: building real classes (with `type(...)`,
    `types.new_class` or a `class` statement) and reading their `__mro__` is
    detected while this is graded, and such a call fails.

    >>> hierarchy = {"A": [], "B": ["A"], "C": ["A"], "D": ["B", "C"]}
    >>> c3(hierarchy, "D")
    ['D', 'B', 'C', 'A', 'object']
    >>> c3({"A": [], "B": ["A"], "C": ["A", "B"]}, "C")
    Traceback (most recent call last):
        ...
    TypeError: Cannot create a consistent method resolution order (MRO)
    """
    # Each linearisation is computed once (memo), and the merge works on
    # fresh copies: the input's own lists are never touched.
    memo: dict[str, list[str]] = {}

    def linearise(cls: str) -> list[str]:
        if cls not in memo:
            direct = bases[cls]
            if not direct:
                memo[cls] = [cls, "object"]
            else:
                # The list of direct bases takes part in the merge: it keeps
                # the local precedence order (and refuses a duplicated base).
                sequences = [list(linearise(base)) for base in direct]
                sequences.append(list(direct))
                memo[cls] = [cls] + merge(sequences, cls)
        return memo[cls]

    return linearise(name)


def merge(sequences: list[list[str]], cls: str) -> list[str]:
    """The C3 merge of `sequences` (consumed)."""
    result = []
    while True:
        sequences = [seq for seq in sequences if seq]
        if not sequences:
            return result
        for seq in sequences:
            head = seq[0]
            # A good head appears in no list's tail.
            if not any(head in other[1:] for other in sequences):
                break
        else:
            raise TypeError(
                f"Cannot create a consistent method resolution order (MRO) for {cls}"
            )
        result.append(head)
        for seq in sequences:
            if seq[0] == head:
                del seq[0]


# ---- cooperative __init__ ----------------------------------------------------
#
# Four classes forming a diamond. Each `__init__` takes the log (a list) as
# its only argument besides self, appends its own class name to it (the
# literal "Base", "Left", "Right" or "Child", not type(self).__name__), and
# calls super().__init__ exactly once; none of them calls another class's
# __init__ by name. So:
#
#     >>> log = []
#     >>> child = Child(log)  # appends to the very list it is given
#     >>> log
#     ['Child', 'Left', 'Right', 'Base']
#     >>> left = Left(log := [])  # each class alone: itself and what follows
#     >>> log
#     ['Left', 'Base']
#
# Checked: each class alone and Child (their logs, and Child.__mro__), and
# that super() is what is used: the grader defines its own subclasses that
# put its own classes in the MRO, e.g. `class Mixin(Base)` (whose __init__
# logs "Mixin" and calls super().__init__(log)) and `class Sub(Child, Mixin)`:
# Sub(log) must log Child, Left, Right, Mixin, Base, so Right's
# super().__init__(log) must reach Mixin. Base calls super().__init__() with
# no argument (next after Base is object, or a class the grader placed after
# Base in the MRO, which is then called with no argument), so a class after
# Base is reached too. The grader's classes pass on whatever arguments they
# receive (positional or keyword), and log every time their __init__ runs.


class Base:
    """The root of the diamond: logs "Base", then super().__init__()."""

    def __init__(self, log: list[str]) -> None:
        log.append("Base")
        # object (or a class placed after Base) takes no argument.
        super().__init__()


class Left(Base):
    """Logs "Left", then super().__init__(log)."""

    def __init__(self, log: list[str]) -> None:
        log.append("Left")
        super().__init__(log)


class Right(Base):
    """Logs "Right", then super().__init__(log)."""

    def __init__(self, log: list[str]) -> None:
        log.append("Right")
        super().__init__(log)


class Child(Left, Right):
    """Logs "Child", then super().__init__(log): Child, Left, Right, Base."""

    def __init__(self, log: list[str]) -> None:
        log.append("Child")
        super().__init__(log)
