"""Read a JSON request body strictly: numbers JSON cannot carry are named by their path.

``json.loads`` raises a bare ``ValueError`` for an integer of more than 4,300 digits (Python's
guard against quadratic ``int(str)``) and accepts ``NaN``, ``Infinity`` and ``1e400`` (which
becomes infinity). Here each of those becomes a :class:`JSONValueError` naming where it is, as
a JSON path ("medicines[3]", "procedures[0].date"), so the API answers a 4xx naming the field.
Deep nesting still raises ``RecursionError`` and malformed text ``json.JSONDecodeError``, for
the caller to word. No Django import.
"""

from __future__ import annotations

import json
import math
import sys
from typing import Any, Final

MAX_INTEGER_DIGITS: Final = sys.get_int_max_str_digits() or 4300


class JSONValueError(ValueError):
    """A value in the body that no field can take; ``path`` says where it is."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}")


class _Unreadable:
    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason


def _integer(text: str) -> int | _Unreadable:
    if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
        return _Unreadable(f"is a number with more than {MAX_INTEGER_DIGITS:,} digits")
    return int(text)


def _float(text: str) -> float | _Unreadable:
    value = float(text)
    return value if math.isfinite(value) else _Unreadable("is a number too large to hold")


def _constant(name: str) -> _Unreadable:
    return _Unreadable(f"is {name}, which is not a number JSON allows")


def _path(parent: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{parent}[{key}]"
    shown = key if key.isidentifier() and len(key) <= 40 else "(a key)"
    return f"{parent}.{shown}" if parent else shown


def _first_unreadable(value: Any) -> tuple[str, str] | None:
    """The path and reason of the first unreadable value, depth first, without recursion."""
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, _Unreadable):
            return path or "body", item.reason
        if isinstance(item, dict):
            children = [(_path(path, key), child) for key, child in item.items()]
        elif isinstance(item, list):
            children = [(_path(path, index), child) for index, child in enumerate(item)]
        else:
            continue
        stack.extend(reversed(children))
    return None


def loads(text: str | bytes) -> Any:
    """Parse ``text`` as JSON; raise :class:`JSONValueError` for numbers JSON cannot carry.

    The parsed value is walked for the unreadable value's path only when the parser met one:
    a body of ordinary numbers costs one parse.
    """
    met: list[_Unreadable] = []

    def noted(reader):
        def read(text: str):
            value = reader(text)
            if isinstance(value, _Unreadable):
                met.append(value)
            return value

        return read

    value = json.loads(
        text, parse_int=noted(_integer), parse_float=noted(_float), parse_constant=noted(_constant)
    )
    if not met:
        return value
    problem = _first_unreadable(value)
    if problem is not None:
        raise JSONValueError(*problem)
    return value
