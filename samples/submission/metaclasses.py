"""A first attempt at metaclasses."""

from typing import Any, ClassVar


class PluginMeta(type):
    registry: ClassVar[dict[str, type]] = {}

    def __init__(cls, name: str, bases: tuple, namespace: dict, **kwargs: Any) -> None:
        super().__init__(name, bases, namespace, **kwargs)
        plugin_name = getattr(cls, "name", None)
        if plugin_name is None:
            return
        if plugin_name in PluginMeta.registry:
            raise TypeError(f"{plugin_name} is already registered")
        PluginMeta.registry[plugin_name] = cls


class Strict(type):
    def __new__(mcs, name: str, bases: tuple, namespace: dict, **kwargs: Any) -> "Strict":
        cls = super().__new__(mcs, name, bases, namespace, **kwargs)
        if "required" not in namespace:
            missing = [n for n in getattr(cls, "required", ()) if not hasattr(cls, n)]
            if missing:
                raise TypeError(f"{name} is missing {', '.join(missing)}")
        return cls


class Plugin:
    registry: ClassVar[dict[str, type]] = {}

    def __init_subclass__(cls, /, key: str | None = None, **kwargs: Any) -> None:
        if key is not None:
            if key in Plugin.registry:
                raise TypeError(f"{key} is already registered")
            Plugin.registry[key] = cls

    @classmethod
    def get(cls, key: str) -> type:
        return Plugin.registry[key]
