# hostile: builds lru_cache on functools' C wrapper, reached through a stdlib function that is already cached
# exercise: lru_cache
# expect: hits = error ~ functools' own C lru_cache wrapper
# expect: maxsize_none = error ~ functools' own C lru_cache wrapper
import fnmatch
import functools

_CWrapper = type(fnmatch._compile_pattern)


def lru_cache(maxsize=128):
    def decorate(func):
        wrapper = _CWrapper(func, maxsize, False, functools._CacheInfo)
        return functools.update_wrapper(wrapper, func)

    return decorate
