# hostile: wraps a real functools partial (from a fresh _functools) in a plain function, then freezes it out of the garbage collector's sight (gc.freeze) so an object count misses it
# exercise: args_kwargs
# expect: partial_not_functools = failed
# Only `partial` is here: the other checks miss their functions, which is theirs to lose.


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
