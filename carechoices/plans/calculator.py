"""The personal start plan calculator: a pure function from a request to a dated plan.

``make_plan`` turns a therapy's dosing protocols and the safety screen's findings for one
person into titration steps, holds (opioid wash-out before the start, a stop before surgery)
and warnings. It never invents medicine: doses come from the protocol, timing from the
findings' ``dates``; where only a prescriber can decide (restarting after surgery, going ahead
despite an "avoid" finding) the plan says so instead of scheduling anything.

Conservative choices, in one place:

* among protocols for the person's conditions, the lowest start dose wins;
* a wash-out lasts the *longest* span the finding allows (``max_days``);
* before surgery the plan stops on the *earliest* day the finding allows (``stop_from``);
* after the surgery stop nothing is dated: restarting is the prescriber's decision;
* an "avoid" finding the plan cannot time stops the plan unless a prescriber decision is
  recorded, and that decision is then shown at the top of every rendering.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any, cast
from zoneinfo import ZoneInfo, available_timezones

from carechoices.plans.domain import (
    DosingProtocol,
    Hold,
    Plan,
    PlanRequest,
    PlanWarning,
    ReferenceInfo,
    Severity,
    TitrationStep,
    unique_references,
)

#: ``dates.kind`` of a finding that asks for a wash-out before the first dose.
WASHOUT_BEFORE_START = "washout-before-start"
#: ``dates.kind`` of a finding that asks for a stop before a procedure.
STOP_BEFORE_PROCEDURE = "stop-before-procedure"
TIMED_KINDS = frozenset({WASHOUT_BEFORE_START, STOP_BEFORE_PROCEDURE})

#: A start date may lie this many days in the past: someone already titrating may want the
#: rest of the schedule in their calendar, but a plan begun over a year ago is a typing slip.
MAX_DAYS_BEFORE_TODAY = 366
#: A start date may lie this many days ahead (two years); anything later is a typing slip and
#: would outlive the review it was computed from.
MAX_DAYS_AFTER_TODAY = 2 * 366
#: Longest prescriber-decision text accepted (it is echoed into every rendering).
MAX_PRESCRIBER_DECISION_CHARS = 1000
#: Longest wash-out the calculator accepts from a finding, as a guard against bad data.
MAX_WASHOUT_DAYS = 90

SEVERITIES: frozenset[str] = frozenset({"avoid", "caution", "info"})
# Names zoneinfo can load that are not a place's IANA zone.
_NOT_PLACE_ZONES = frozenset({"localtime", "Factory", "posixrules"})


class PlanError(Exception):
    """Base class of the errors ``make_plan`` raises on purpose."""


class PlanInputError(PlanError, ValueError):
    """A request value the plan cannot use; ``field`` names it for a 4xx answer.

    ``field`` uses the API's request names, e.g. ``"time_zone"``, ``"start_date"``,
    ``"procedures[0].date"`` or ``"findings[2].dates.procedure_date"``.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class NoProtocol(PlanError, LookupError):
    """The therapy has no dosing protocol that applies, so no plan can be made."""

    def __init__(self, therapy: str) -> None:
        super().__init__(f"no dosing protocol applies to {therapy!r}")
        self.therapy = therapy


@dataclass(frozen=True)
class _Finding:
    """A screen finding after validation, remembering its position for error messages."""

    index: int
    severity: Severity
    rule: str
    summary: str
    detail: str
    action: str
    dates: Mapping[str, Any]
    references: tuple[ReferenceInfo, ...]

    @property
    def kind(self) -> str | None:
        kind = self.dates.get("kind")
        return kind if isinstance(kind, str) else None

    @property
    def field(self) -> str:
        return f"findings[{self.index}]"


@dataclass(frozen=True)
class _SurgeryStop:
    """A validated stop-before-procedure finding."""

    finding: _Finding
    procedure_date: date
    stop_from: date
    restart: str


