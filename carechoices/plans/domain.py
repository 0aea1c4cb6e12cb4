"""Typed inputs and results of the personal start plan (no Django, no I/O).

The module is called ``domain`` rather than ``models`` on purpose: ``carechoices.plans`` is a
Django app, and Django treats an app's ``models.py`` as the home of its ORM models.

Conventions used by every record here:

* dates are calendar dates in the person's own time zone;
* a dosing protocol reproduces *one* cited source's schedule exactly: a stated range of days
  stays a range (``min_days``-``max_days``) and is dated at both ends; a parameter the source
  leaves open (e.g. the starting dose of "go up by 1 mg a week") is asked for, never filled in;
* doses are ``Decimal`` milligrams, never floats, so that 0.25 + 1 is exactly 1.25.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from carechoices.screening.models import ReferenceInfo

Severity = Literal["avoid", "caution", "info"]
HoldKind = Literal["opioid-wean", "opioid-clearance", "surgery"]

#: A protocol that needs more titration steps than this is treated as a data-entry mistake
#: (for example a step of 0.01 mg), not as a schedule to print.
MAX_TITRATION_STEPS = 100

__all__ = [
    "MAX_TITRATION_STEPS",
    "DosingProtocol",
    "Hold",
    "InvalidProtocol",
    "Plan",
    "PlanRequest",
    "PlanWarning",
    "ReferenceInfo",
    "ScheduleStep",
    "TitrationStep",
    "dose_to_json",
    "format_dose",
    "reference_json",
    "unique_references",
]


class InvalidProtocol(ValueError):
    """A dosing protocol's figures cannot produce a schedule (editorial data error)."""


def reference_json(reference: ReferenceInfo) -> dict[str, Any]:
    """A reference in the screen contract's shape ``{id, citation, url}``."""
    return {"id": reference.id, "citation": reference.citation, "url": reference.url}


def as_decimal(value: object, field_name: str) -> Decimal:
    """Milligrams as a finite ``Decimal`` (editors' data may be int, str or float)."""
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
class ScheduleStep:
    """One dose of a schedule, taken daily for ``min_days``-``max_days`` days.

    The last step of a schedule is open-ended (both ``None``): how long to stay on it is the
    prescriber's decision.
    """

    dose_mg: Decimal
    min_days: int | None = None
    max_days: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "dose_mg", as_decimal(self.dose_mg, "dose_mg"))
        if self.dose_mg <= 0:
            raise InvalidProtocol("every dose must be more than 0 mg")
        if (self.min_days is None) != (self.max_days is None):
            raise InvalidProtocol("a step gives both its shortest and longest number of days, or neither")
        if self.min_days is not None:
            assert self.max_days is not None
            for days in (self.min_days, self.max_days):
                if isinstance(days, bool) or not isinstance(days, int) or days < 1:
                    raise InvalidProtocol("a step lasts a whole number of days, at least 1")
            if self.max_days < self.min_days:
                raise InvalidProtocol("a step's longest number of days cannot be below its shortest")

    @property
    def open_ended(self) -> bool:
        return self.min_days is None

    def to_json(self) -> dict[str, Any]:
        return {
            "dose_mg": dose_to_json(self.dose_mg),
            "min_days": self.min_days,
            "max_days": self.max_days,
        }


