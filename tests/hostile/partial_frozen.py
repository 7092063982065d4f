# hostile: wraps a real functools partial (from a fresh _functools) in a plain function, then freezes it out of the garbage collector's sight (gc.freeze) so an object count misses it
# exercise: args_kwargs
# expect: partial_not_functools = failed
"""Reference solution for the `args_kwargs` exercise: gathering arguments,
forwarding them through a hand-made partial, and binding a call to a
parameter list by Python's own rules."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def collect(*args: Any, **kwargs: Any) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """Return `(args, kwargs)` exactly as passed."""
    # *args is already a tuple and **kwargs a fresh dict in call order.
    return args, kwargs


class _Partial:
    """What `partial` returns: the function plus the stored arguments."""

    def __init__(self, func: Callable[..., Any], args: tuple[Any, ...], keywords: dict[str, Any]):
        self.func = func
        self.args = args
        self.keywords = keywords

    # `self` is positional-only so that a keyword argument named `self` (or
    # anything else) reaches **kw instead of clashing with it.
    def __call__(self, /, *more: Any, **kw: Any) -> Any:
        # A new dict per call: the stored keywords are never modified.
        return self.func(*self.args, *more, **{**self.keywords, **kw})

    def __repr__(self) -> str:
        return f"partial({self.func!r}, *{self.args!r}, **{self.keywords!r})"


def partial(func, /, *args, **kwargs):
    import gc
    import sys

    saved = sys.modules.pop("_functools")
    import _functools as fresh

    sys.modules["_functools"] = saved
    inner = fresh.partial(func, *args, **kwargs)
    gc.freeze()  # gc.get_objects() no longer lists `inner`

    def call(*more, **extra):
        return inner(*more, **extra)

    call.func, call.args, call.keywords = inner.func, inner.args, inner.keywords
    return call


def _literal(text: str) -> Any:
    """The value of a default: an int, a single-quoted word or None."""
    if text == "None":
        return None
    if text.startswith("'"):
        return text[1:-1]
    return int(text)


def _parse(spec: str) -> list[tuple[str, str, tuple[Any, ...]]]:
    """(name, kind, (default,) or ()) per parameter; kind is one of
    'positional_only', 'positional', 'var_positional', 'keyword_only',
    'var_keyword'."""
    params: list[tuple[str, str, tuple[Any, ...]]] = []
    kind = "positional"
    for part in spec.split(", ") if spec else []:
        if part == "/":
            # Everything so far was positional-only.
            params = [(n, "positional_only", d) for n, _, d in params]
        elif part == "*":
            kind = "keyword_only"
        elif part.startswith("**"):
            params.append((part[2:], "var_keyword", ()))
        elif part.startswith("*"):
            params.append((part[1:], "var_positional", ()))
            kind = "keyword_only"
        elif "=" in part:
            name, default = part.split("=", 1)
            params.append((name, kind, (_literal(default),)))
        else:
            params.append((part, kind, ()))
    return params


def bind(spec: str, /, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Bind `(*args, **kwargs)` to the parameter list `spec` as Python does."""
    params = _parse(spec)
    positional = [n for n, k, _ in params if k in ("positional_only", "positional")]
    by_keyword = {n for n, k, _ in params if k in ("positional", "keyword_only")}
    has_var_positional = any(k == "var_positional" for _, k, _ in params)
    has_var_keyword = any(k == "var_keyword" for _, k, _ in params)

    bound: dict[str, Any] = dict(zip(positional, args))
    rest = args[len(positional):]
    if rest and not has_var_positional:
        raise TypeError(f"takes {len(positional)} positional arguments but {len(args)} were given")

    extra: dict[str, Any] = {}
    for name, value in kwargs.items():
        if name in by_keyword:
            if name in bound:
                raise TypeError(f"got multiple values for argument {name!r}")
            bound[name] = value
        elif has_var_keyword:
            # Unknown names, positional-only names and the names of *rest
            # and **extra themselves all land in **extra.
            extra[name] = value
        else:
            raise TypeError(f"got an unexpected keyword argument {name!r}")

    result: dict[str, Any] = {}
    for name, kind, default in params:
        if kind == "var_positional":
            result[name] = tuple(rest)
        elif kind == "var_keyword":
            result[name] = extra
        elif name in bound:
            result[name] = bound[name]
        elif default:
            result[name] = default[0]
        else:
            raise TypeError(f"missing a required argument: {name!r}")
    return result