def make_plan(
    request: PlanRequest,
    protocols: Sequence[DosingProtocol],
    *,
    today: date | None = None,
) -> Plan:
    """Compute a person's start plan for one therapy.

    Args:
        request: the person's start date, time zone, recognised conditions, the screen's
            findings for this therapy and an optional prescriber decision.
        protocols: the therapy's dosing protocols (standard and condition-specific).
        today: the current date in the person's zone; defaults to the clock. Tests pass it.

    Returns:
        The plan. It is ``stopped`` (no steps, no holds) when an "avoid" finding cannot be
        resolved by timing and no prescriber decision was given.

    Raises:
        PlanInputError: a request value is invalid (``field`` names it).
        NoProtocol: no protocol applies to the therapy.
    """
    zone = _check_time_zone(request.time_zone)
    today = today if today is not None else datetime.now(zone).date()
    _check_request(request, today)
    decision = _clean_decision(request.prescriber_decision)
    findings = [_read_finding(index, raw) for index, raw in enumerate(request.findings)]
    protocol = choose_protocol(protocols, request.conditions, therapy=request.therapy)

    surgeries = _read_surgeries(findings, request.start_date)
    washouts = [finding for finding in findings if finding.kind == WASHOUT_BEFORE_START]
    unresolved = [
        finding
        for finding in findings
        if finding.severity == "avoid" and finding.kind not in TIMED_KINDS
    ]
    advisory = [
        _finding_warning(finding)
        for finding in findings
        if finding.severity != "avoid" and finding.kind not in TIMED_KINDS
    ]

    if unresolved and decision is None:
        return Plan(
            therapy=request.therapy,
            time_zone=request.time_zone,
            start_date=request.start_date,
            dose_time=request.dose_time,
            protocol=protocol,
            steps=(),
            holds=(),
            warnings=tuple(_finding_warning(finding) for finding in unresolved) + tuple(advisory),
            stopped=True,
            stop_reason=_stop_reason(unresolved),
            prescriber_decision=None,
        )

    decision_warnings = tuple(
        PlanWarning(
            severity="avoid",
            text=(
                "Your prescriber decided to proceed despite: "
                f"{finding.summary.rstrip('.')} — {decision}"
            ),
            references=finding.references,
            rule=finding.rule or None,
            prescriber_decision=True,
        )
        for finding in unresolved
    )

    holds: list[Hold] = []
    first_dose = request.start_date
    washout = _washout_hold(washouts, request.start_date)
    if washout is not None:
        holds.append(washout)
        assert washout.end is not None  # a wash-out always has a last day
        first_dose = washout.end + timedelta(days=1)

    steps = titrate(protocol, first_dose)
    timing_warnings: list[PlanWarning] = []
    if surgeries:
        surgery = surgeries[0]  # the earliest procedure ends the dated schedule
        stop = max(surgery.stop_from, request.start_date)
        steps = cut_steps(steps, stop)
        holds.append(_surgery_hold(surgery, stop))
        timing_warnings.append(_restart_warning(surgery))
        if not steps:
            timing_warnings.append(_no_dose_before_surgery_warning(surgery))
        timing_warnings.extend(_later_procedure_warning(later) for later in surgeries[1:])

    return Plan(
        therapy=request.therapy,
        time_zone=request.time_zone,
        start_date=request.start_date,
        dose_time=request.dose_time,
        protocol=protocol,
        steps=steps,
        holds=tuple(sorted(holds, key=lambda hold: hold.start)),
        warnings=decision_warnings + tuple(advisory) + tuple(timing_warnings),
        stopped=False,
        stop_reason=None,
        prescriber_decision=decision,
    )


def choose_protocol(
    protocols: Sequence[DosingProtocol],
    conditions: Iterable[str],
    *,
    therapy: str = "",
) -> DosingProtocol:
    """Pick the protocol for a person.

    A protocol written for one of the person's conditions wins over the standard one. When
    several apply, the most cautious wins: the lowest start dose, then the smallest step, then
    the longest interval between steps, then the lowest target, then the name, so the choice
    never depends on input order.

    Raises:
        NoProtocol: no protocol matches a condition and there is no standard protocol.
    """
    wanted = frozenset(conditions)
    specific = [protocol for protocol in protocols if protocol.condition in wanted]
    standard = [protocol for protocol in protocols if protocol.condition is None]
    candidates = specific or standard
    if not candidates:
        raise NoProtocol(therapy)
    return min(
        candidates,
        key=lambda protocol: (
            protocol.start_dose_mg,
            protocol.step_mg,
            -protocol.interval_days,
            protocol.target_mg,
            protocol.name,
        ),
    )