@dataclass(frozen=True)
class DosingProtocol:
    """A therapy's titration protocol exactly as one cited source gives it.

    Either a fixed schedule (``steps``: e.g. doses of 1.5 mg and 3 mg, each kept 7 to 14 days,
    and then 4.5 mg), or a stepwise rule (``step_mg`` every ``interval_days`` up to ``target_mg``)
    whose ``start_dose_mg`` is the source's, or ``None`` when the source does not state it (the
    prescriber's start dose is then asked for). ``condition`` is ``None`` for a standard
    protocol, or the condition concept slug it is meant for (e.g. ``"hashimotos-thyroiditis"``).

    Raises:
        InvalidProtocol: if the figures cannot give a finite, capped schedule.
    """

    protocol_id: str
    name: str
    condition: str | None
    timing: str
    note: str
    references: tuple[ReferenceInfo, ...] = ()
    steps: tuple[ScheduleStep, ...] = ()
    start_dose_mg: Decimal | None = None
    step_mg: Decimal | None = None
    interval_days: int | None = None
    target_mg: Decimal | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "references", tuple(self.references))
        object.__setattr__(self, "steps", tuple(self.steps))
        if self.condition is not None and not self.condition.strip():
            object.__setattr__(self, "condition", None)
        for name in ("start_dose_mg", "step_mg", "target_mg"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, as_decimal(value, name))
        if self.steps:
            if any(v is not None for v in (self.start_dose_mg, self.step_mg, self.interval_days, self.target_mg)):
                raise InvalidProtocol("a fixed schedule has no step size, interval, target or separate start")
            if any(step.open_ended for step in self.steps[:-1]):
                raise InvalidProtocol("only the last step of a schedule may be open-ended")
            if not self.steps[-1].open_ended:
                raise InvalidProtocol("the last step of a schedule continues (no days)")
            return
        if self.step_mg is None or self.interval_days is None or self.target_mg is None:
            raise InvalidProtocol("a protocol needs either steps or a step size, interval and target")
        if self.step_mg <= 0:
            raise InvalidProtocol("step_mg must be more than 0")
        if isinstance(self.interval_days, bool) or not isinstance(self.interval_days, int) or self.interval_days < 1:
            raise InvalidProtocol("interval_days must be a whole number of days, at least 1")
        if self.target_mg <= 0:
            raise InvalidProtocol("target_mg must be more than 0")
        if self.start_dose_mg is not None:
            self._check_start(self.start_dose_mg)

    def _check_start(self, start: Decimal) -> None:
        assert self.step_mg is not None and self.target_mg is not None
        if start <= 0:
            raise InvalidProtocol("the start dose must be more than 0 mg")
        if start > self.target_mg:
            raise InvalidProtocol(f"the start dose must not be above the target of {format_dose(self.target_mg)} mg")
        if (self.target_mg - start) / self.step_mg > MAX_TITRATION_STEPS:
            raise InvalidProtocol(f"the protocol needs more than {MAX_TITRATION_STEPS} steps to reach its target")

    @property
    def stepwise(self) -> bool:
        return not self.steps

    @property
    def needs_start_dose(self) -> bool:
        """True when the source leaves the starting dose to the prescriber."""
        return self.stepwise and self.start_dose_mg is None

    @property
    def stated_doses(self) -> tuple[Decimal, ...]:
        """Every dose the source itself states (for a stepwise rule: its start, if any, and target)."""
        if self.steps:
            return tuple(step.dose_mg for step in self.steps)
        return tuple(d for d in (self.start_dose_mg, self.target_mg) if d is not None)

    def schedule(self, start_dose_mg: Decimal | None = None) -> tuple[ScheduleStep, ...]:
        """The steps to follow: the fixed schedule, or the stepwise rule from its start dose.

        ``start_dose_mg`` is the prescriber's start, needed exactly when the source leaves it
        open. Raises ``InvalidProtocol`` when it is missing, not wanted, or out of range.
        """
        if not self.stepwise:
            if start_dose_mg is not None:
                raise InvalidProtocol("this schedule gives its own doses; leave the start dose empty")
            return self.steps
        assert self.step_mg is not None and self.interval_days is not None and self.target_mg is not None
        if self.start_dose_mg is not None and start_dose_mg is not None:
            raise InvalidProtocol(
                f"this protocol states its own start dose ({format_dose(self.start_dose_mg)} mg); leave it empty"
            )
        start = self.start_dose_mg if self.start_dose_mg is not None else start_dose_mg
        if start is None:
            raise InvalidProtocol(
                "the source does not say which dose to start at: enter the start dose your prescriber gave you"
            )
        start = as_decimal(start, "start_dose_mg")
        self._check_start(start)
        doses = []
        dose = start
        while dose < self.target_mg:
            doses.append(dose)
            dose = min(dose + self.step_mg, self.target_mg)
        interval = self.interval_days
        return (
            *(ScheduleStep(d, interval, interval) for d in doses),
            ScheduleStep(self.target_mg),
        )

    def to_json(self) -> dict[str, Any]:
        """Return the protocol as a JSON-ready dict (doses as numbers)."""
        return {
            "id": self.protocol_id,
            "name": self.name,
            "condition": self.condition,
            "steps": [step.to_json() for step in self.steps],
            "start_dose_mg": None if self.start_dose_mg is None else dose_to_json(self.start_dose_mg),
            "step_mg": None if self.step_mg is None else dose_to_json(self.step_mg),
            "interval_days": self.interval_days,
            "target_mg": None if self.target_mg is None else dose_to_json(self.target_mg),
            "needs_start_dose": self.needs_start_dose,
            "timing": self.timing,
            "note": self.note,
            "references": [reference_json(reference) for reference in self.references],
        }


