"""quick_init: the same records as @dataclass(frozen=True) makes, created for less."""

from __future__ import annotations

import dataclasses
import datetime
import inspect
import pickle
from dataclasses import dataclass, field

import pytest

from carechoices.core.records import quick_init
from carechoices.medicines.parsing import Token
from carechoices.medicines.vocabulary import ConditionMatch, MedicineMatch, _SpanHit
from carechoices.screening import engine, results

DECORATED = [
    results.TriggeredBy,
    results.WaitUntilCleared,
    results.ProcedureStop,
    results.Finding,
    results.TherapyResult,
    results.InputReading,
    results.DataSource,
    results.ScreenResult,
    engine._Hit,
    engine._Carrier,
    MedicineMatch,
    ConditionMatch,
    _SpanHit,
    Token,
]


def _twin(cls: type) -> type:
    """The class as plain @dataclass makes it, from the same fields and options."""
    params = cls.__dataclass_params__  # type: ignore[attr-defined]
    fields = [
        (f.name, f.type, field(default=f.default, compare=f.compare, hash=f.hash, repr=f.repr))
        if f.default is not dataclasses.MISSING
        else (f.name, f.type, field(compare=f.compare, hash=f.hash, repr=f.repr))
        for f in dataclasses.fields(cls)
    ]
    return dataclasses.make_dataclass(
        cls.__name__, fields, frozen=True, order=params.order, eq=params.eq
    )


def _sample(f: dataclasses.Field, index: int) -> object:
    return f"{f.name}-{index}"


@pytest.mark.parametrize("cls", DECORATED, ids=lambda cls: cls.__qualname__)
def test_decorated_records_match_plain_frozen_dataclasses(cls: type) -> None:
    twin = _twin(cls)
    assert inspect.signature(cls.__init__) == inspect.signature(twin.__init__)
    required = [f for f in dataclasses.fields(cls) if f.default is dataclasses.MISSING]
    everything = dataclasses.fields(cls)
    for chosen in (required, everything):
        values = {f.name: _sample(f, i) for i, f in enumerate(chosen)}
        made, plain = cls(**values), twin(**values)
        assert dataclasses.asdict(made) == dataclasses.asdict(plain)
        assert repr(made).split("(", 1)[1] == repr(plain).split("(", 1)[1]
        # Positional arguments land in the same fields.
        assert cls(*values.values()) == made
        assert hash(made) == hash(cls(**values))
        assert pickle.loads(pickle.dumps(made)) == made  # noqa: S301 - our own bytes
        with pytest.raises(dataclasses.FrozenInstanceError):
            made.__setattr__(everything[0].name, "changed")
        if chosen is required:
            for f in everything[len(required) :]:
                assert getattr(made, f.name) == f.default


def test_quick_init_keeps_missing_and_unknown_arguments_errors() -> None:
    with pytest.raises(TypeError):
        results.TriggeredBy("only one")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        results.DataSource("a", "b", "c", colour="red")  # type: ignore[call-arg]


def test_quick_init_refuses_what_it_cannot_copy() -> None:
    @dataclass
    class Mutable:
        value: int

    @dataclass(frozen=True, slots=True)
    class Slotted:
        value: int

    @dataclass(frozen=True)
    class Factory:
        values: list[int] = field(default_factory=list)

    @dataclass(frozen=True)
    class KeywordOnly:
        value: int = field(kw_only=True)

    @dataclass(frozen=True)
    class PostInit:
        value: int

        def __post_init__(self) -> None:  # pragma: no cover - never created
            pass

    @dataclass(frozen=True)
    class Clashing:
        _quick_init_fields: int

    for cls in (Mutable, Slotted, Factory, KeywordOnly, PostInit, Clashing):
        with pytest.raises(TypeError):
            quick_init(cls)


def test_quick_init_defaults_are_the_declared_ones() -> None:
    stop = results.ProcedureStop("surgery", datetime.date(2026, 6, 1), 2, 3, "", datetime.date(2026, 5, 1))
    assert stop.stop_from == datetime.date(2026, 5, 29)
    reading = results.InputReading("x", "medicine", "unrecognised")
    assert (reading.ingredients, reading.matched, reading.procedure_date) == ((), "", None)
