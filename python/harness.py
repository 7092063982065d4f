"""Python helpers the Rust drivers use inside the sandboxed child.

Loaded as a private, fingerprinted fixture module (see ``driver::fixtures``)
before the candidate's module is imported. Nothing here judges the candidate
or keeps a count: observers (clocks, pull counters, the thread hammer) are
native. Candidate code could swap this function's code; the harness checks
after every call that it did not.
"""


def one_shot(items):
    """A generator over ``items``: it can be iterated only once."""
    return (item for item in items)