@dataclass(frozen=True)
class PlanRequest:
    """What a person asks a start plan for. Nothing here is stored or logged.

    ``findings`` are the safety screen's typed findings for ``therapy``. The opioid questions
    only matter when a finding says to wait until an opioid has cleared: whether the person
    takes opioid pain medicine every day (the source's 10-14 day wean is for them), and the
    date from which their prescriber confirms they are opioid-free (the only way the first dose
    gets a date, since no source says how long any opioid takes to leave the body).
    """

    therapy: str
    start_date: date
    time_zone: str
    conditions: frozenset[str]
    findings: tuple[Any, ...]  # carechoices.screening.results.Finding
    prescriber_decision: str | None = None
    dose_time: time = time(21, 0)
    protocol_id: str | None = None
    start_dose_mg: Decimal | None = None
    daily_opioid_pain_medicine: bool | None = None
    opioid_free_from: date | None = None
    # What the screen could not check (unrecognised names, undecided ingredients): while any is
    # left, no dose is dated, since it might be a medicine the therapy has to wait for.
    unchecked: tuple[str, ...] = ()


@dataclass(frozen=True)
class TitrationStep:
    """One step of the plan: a dose, how long the source says to stay on it, and when it starts.

    ``first_day``-``last_first_day`` are the day numbers (day 1 = the first dose) on which the
    step may begin, following the ranges of the steps before it. ``start``/``latest_start`` date
    those days when the plan has a first-dose date, else both are ``None``. ``ends_before`` is
    set when a stop for surgery cuts the step short.
    """

    number: int
    dose_mg: Decimal
    min_days: int | None
    max_days: int | None
    first_day: int
    last_first_day: int
    start: date | None
    latest_start: date | None
    timing: str
    note: str
    references: tuple[ReferenceInfo, ...]
    ends_before: date | None = None

    @property
    def open_ended(self) -> bool:
        return self.min_days is None

    def to_json(self) -> dict[str, Any]:
        """Return the step as a JSON-ready dict."""
        return {
            "number": self.number,
            "dose_mg": dose_to_json(self.dose_mg),
            "min_days": self.min_days,
            "max_days": self.max_days,
            "first_day": self.first_day,
            "last_first_day": self.last_first_day,
            "start": None if self.start is None else self.start.isoformat(),
            "latest_start": None if self.latest_start is None else self.latest_start.isoformat(),
            "ends_before": None if self.ends_before is None else self.ends_before.isoformat(),
            "timing": self.timing,
            "note": self.note,
            "references": [reference_json(reference) for reference in self.references],
        }