def titrate(protocol: DosingProtocol, first_dose: date) -> tuple[TitrationStep, ...]:
    """Lay out the protocol's doses from ``first_dose`` on.

    Each step lasts ``interval_days`` and adds ``step_mg``; a step that would pass the target
    is capped at the target exactly, and the target dose is the last, open-ended step.
    """
    doses = []
    dose = protocol.start_dose_mg
    while dose < protocol.target_mg:
        doses.append(dose)
        dose = min(dose + protocol.step_mg, protocol.target_mg)
    interval = timedelta(days=protocol.interval_days)
    steps = [
        TitrationStep(
            start=first_dose + number * interval,
            end=first_dose + (number + 1) * interval - timedelta(days=1),
            dose_mg=dose,
            timing=protocol.timing,
            note=protocol.note,
            references=protocol.references,
        )
        for number, dose in enumerate(doses)
    ]
    steps.append(
        TitrationStep(
            start=first_dose + len(doses) * interval,
            end=None,
            dose_mg=protocol.target_mg,
            timing=protocol.timing,
            note=protocol.note,
            references=protocol.references,
        )
    )
    return tuple(steps)


def cut_steps(steps: Iterable[TitrationStep], stop: date) -> tuple[TitrationStep, ...]:
    """Keep only the dosing days before ``stop``; a step running past it ends the day before."""
    last_day = stop - timedelta(days=1)
    kept = []
    for step in steps:
        if step.start >= stop:
            break
        if step.end is None or step.end > last_day:
            step = replace(step, end=last_day)
        kept.append(step)
    return tuple(kept)


# --- request checks -------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _known_zones() -> frozenset[str]:
    # Scanning the tz database takes tens of milliseconds; do it once per process.
    return frozenset(available_timezones()) - _NOT_PLACE_ZONES


def _check_time_zone(name: object) -> ZoneInfo:
    if not isinstance(name, str) or name not in _known_zones():
        raise PlanInputError(
            "time_zone", f"{name!r} is not a known IANA time zone (e.g. 'Europe/London')"
        )
    return ZoneInfo(name)


def _check_request(request: PlanRequest, today: date) -> None:
    if not isinstance(request.therapy, str) or not request.therapy.strip():
        raise PlanInputError("therapy", "a therapy is required")
    if not isinstance(request.start_date, date) or isinstance(request.start_date, datetime):
        raise PlanInputError("start_date", "the start date must be a calendar date")
    earliest = today - timedelta(days=MAX_DAYS_BEFORE_TODAY)
    latest = today + timedelta(days=MAX_DAYS_AFTER_TODAY)
    if request.start_date < earliest:
        raise PlanInputError(
            "start_date", f"the start date must not be before {earliest.isoformat()}"
        )
    if request.start_date > latest:
        raise PlanInputError("start_date", f"the start date must not be after {latest.isoformat()}")
    if not isinstance(request.dose_time, time) or request.dose_time.tzinfo is not None:
        raise PlanInputError("dose_time", "the dose time must be a local clock time without a zone")


def _clean_decision(decision: object) -> str | None:
    # A form posts "" for an empty field: that means no decision, not an empty one.
    if decision is None:
        return None
    if not isinstance(decision, str):
        raise PlanInputError("prescriber_decision", "the prescriber decision must be text")
    decision = " ".join(decision.split())
    if not decision:
        return None
    if len(decision) > MAX_PRESCRIBER_DECISION_CHARS:
        raise PlanInputError(
            "prescriber_decision",
            f"the prescriber decision must be at most {MAX_PRESCRIBER_DECISION_CHARS} characters",
        )
    return decision


# --- findings ---------------------------------------------------------------------------------


