"""Metaclasses: code that runs when a class is created.

A class is an instance of its metaclass (`type` by default), so a metaclass's
`__new__`/`__init__` run once per class statement: the place to register
classes or to refuse incomplete ones. `__init_subclass__` does the same job
from the base class, without a metaclass. Write a registering metaclass, an
interface-enforcing metaclass, and a registering base class.

How the grader defines classes: `new_class(name, bases, body, **kwds)` runs
exactly what the class statement `class name(*bases, **kwds): body` runs
(the metaclass taken from `metaclass=` or from the bases, `__prepare__`,
then `metaclass(name, bases, namespace, **kwds)`), so write your code for
ordinary class statements. Before each scenario it empties the registries
with `PluginMeta.registry.clear()` and `Plugin.registry.clear()`: keep them
the plain dicts defined below, and keep using those very objects.

Run `pyinterview check metaclasses` to test your work.
"""

from __future__ import annotations

from typing import Any, ClassVar


class PluginMeta(type):
    """A metaclass that registers every concrete class created with it.

    - A class created with this metaclass (`class Csv(metaclass=PluginMeta)`,
      or any subclass of such a class) that DEFINES `name` in its own class
      body, as a `str`, is registered: `PluginMeta.registry[name]` is the
      class. The registry keeps definition order.
    - A class whose body does not define `name` is not registered (an
      abstract base), even when it inherits a `name` from a registered base:
      only its own body counts. A `name` that is not a `str` (e.g.
      `name = None`) counts as no name.
    - A name that is already registered raises `TypeError` at class
      creation (the class statement fails); the registry keeps the first
      class under that name and gains nothing.
    - `registry` is one dict shared by every class made with the metaclass.

    >>> class Base(metaclass=PluginMeta): pass      # not registered
    >>> class Csv(Base): name = "csv"
    >>> class Excel(Csv): pass                      # inherits name: not registered
    >>> PluginMeta.registry
    {'csv': <class 'Csv'>}
    >>> class Other(Base): name = "csv"
    Traceback (most recent call last):
    TypeError: ...
    >>> PluginMeta.registry["csv"] is Csv
    True
    """

    registry: ClassVar[dict[str, type]] = {}

    def __new__(
        mcs, name: str, bases: tuple[type, ...], namespace: dict[str, Any], **kwargs: Any
    ) -> PluginMeta:
        raise NotImplementedError


class Strict(type):
    """A metaclass that refuses a class lacking the methods its interface requires.

    - A class whose own body assigns `required` (a tuple of attribute names)
      declares an interface: it is not checked itself.
    - Every other class created with this metaclass (any subclass of such a
      class) is checked against `required` as it inherits it (the nearest
      one in its MRO; no `required` anywhere: nothing is required). Each
      required name must be defined in its body or inherited from any base
      (a plain mixin class included), as a callable: `getattr(cls, name)`
      exists and `callable()` says yes. A non-callable attribute of that
      name (`area = 3`) counts as missing.
    - Otherwise the class statement raises `TypeError` whose message is
      exactly `"<class name> is missing <names>"`, the missing names in the
      order of `required`, joined with `", "`.

    >>> class Shape(metaclass=Strict):
    ...     required = ("area", "perimeter")        # the interface: not checked
    >>> class Square(Shape):
    ...     def area(self): ...
    ...     perimeter = 4
    Traceback (most recent call last):
    TypeError: Square is missing perimeter
    >>> class Circle(Shape):
    ...     def area(self): ...
    ...     def perimeter(self): ...
    """

    def __new__(
        mcs, name: str, bases: tuple[type, ...], namespace: dict[str, Any], **kwargs: Any
    ) -> Strict:
        raise NotImplementedError


class Plugin:
    """A base class that registers its subclasses with `__init_subclass__`.

    - `class Csv(Plugin, key="csv")` registers `Csv` under `"csv"`:
      `Plugin.registry["csv"] is Csv`, in definition order, one dict for the
      whole hierarchy (subclasses of subclasses register there too).
    - A subclass defined without `key` (or with `key=None`) is not registered;
      the key is never inherited: `class Tsv(Csv)` is not registered.
    - A key that is already registered raises `TypeError` at class creation;
      the first class stays registered under it.
    - Any other keyword arguments are passed on with
      `super().__init_subclass__(**kwargs)`, so another base's
      `__init_subclass__` receives them (and `object` refuses unknown ones
      with `TypeError`, as it always does).
    - `Plugin.get(key)` returns the registered class; an unknown key raises
      `KeyError`.

    >>> class Csv(Plugin, key="csv"): pass
    >>> Plugin.get("csv") is Csv
    True
    >>> Plugin.get("xml")
    Traceback (most recent call last):
    KeyError: 'xml'
    """

    registry: ClassVar[dict[str, type[Plugin]]] = {}

    def __init_subclass__(cls, /, key: str | None = None, **kwargs: Any) -> None:
        raise NotImplementedError

    @classmethod
    def get(cls, key: str) -> type[Plugin]:
        raise NotImplementedError