@dataclass(frozen=True)
class Hold:
    """A span in which the therapy is not taken.

    ``kind``: ``"opioid-wean"`` (the source's wean for daily opioid pain medicine, which ends
    between ``end`` and ``latest_end``), ``"opioid-clearance"`` (until the opioid has left the
    body: open unless the prescriber confirmed an opioid-free date) or ``"surgery"`` (from the
    stop day on; only a physician can end it, ``restart_condition`` says when). ``end`` is the
    last day of the hold, or ``None`` when no source or prescriber dates it.
    """

    kind: HoldKind
    start: date
    end: date | None
    reason: str
    restart_condition: str | None
    references: tuple[ReferenceInfo, ...]
    procedure_date: date | None = None
    latest_end: date | None = None

    def to_json(self) -> dict[str, Any]:
        """Return the hold as a JSON-ready dict."""
        return {
            "kind": self.kind,
            "start": self.start.isoformat(),
            "end": None if self.end is None else self.end.isoformat(),
            "latest_end": None if self.latest_end is None else self.latest_end.isoformat(),
            "reason": self.reason,
            "restart_condition": self.restart_condition,
            "procedure_date": (
                None if self.procedure_date is None else self.procedure_date.isoformat()
            ),
            "references": [reference_json(reference) for reference in self.references],
        }


@dataclass(frozen=True)
class PlanWarning:
    """Something the person and their prescriber should read alongside the schedule.

    ``text`` is in plain words; ``detail`` is the professional text of the finding it came from
    (kept apart so the document for the doctor can show both without mixing them). ``rule``
    names the screening rule, or is ``None`` for warnings the calculator adds itself.
    ``prescriber_decision`` marks the record of a prescriber's choice to go ahead despite an
    "avoid" finding; such warnings always come first.
    """

    severity: Severity
    text: str
    references: tuple[ReferenceInfo, ...] = ()
    rule: str | None = None
    prescriber_decision: bool = False
    detail: str = ""

    def to_json(self) -> dict[str, Any]:
        """Return the warning as a JSON-ready dict."""
        return {
            "severity": self.severity,
            "text": self.text,
            "detail": self.detail,
            "rule": self.rule,
            "prescriber_decision": self.prescriber_decision,
            "references": [reference_json(reference) for reference in self.references],
        }


@dataclass(frozen=True)
class Plan:
    """A computed start plan; render it with :meth:`to_json` or ``plans.ics.plan_to_ics``.

    ``first_dose_date`` is the one earliest-start date every rendering shows; ``None`` when no
    source or prescriber dates the first dose, and then ``first_dose_note`` says what it waits
    for. A stopped plan (``stopped=True``) has no steps and no holds; ``stop_reason`` says why.
    """

    therapy: str
    time_zone: str
    today: date
    start_date: date
    dose_time: time
    protocol: DosingProtocol
    steps: tuple[TitrationStep, ...]
    holds: tuple[Hold, ...]
    warnings: tuple[PlanWarning, ...]
    first_dose_date: date | None = None
    first_dose_note: str | None = None
    start_dose_mg: Decimal | None = None
    stopped: bool = False
    stop_reason: str | None = None
    prescriber_decision: str | None = None
    opioid_free_from: date | None = None

    @property
    def dated(self) -> bool:
        return self.first_dose_date is not None

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
        """Return the plan as a JSON-ready dict (ISO dates, doses as numbers)."""
        return {
            "therapy": self.therapy,
            "time_zone": self.time_zone,
            "today": self.today.isoformat(),
            "start_date": self.start_date.isoformat(),
            "first_dose_date": None if self.first_dose_date is None else self.first_dose_date.isoformat(),
            "first_dose_note": self.first_dose_note,
            "dose_time": self.dose_time.isoformat(timespec="minutes"),
            "protocol": self.protocol.to_json(),
            "start_dose_mg": None if self.start_dose_mg is None else dose_to_json(self.start_dose_mg),
            "opioid_free_from": None if self.opioid_free_from is None else self.opioid_free_from.isoformat(),
            "steps": [step.to_json() for step in self.steps],
            "holds": [hold.to_json() for hold in self.holds],
            "warnings": [warning.to_json() for warning in self.warnings],
            "references": [reference_json(reference) for reference in self.references],
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
