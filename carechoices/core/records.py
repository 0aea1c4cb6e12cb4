"""Frozen dataclasses that cost less to create. Standard library only; no Django.

A frozen dataclass's generated ``__init__`` sets each field through ``object.__setattr__``
(its own ``__setattr__`` refuses), which on Python 3.11 costs about 100 ns a field: a screen
creates about seventy of the records decorated here (matches, readings, hits, findings), and
their ``__init__`` was about a tenth of its instructions. :func:`quick_init` gives such a class an
``__init__`` with the same signature that writes the fields into the instance's ``__dict__``
directly, as ``dataclasses.replace`` and pickling already do. Everything else stays what
``@dataclass`` made: equality, hashing, ordering, ``repr``, and the refusal of any later
assignment (``FrozenInstanceError``). The tests hold each decorated class to that.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

__all__ = ["quick_init"]

_Class = TypeVar("_Class", bound=type)
#: The generated ``__init__``'s own names, which no field may take.
_SELF, _FIELDS = "self", "_quick_init_fields"


def quick_init(cls: _Class) -> _Class:
    """Replace the generated ``__init__`` of the frozen dataclass ``cls`` (apply it above
    ``@dataclass(frozen=True)``).

    Only for the plain case: every field in ``__init__``, positional or with a plain default
    (no ``default_factory``, no keyword-only field, no ``__post_init__``) and a ``__dict__``
    to write into (not ``slots=True``). Anything else raises ``TypeError`` when the class is
    defined, rather than giving it a different ``__init__``.
    """
    params = getattr(cls, "__dataclass_params__", None)
    if params is None or not params.frozen:
        raise TypeError(f"{cls.__qualname__}: quick_init is for frozen dataclasses")
    if "__slots__" in cls.__dict__ or hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__qualname__}: quick_init needs a __dict__ and no __post_init__")
    namespace: dict[str, Any] = {}
    arguments: list[str] = []
    for field in dataclasses.fields(cls):
        if not field.init or field.kw_only or field.default_factory is not dataclasses.MISSING:
            raise TypeError(f"{cls.__qualname__}.{field.name}: quick_init takes plain fields only")
        if field.default is dataclasses.MISSING:
            arguments.append(field.name)
        else:
            namespace[f"_default_{field.name}"] = field.default
            arguments.append(f"{field.name}=_default_{field.name}")
    names = [field.name for field in dataclasses.fields(cls)]
    if _SELF in names or _FIELDS in names:
        raise TypeError(f"{cls.__qualname__}: a field may not be called {_SELF} or {_FIELDS}")
    body = "\n".join(f"    {_FIELDS}[{name!r}] = {name}" for name in names)
    source = (
        f"def __init__({_SELF}, {', '.join(arguments)}):\n"
        f"    {_FIELDS} = {_SELF}.__dict__\n{body}\n"
    )
    exec(source, namespace)  # noqa: S102 - built from the class's own field names, as dataclasses does
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    init.__doc__ = cls.__init__.__doc__
    init.__annotations__ = dict(cls.__init__.__annotations__)  # the same signature, types too
    cls.__init__ = init  # type: ignore[misc]
    return cls
