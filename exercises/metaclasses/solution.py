"""Reference solution of `metaclasses`."""

from __future__ import annotations

from typing import Any, ClassVar


class PluginMeta(type):
    """Registers each class that defines a `name` str in its own body."""

    registry: ClassVar[dict[str, type]] = {}

    def __new__(
        mcs, name: str, bases: tuple[type, ...], namespace: dict[str, Any], **kwargs: Any
    ) -> PluginMeta:
        # Only the class's own body counts: an inherited `name` belongs to a
        # base that is already registered.
        key = namespace.get("name")
        if isinstance(key, str) and key in PluginMeta.registry:
            # Refuse before the class exists, so the registry keeps the first.
            raise TypeError(f"duplicate plugin name {key!r}")
        cls = super().__new__(mcs, name, bases, namespace, **kwargs)
        if isinstance(key, str):
            PluginMeta.registry[key] = cls
        return cls


class Strict(type):
    """Refuses a class that lacks, as callables, the names `required` lists."""

    def __new__(
        mcs, name: str, bases: tuple[type, ...], namespace: dict[str, Any], **kwargs: Any
    ) -> Strict:
        cls = super().__new__(mcs, name, bases, namespace, **kwargs)
        # The class that assigns `required` is the interface itself.
        if "required" not in namespace:
            required = getattr(cls, "required", ())
            # getattr on the finished class sees its body and every base.
            missing = [n for n in required if not callable(getattr(cls, n, None))]
            if missing:
                raise TypeError(f"{name} is missing {', '.join(missing)}")
        return cls


class Plugin:
    """Registers subclasses by the `key` of their class statement."""

    registry: ClassVar[dict[str, type[Plugin]]] = {}

    def __init_subclass__(cls, /, key: str | None = None, **kwargs: Any) -> None:
        # Cooperative: the other keywords go on to the next base in the MRO.
        super().__init_subclass__(**kwargs)
        if key is None:
            return
        if key in Plugin.registry:
            raise TypeError(f"duplicate plugin key {key!r}")
        Plugin.registry[key] = cls

    @classmethod
    def get(cls, key: str) -> type[Plugin]:
        return Plugin.registry[key]
