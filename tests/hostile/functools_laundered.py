# hostile: hides functools' C lru_cache (its type reached through a stdlib function that is cached) behind a plain wrapper
# exercise: lru_cache
# expect: hits evicts_lru maxsize_none metadata thread_safety = error ~ functools' own C lru_cache wrapper
import fnmatch
import functools

_CWrapper = type(fnmatch._compile_pattern)


def lru_cache(maxsize=128):
    def decorate(func):
        inner = _CWrapper(func, maxsize, False, functools._CacheInfo)

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            return inner(*args, **kwargs)

        wrapper.cache_info = inner.cache_info
        wrapper.cache_clear = inner.cache_clear
        return wrapper

    return decorate
