"""Typed inputs and results of the personal start plan (no Django, no I/O).

The module is called ``domain`` rather than ``models`` on purpose: ``carechoices.plans`` will
become a Django app, and Django treats an app's ``models.py`` as the home of its ORM models.

Conventions used by every record here:

* dates are calendar dates in the person's own time zone;
* an ``end`` date is the *last day* of a step or hold (inclusive); ``None`` means open-ended;
* doses are ``Decimal`` milligrams, never floats, so that 0.25 + 1 is exactly 1.25.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

Severity = Literal["avoid", "caution", "info"]
HoldKind = Literal["washout", "surgery"]

#: A protocol that needs more titration steps than this is treated as a data-entry mistake
#: (for example a step of 0.01 mg), not as a schedule to print.
MAX_TITRATION_STEPS = 100


class InvalidProtocol(ValueError):
    """A dosing protocol's figures cannot produce a schedule (editorial data error)."""


@dataclass(frozen=True)
class ReferenceInfo:
    """One citable source, in the screen contract's shape ``{id, citation, url}``."""

    id: str
    citation: str
    url: str | None = None

    def to_json(self) -> dict[str, Any]:
        """Return the reference as the contract's JSON object."""
        return {"id": self.id, "citation": self.citation, "url": self.url}


def _as_decimal(value: object, field_name: str) -> Decimal:
    # Editors' data may arrive as int, str or float; go through str so 0.1 stays 0.1.
    if isinstance(value, bool):
        raise InvalidProtocol(f"{field_name} must be a number of milligrams, not {value!r}")
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError) as error:
        raise InvalidProtocol(f"{field_name} is not a number: {value!r}") from error
    if not number.is_finite():
        raise InvalidProtocol(f"{field_name} must be finite, not {value!r}")
    return number


@dataclass(frozen=True)
class DosingProtocol:
    """A therapy's titration protocol as the editors recorded it.

    ``condition`` is ``None`` for the standard protocol, or the concept slug of the condition
    the protocol is meant for (e.g. ``"hashimotos-thyroiditis"``).

    Raises:
        InvalidProtocol: if the figures cannot give a finite, capped schedule.
    """

    name: str
    condition: str | None
    start_dose_mg: Decimal
    step_mg: Decimal
    interval_days: int
    target_mg: Decimal
    timing: str
    note: str
    references: tuple[ReferenceInfo, ...] = ()

    def __post_init__(self) -> None:
        # Frozen dataclass: coerce through object.__setattr__ so callers may pass ints or strs.
        for name in ("start_dose_mg", "step_mg", "target_mg"):
            object.__setattr__(self, name, _as_decimal(getattr(self, name), name))
        object.__setattr__(self, "references", tuple(self.references))
        # A blank condition in the editors' form means "standard", like None.
        if self.condition is not None and not self.condition.strip():
            object.__setattr__(self, "condition", None)
        if self.start_dose_mg <= 0:
            raise InvalidProtocol("start_dose_mg must be more than 0")
        # A step of 0 records a start dose only (the pace after it is the prescriber's call);
        # it then needs target == start, so the plan dates nothing beyond the start.
        if self.step_mg < 0 or (self.step_mg == 0 and self.target_mg != self.start_dose_mg):
            raise InvalidProtocol("step_mg must be more than 0 (or 0 with target_mg equal to start_dose_mg)")
        if self.target_mg < self.start_dose_mg:
            raise InvalidProtocol("target_mg must not be below start_dose_mg")
        if isinstance(self.interval_days, bool) or not isinstance(self.interval_days, int):
            raise InvalidProtocol("interval_days must be a whole number of days")
        if self.interval_days < 1:
            raise InvalidProtocol("interval_days must be at least 1")
        steps_needed = (self.target_mg - self.start_dose_mg) / self.step_mg if self.step_mg else 0
        if steps_needed > MAX_TITRATION_STEPS:
            raise InvalidProtocol(
                f"the protocol needs more than {MAX_TITRATION_STEPS} steps to reach its target"
            )

    def to_json(self) -> dict[str, Any]:
        """Return the protocol as a JSON-ready dict (doses as numbers)."""
        return {
            "name": self.name,
            "condition": self.condition,
            "start_dose_mg": dose_to_json(self.start_dose_mg),
            "step_mg": dose_to_json(self.step_mg),
            "interval_days": self.interval_days,
            "target_mg": dose_to_json(self.target_mg),
            "timing": self.timing,
            "note": self.note,
            "references": [reference.to_json() for reference in self.references],
        }


@dataclass(frozen=True)
class PlanRequest:
    """What a person asks a start plan for.

    ``findings`` are the safety screen's findings for ``therapy``, each exactly in the shape
    of the screen's JSON contract (see PRODUCT.md). Nothing here is stored or logged.
    """

    therapy: str
    start_date: date
    time_zone: str
    conditions: frozenset[str]
    findings: tuple[dict[str, Any], ...]
    prescriber_decision: str | None = None
    dose_time: time = time(21, 0)


