# hostile: hides functools' C lru_cache from the harness's object count by freezing it out of the garbage collector's sight (gc.freeze)
# exercise: lru_cache
# expect: hits evicts_lru maxsize_none metadata thread_safety = error ~ functools' own C lru_cache wrapper
# note: moves objects out of the garbage collector
import fnmatch
import functools
import gc

_CWrapper = type(fnmatch._compile_pattern)


def lru_cache(maxsize=128):
    def decorate(func):
        inner = _CWrapper(func, maxsize, False, functools._CacheInfo)
        gc.freeze()  # gc.get_objects() no longer lists `inner`

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            return inner(*args, **kwargs)

        wrapper.cache_info = inner.cache_info
        wrapper.cache_clear = inner.cache_clear
        return wrapper

    return decorate