def _read_finding(index: int, raw: object) -> _Finding:
    field = f"findings[{index}]"
    if not isinstance(raw, Mapping):
        raise PlanInputError(field, "each finding must be an object")
    severity = raw.get("severity")
    if severity not in SEVERITIES:
        raise PlanInputError(f"{field}.severity", "must be 'avoid', 'caution' or 'info'")
    summary = raw.get("summary")
    if not isinstance(summary, str) or not summary.strip():
        raise PlanInputError(f"{field}.summary", "a finding needs a summary")
    dates = raw.get("dates", {}) or {}
    if not isinstance(dates, Mapping):
        raise PlanInputError(f"{field}.dates", "must be an object")
    raw_references = raw.get("references", []) or []
    if not isinstance(raw_references, Sequence) or isinstance(raw_references, str):
        raise PlanInputError(f"{field}.references", "must be a list")
    return _Finding(
        index=index,
        severity=cast(Severity, severity),
        rule=_text(raw.get("rule")),
        summary=summary.strip(),
        detail=_text(raw.get("detail")),
        action=_text(raw.get("action")),
        dates=dates,
        references=tuple(
            _read_reference(f"{field}.references[{number}]", reference)
            for number, reference in enumerate(raw_references)
        ),
    )


def _read_reference(field: str, raw: object) -> ReferenceInfo:
    if not isinstance(raw, Mapping):
        raise PlanInputError(field, "each reference must be an object")
    reference_id = raw.get("id")
    citation = raw.get("citation")
    url = raw.get("url")
    if not isinstance(reference_id, str) or not reference_id:
        raise PlanInputError(f"{field}.id", "a reference needs an id")
    if not isinstance(citation, str):
        raise PlanInputError(f"{field}.citation", "a reference needs a citation")
    if url is not None and not isinstance(url, str):
        raise PlanInputError(f"{field}.url", "must be text or null")
    return ReferenceInfo(id=reference_id, citation=citation, url=url or None)


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _date(finding: _Finding, key: str, *, required: bool) -> date | None:
    value = finding.dates.get(key)
    if value is None and not required:
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise PlanInputError(f"{finding.field}.dates.{key}", "must be a date as YYYY-MM-DD")


def _days(finding: _Finding, key: str) -> int:
    value = finding.dates.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise PlanInputError(f"{finding.field}.dates.{key}", "must be a whole number of days")
    if not 0 <= value <= MAX_WASHOUT_DAYS:
        raise PlanInputError(
            f"{finding.field}.dates.{key}", f"must be between 0 and {MAX_WASHOUT_DAYS} days"
        )
    return value


def _read_surgeries(findings: Iterable[_Finding], start_date: date) -> list[_SurgeryStop]:
    """Validate stop-before-procedure findings; return them soonest procedure first.

    Procedure ``i`` in an error's field name counts the stop-before-procedure findings in the
    order given, which is the order of the request's procedures when the screen emits one
    finding per procedure.
    """
    surgeries = []
    procedures = [finding for finding in findings if finding.kind == STOP_BEFORE_PROCEDURE]
    for number, finding in enumerate(procedures):
        procedure_date = _date(finding, "procedure_date", required=True)
        stop_from = _date(finding, "stop_from", required=True)
        stop_no_later_than = _date(finding, "stop_no_later_than", required=False)
        assert procedure_date is not None and stop_from is not None
        if procedure_date < start_date:
            raise PlanInputError(
                f"procedures[{number}].date",
                f"the procedure on {procedure_date.isoformat()} is before the plan's start "
                f"date {start_date.isoformat()}; choose a later start or correct the date",
            )
        # The earlier of the two stop dates is the cautious one.
        if stop_no_later_than is not None:
            stop_from = min(stop_from, stop_no_later_than)
        if stop_from > procedure_date:
            raise PlanInputError(
                f"{finding.field}.dates.stop_from", "must not be after the procedure date"
            )
        restart = _text(finding.dates.get("restart"))
        if not restart:
            raise PlanInputError(
                f"{finding.field}.dates.restart", "a stop before a procedure needs its restart"
            )
        surgeries.append(_SurgeryStop(finding, procedure_date, stop_from, restart))
    return sorted(surgeries, key=lambda surgery: (surgery.procedure_date, surgery.stop_from))


