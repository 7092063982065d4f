"""A candidate's attempt at args_kwargs."""

from __future__ import annotations

from typing import Any


def collect(*args: Any, **kwargs: Any) -> tuple[tuple[Any, ...], dict[str, Any]]:
    return args, kwargs


def partial(func, /, *args, **kwargs):
    # A closure with attributes: works for simple calls, but every call
    # updates the stored keywords, and a partial of a partial is not flattened.
    def p(*more, **kw):
        kwargs.update(kw)
        return func(*args, *more, **kwargs)

    p.func = func
    p.args = args
    p.keywords = kwargs
    return p


def bind(spec: str, /, *args: Any, **kwargs: Any) -> dict[str, Any]:
    # Let Python do the binding. locals() lists *rest and **extra after the
    # keyword-only parameters, not in the order of the spec.
    namespace: dict[str, Any] = {}
    exec(f"def f({spec}): return dict(locals())", namespace)
    return namespace["f"](*args, **kwargs)
