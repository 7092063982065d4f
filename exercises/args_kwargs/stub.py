"""*args and **kwargs: gathering, forwarding and binding arguments.

Write three functions in `args_kwargs.py`: one that shows what `*args` and
`**kwargs` gather, a `partial` like `functools.partial` (which is unavailable
while this exercise is graded: build your own), and `bind`, which binds a call
to a parameter list exactly as Python does.

Run `pyinterview check args_kwargs` to test your work.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def collect(*args: Any, **kwargs: Any) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """Return exactly what was passed: `(positional arguments, keyword arguments)`.

    - The positional arguments come back as a `tuple` (an empty tuple when there
      are none), each argument as the very value passed: a tuple passed as one
      argument stays one argument.
    - The keyword arguments come back as a `dict` (empty when there are none)
      whose keys are in the order the call wrote them.

    >>> collect(1, (2, 3), b=4, a=5)
    ((1, (2, 3)), {'b': 4, 'a': 5})
    >>> list(collect(z=1, y=2)[1])
    ['z', 'y']
    """
    raise NotImplementedError


def partial(func: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Callable[..., Any]:
    """Return a callable `p` that calls `func` with `args` and `kwargs` filled in.

    - `p(*more, **kw)` returns `func(*args, *more, **{**kwargs, **kw})`: the
      stored positional arguments first, then the new ones; the stored keyword
      arguments merged with the new ones, a new keyword replacing a stored one
      of the same name (keyword order: the stored ones first, in their order,
      then the new ones). Any keyword name works, both when making `p` and when
      calling it, including `func` and `self`:
      `partial(f, func=1)(self=2)` calls `f(func=1, self=2)`.
    - `p.func` is `func`, `p.args` is a `tuple` of the stored positional
      arguments, `p.keywords` a `dict` of the stored keyword arguments.
    - Calling `p` never changes `p.args` or `p.keywords`: each call starts
      from the stored arguments again.
    - A partial of a partial flattens: if `func` is itself a callable returned
      by `partial`, the new partial's `func` is the original function, its
      `args` the inner args followed by the new ones, and its `keywords` a new
      dict `{**inner.keywords, **kwargs}` (the inner partial's `keywords` is
      left unchanged). Only callables returned by `partial` are flattened: any
      other callable, even one that has `func`, `args` and `keywords`
      attributes, is wrapped as it is.
    - `functools.partial` is unavailable to your code while this exercise is
      graded (also when reached by another route): build your own. Standard
      library functions that use it internally, such as `inspect.signature`,
      still work.

    >>> def f(*a, **k): return a, k
    >>> p = partial(f, 1, x=1)
    >>> p(2, y=2)
    ((1, 2), {'x': 1, 'y': 2})
    >>> q = partial(p, 3, x=9)
    >>> q.func is f, q.args, q.keywords
    (True, (1, 3), {'x': 9})
    """
    raise NotImplementedError


def bind(spec: str, /, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Bind the call `(*args, **kwargs)` to the parameter list `spec`, as Python does.

    `spec` is what would stand between the parentheses of a `def`, e.g.
    `"a, b=2, /, c=3, *rest, d, e=5, **extra"`. It is always valid Python:
    parameters are separated by `", "`; a default is written `name=literal`
    with no spaces, the literal an int (possibly negative), a single-quoted
    word such as `'hi'` (letters only) or `None`; there are no annotations.
    `/` ends the positional-only parameters, `*name` or a bare `*` starts the
    keyword-only ones, `**name` comes last.

    Returns a new `dict` with one entry per parameter, in the order of `spec`
    (a bare `*` and `/` have no entry): each parameter's bound value or else its
    default; the `*name` parameter a `tuple` of the extra positional arguments
    (possibly empty); the `**name` parameter a `dict` of the keyword arguments
    no other parameter took (possibly empty), in call order.

    Raises `TypeError`, exactly when Python's own call would, for:
    - a missing argument (a parameter with no default that nothing bound);
    - too many positional arguments (and no `*name` to take them);
    - an argument given twice (positionally and by keyword);
    - an unexpected keyword: a name no parameter takes by keyword (the names
      of `*name` and `**name` themselves are not taken by keyword);
    - a positional-only parameter passed by keyword, unless a `**name`
      parameter exists, which then receives it as an ordinary extra keyword.

    `spec` itself is positional-only, so a parameter may be called `spec`.

    >>> bind("a, b=2, /, c=3, *rest, d, e=5, **extra", 1, d=4, a=0)
    {'a': 1, 'b': 2, 'c': 3, 'rest': (), 'd': 4, 'e': 5, 'extra': {'a': 0}}
    >>> bind("a, *rest", 1, 2, 3)
    {'a': 1, 'rest': (2, 3)}
    >>> bind("a, /, b", a=1, b=2)
    Traceback (most recent call last):
    TypeError: ...
    """
    raise NotImplementedError
