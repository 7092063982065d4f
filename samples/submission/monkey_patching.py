"""A first attempt at monkey_patching."""

import functools
import importlib


def _find(path):
    module_name, _, rest = path.partition(".")
    obj = importlib.import_module(module_name)
    for part in rest.split(".") if rest else []:
        try:
            obj = getattr(obj, part)
        except AttributeError:
            obj = importlib.import_module(obj.__name__ + "." + part)
    return obj


class patch:
    def __init__(self, target, new):
        self.owner_path, _, self.name = target.rpartition(".")
        self.new = new
        self.owner = None

    def __enter__(self):
        self.owner = getattr(self, "fixed_owner", None) or _find(self.owner_path)
        self.had = hasattr(self.owner, self.name)
        self.old = getattr(self.owner, self.name, None)
        setattr(self.owner, self.name, self.new)
        return self.new

    def __exit__(self, exc_type, exc, tb):
        if self.had:
            setattr(self.owner, self.name, self.old)
        else:
            delattr(self.owner, self.name)
        return False

    def __call__(self, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            self.__enter__()
            result = func(*args, **kwargs)
            self.__exit__(None, None, None)
            return result

        return wrapper


def patch_object(obj, name, new):
    p = patch("." + name, new)
    p.fixed_owner = obj
    return p


class Call:
    def __init__(self, args, kwargs, result, exception):
        self.args = args
        self.kwargs = kwargs
        self.result = result
        self.exception = exception


class spy:
    def __init__(self, obj, name):
        self.obj = obj
        self.name = name
        self.original = getattr(obj, name)
        self.calls = []

        def wrapper(*args, **kwargs):
            try:
                result = self.original(*args, **kwargs)
            except Exception as exc:
                self.calls.append(Call(args, kwargs, None, exc))
                raise
            self.calls.append(Call(args, kwargs, result, None))
            return result

        setattr(obj, name, wrapper)

    def restore(self):
        setattr(self.obj, self.name, self.original)