@dataclass(frozen=True)
class TitrationStep:
    """One dose taken daily from ``start`` to ``end`` (inclusive); ``end=None`` = ongoing."""

    start: date
    end: date | None
    dose_mg: Decimal
    timing: str
    note: str
    references: tuple[ReferenceInfo, ...]

    @property
    def days(self) -> int | None:
        """Number of dosing days in the step, or ``None`` when it is open-ended."""
        return None if self.end is None else (self.end - self.start).days + 1

    def to_json(self) -> dict[str, Any]:
        """Return the step as a JSON-ready dict."""
        return {
            "start": self.start.isoformat(),
            "end": None if self.end is None else self.end.isoformat(),
            "dose_mg": dose_to_json(self.dose_mg),
            "timing": self.timing,
            "note": self.note,
            "references": [reference.to_json() for reference in self.references],
        }


@dataclass(frozen=True)
class Hold:
    """A span in which the therapy is not taken.

    ``kind`` is ``"washout"`` (before the first dose) or ``"surgery"`` (around a procedure).
    ``end`` is the last day of the hold, or ``None`` when only a physician can end it; then
    ``restart_condition`` says what must happen first.
    """

    kind: HoldKind
    start: date
    end: date | None
    reason: str
    restart_condition: str | None
    references: tuple[ReferenceInfo, ...]
    procedure_date: date | None = None

    def to_json(self) -> dict[str, Any]:
        """Return the hold as a JSON-ready dict."""
        return {
            "kind": self.kind,
            "start": self.start.isoformat(),
            "end": None if self.end is None else self.end.isoformat(),
            "reason": self.reason,
            "restart_condition": self.restart_condition,
            "procedure_date": (
                None if self.procedure_date is None else self.procedure_date.isoformat()
            ),
            "references": [reference.to_json() for reference in self.references],
        }


@dataclass(frozen=True)
class PlanWarning:
    """Something the person and their prescriber should read alongside the schedule.

    ``rule`` names the screening rule the warning came from, or is ``None`` for warnings the
    calculator adds itself. ``prescriber_decision`` marks the record of a prescriber's choice
    to go ahead despite an "avoid" finding; such warnings always come first.
    """

    severity: Severity
    text: str
    references: tuple[ReferenceInfo, ...] = ()
    rule: str | None = None
    prescriber_decision: bool = False

    def to_json(self) -> dict[str, Any]:
        """Return the warning as a JSON-ready dict."""
        return {
            "severity": self.severity,
            "text": self.text,
            "rule": self.rule,
            "prescriber_decision": self.prescriber_decision,
            "references": [reference.to_json() for reference in self.references],
        }


@dataclass(frozen=True)
class Plan:
    """A computed start plan; render it with :meth:`to_json` or ``plans.ics.plan_to_ics``.

    A stopped plan (``stopped=True``) has no steps and no holds, and ``stop_reason`` says why.
    """

    therapy: str
    time_zone: str
    start_date: date
    dose_time: time
    protocol: DosingProtocol
    steps: tuple[TitrationStep, ...]
    holds: tuple[Hold, ...]
    warnings: tuple[PlanWarning, ...]
    stopped: bool = False
    stop_reason: str | None = None
    prescriber_decision: str | None = None

    @property
    def first_dose_date(self) -> date | None:
        """The day of the first scheduled dose, or ``None`` when no dose is scheduled."""
        return self.steps[0].start if self.steps else None

    @property
    def prescriber_decision_warnings(self) -> tuple[PlanWarning, ...]:
        """The warnings recording a prescriber's decision; every rendering must show them."""
        return tuple(warning for warning in self.warnings if warning.prescriber_decision)

    @property
    def references(self) -> tuple[ReferenceInfo, ...]:
        """Every reference the plan cites, each once (first occurrence wins), in plan order."""
        return unique_references(
            [
                self.protocol.references,
                *(step.references for step in self.steps),
                *(hold.references for hold in self.holds),
                *(warning.references for warning in self.warnings),
            ]
        )

    def to_json(self) -> dict[str, Any]:
        """Return the plan as a JSON-ready dict (ISO dates, doses as numbers).

        Keys: therapy, time_zone, start_date, first_dose_date, dose_time, protocol, steps,
        holds, warnings, references, stopped, stop_reason, prescriber_decision.
        """
        first_dose = self.first_dose_date
        return {
            "therapy": self.therapy,
            "time_zone": self.time_zone,
            "start_date": self.start_date.isoformat(),
            "first_dose_date": None if first_dose is None else first_dose.isoformat(),
            "dose_time": self.dose_time.isoformat(timespec="minutes"),
            "protocol": self.protocol.to_json(),
            "steps": [step.to_json() for step in self.steps],
            "holds": [hold.to_json() for hold in self.holds],
            "warnings": [warning.to_json() for warning in self.warnings],
            "references": [reference.to_json() for reference in self.references],
            "stopped": self.stopped,
            "stop_reason": self.stop_reason,
            "prescriber_decision": self.prescriber_decision,
        }


def unique_references(groups: Iterable[Iterable[ReferenceInfo]]) -> tuple[ReferenceInfo, ...]:
    """Flatten groups of references, keeping the first reference seen for each id."""
    seen: dict[str, ReferenceInfo] = {}
    for group in groups:
        for reference in group:
            seen.setdefault(reference.id, reference)
    return tuple(seen.values())


def dose_to_json(dose: Decimal) -> int | float:
    """Return a dose as a JSON number: ``Decimal("4.50")`` -> ``4.5``, ``Decimal("3")`` -> ``3``."""
    if dose == dose.to_integral_value():
        return int(dose)
    return float(dose)


def format_dose(dose: Decimal) -> str:
    """Return a dose for people to read: ``Decimal("4.50")`` -> ``"4.5"``."""
    return format(dose.normalize(), "f")
