"""A first attempt at the context managers (sample submission)."""

import contextlib


class managed_file:
    def __init__(self, path, mode="r"):
        self.path = path
        self.mode = mode

    def __enter__(self):
        self.file = open(self.path, self.mode)
        return self.file

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.file.close()
        return False


@contextlib.contextmanager
def temporary_attr(obj, name, value):
    old = getattr(obj, name, None)
    setattr(obj, name, value)
    yield
    if old is None:
        delattr(obj, name)
    else:
        setattr(obj, name, old)


class suppress:
    def __init__(self, *exceptions):
        self.exceptions = exceptions
        self.exception = None

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type in self.exceptions:
            self.exception = exc
            return True
        return False


class CallbackStack:
    def __init__(self):
        self.callbacks = []

    def callback(self, fn, *args, **kwargs):
        self.callbacks.append((fn, args, kwargs))
        return fn

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        for fn, args, kwargs in reversed(self.callbacks):
            fn(*args, **kwargs)
        return False