# --- holds and warnings (our own words; facts from facts-ldn.md via the findings) ----------


def _washout_hold(washouts: Sequence[_Finding], start_date: date) -> Hold | None:
    """One hold covering every wash-out finding, at its longest allowed length."""
    if not washouts:
        return None
    first_dose = start_date
    for finding in washouts:
        first_dose = max(first_dose, start_date + timedelta(days=_days(finding, "max_days")))
        earliest_start = _date(finding, "earliest_start", required=False)
        if earliest_start is not None:
            first_dose = max(first_dose, earliest_start)
    if first_dose == start_date:
        return None  # a zero-day wash-out holds nothing back
    reason = (
        "Opioid wash-out: do not take this therapy yet. With your physician, come off your "
        "opioid medicines gradually (usually over 10 to 14 days), moving to non-opioid pain "
        "relief first. The first dose comes only after the opioids have fully cleared from "
        f"your body: on {first_dose.isoformat()} at the earliest."
    )
    return Hold(
        kind="washout",
        start=start_date,
        end=first_dose - timedelta(days=1),
        reason=reason,
        restart_condition=None,
        references=unique_references(finding.references for finding in washouts),
    )


def _surgery_hold(surgery: _SurgeryStop, stop: date) -> Hold:
    reason = f"Surgery on {surgery.procedure_date.isoformat()}: take no doses from {stop.isoformat()} on."
    if stop == surgery.stop_from:
        lead_days = (surgery.procedure_date - surgery.stop_from).days
        reason += (
            f" That is {lead_days} days before the operation, the earlier end of the usual "
            "stopping range."
        )
    reason += (
        " Pain relief after an operation often includes opioids, so stay off this therapy "
        "until your physician says you may take it again."
    )
    return Hold(
        kind="surgery",
        start=stop,
        end=None,
        reason=reason,
        restart_condition=surgery.restart,
        references=surgery.finding.references,
        procedure_date=surgery.procedure_date,
    )


def _restart_warning(surgery: _SurgeryStop) -> PlanWarning:
    return PlanWarning(
        severity="caution",
        text=(
            "No doses are scheduled after the stop for surgery. Restart only "
            f"{surgery.restart}; at which dose to restart and how fast to build up again "
            "are for your prescriber to decide."
        ),
        references=surgery.finding.references,
        rule=surgery.finding.rule or None,
    )


def _no_dose_before_surgery_warning(surgery: _SurgeryStop) -> PlanWarning:
    return PlanWarning(
        severity="caution",
        text=(
            f"Your procedure on {surgery.procedure_date.isoformat()} comes before the first "
            "dose could be taken, so this plan schedules no doses. Agree a start date with "
            "your physician once you have recovered from the procedure."
        ),
        references=surgery.finding.references,
        rule=surgery.finding.rule or None,
    )


def _later_procedure_warning(surgery: _SurgeryStop) -> PlanWarning:
    return PlanWarning(
        severity="caution",
        text=(
            f"Another procedure is planned on {surgery.procedure_date.isoformat()}. Tell the "
            "physician who clears your restart, so that the stop before it can be planned too."
        ),
        references=surgery.finding.references,
        rule=surgery.finding.rule or None,
    )


def _finding_warning(finding: _Finding) -> PlanWarning:
    parts: list[str] = []
    for part in (finding.summary, finding.detail, finding.action):
        sentence = _as_sentence(part)
        if sentence and sentence not in parts:
            parts.append(sentence)
    return PlanWarning(
        severity=finding.severity,
        text=" ".join(parts),
        references=finding.references,
        rule=finding.rule or None,
    )


def _stop_reason(unresolved: Sequence[_Finding]) -> str:
    summaries = "; ".join(finding.summary.rstrip(".") for finding in unresolved)
    return (
        f"Not started: {summaries}. The safety screen advises avoiding this therapy, and "
        "no change of dates resolves that. Talk it over with your prescriber; if they decide "
        "to go ahead, record their decision and make the plan again."
    )


def _as_sentence(text: str) -> str:
    text = text.strip()
    if text and text[-1] not in ".!?":
        text += "."
    return text
