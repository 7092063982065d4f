# hostile: lets Python compute the MRO (builds the hierarchy with type()) and freezes the new classes out of the garbage collector's sight (gc.freeze) so the probe's before/after listing misses them
# exercise: mro
# expect: c3_diamond c3_merge c3_random = error ~ the point is the C3 merge itself
import gc


def c3(bases, name):
    built = {}

    def make(n):
        if n not in built:
            built[n] = type(n, tuple(make(b) for b in bases[n]), {})
        return built[n]

    try:
        cls = make(name)
    except TypeError:
        gc.freeze()
        raise
    gc.freeze()  # gc.get_objects() no longer lists the classes just built
    return [c.__name__ for c in cls.__mro__]
