"""The personal start plan calculator: a pure function from a request to a plan.

``make_plan`` turns one of a therapy's dosing protocols and the safety screen's typed findings
for one person into titration steps, holds and warnings. It never invents medicine:

* doses and step lengths come exactly from one protocol, which reproduces one cited source;
  a range of days stays a range and both ends are dated; a start dose the source leaves open
  must come from the prescriber;
* a finding that says to wait until an opioid has left the body dates nothing: no source says
  how long that takes. The source's 10-14 day wean is shown, dated, only for someone who takes
  opioid pain medicine every day; the first dose is dated only from an opioid-free date the
  prescriber has confirmed;
* before surgery the plan stops on the earlier of the source's stop days, and after it nothing
  is dated: restarting is the prescriber's decision;
* an "avoid" finding that no timing resolves stops the plan unless a prescriber's decision is
  recorded, and that decision is then shown at the top of every rendering;
* ``today`` (in the person's time zone) matters: a start in the past is refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from carechoices.plans.domain import (
    DosingProtocol,
    Hold,
    InvalidProtocol,
    Plan,
    PlanRequest,
    PlanWarning,
    ScheduleStep,
    TitrationStep,
    format_dose,
    unique_references,
)
from carechoices.screening.limits import known_time_zones
from carechoices.screening.results import Finding, ProcedureStop, WaitUntilCleared
from carechoices.screening.wording import days_phrase, human_date, human_date_range

#: A start date may lie this many days ahead (two years); anything later is a typing slip and
#: would outlive the review it was computed from.
MAX_DAYS_AFTER_TODAY = 2 * 366
#: Longest prescriber-decision text accepted (it is echoed into every rendering).
MAX_PRESCRIBER_DECISION_CHARS = 1000

#: Shortest prescriber-decision text accepted: it must say who decided and when.
MIN_PRESCRIBER_DECISION_CHARS = 10

#: What the first dose waits for when an entry could not be checked: it might be a medicine the
#: therapy must wait for (an opioid), so no dose is dated until a pharmacist has checked it.
UNCHECKED_NOTE = (
    "once a pharmacist has checked what we could not read in your list (it might be a medicine "
    "this therapy has to wait for); correct or remove it and make the plan again"
)

#: What the first dose waits for when an opioid must clear first and nobody has dated it.
OPIOID_WAIT_NOTE = (
    "once the opioid has left your body: no source says how long that takes, so ask your "
    "prescriber when"
)

class PlanError(Exception):
    """Base class of the errors ``make_plan`` raises on purpose."""


class PlanInputError(PlanError, ValueError):
    """A request value the plan cannot use; ``field`` names it for a 4xx answer.

    ``field`` uses the API's request names, e.g. ``"time_zone"``, ``"start_date"``,
    ``"start_dose_mg"`` or ``"procedures[0].date"``.
    """

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


class NoProtocol(PlanError, LookupError):
    """The therapy has no dosing protocol that applies to this person."""

    def __init__(self, therapy: str) -> None:
        self.therapy = therapy
        super().__init__(f"no dosing protocol applies to {therapy!r}")


@dataclass(frozen=True)
class _SurgeryStop:
    finding: Finding
    stop: ProcedureStop


def make_plan(
    request: PlanRequest,
    protocols: Sequence[DosingProtocol],
    *,
    today: date | None = None,
) -> Plan:
    """Compute a person's start plan for one therapy.

    Args:
        request: the person's start date, time zone, recognised conditions, the screen's
            findings for this therapy, the protocol and start dose if they chose one, the
            opioid answers and an optional prescriber decision.
        protocols: the therapy's dosing protocols (standard and condition-specific).
        today: the current date in the person's zone; defaults to the clock. Tests pass it.

    Raises:
        PlanInputError: a request value is invalid (``field`` names it).
        NoProtocol: no protocol applies to the therapy.
    """
    zone = _check_time_zone(request.time_zone)
    today = today if today is not None else datetime.now(zone).date()
    _check_request(request, today)
    decision = _clean_decision(request.prescriber_decision)
    protocol = choose_protocol(
        protocols, request.conditions, therapy=request.therapy, protocol_id=request.protocol_id
    )
    try:
        schedule = protocol.schedule(request.start_dose_mg)
    except InvalidProtocol as exc:
        raise PlanInputError("start_dose_mg", str(exc)) from exc
    findings = list(request.findings)
    surgeries = _surgeries(findings, request.start_date)
    waits = [f for f in findings if isinstance(f.dates, WaitUntilCleared)]
    if not waits:
        # The person's own answers must agree with the check, or nothing about opioids is known.
        if request.daily_opioid_pain_medicine:
            raise PlanInputError(
                "daily_opioid_pain_medicine",
                "you take opioid pain medicine every day, but no medicine we could read in your "
                "list is an opioid: add it (or correct its spelling) so it can be checked",
            )
        if request.opioid_free_from is not None:
            raise PlanInputError(
                "opioid_free_from",
                "an opioid-free date only applies when an opioid is in your medicines: add it "
                "(or correct its spelling) so it can be checked",
            )
    unresolved = [f for f in findings if f.severity == "avoid" and f.dates is None]
    advisory = [
        _finding_warning(f) for f in findings if f.severity != "avoid" and f.dates is None
    ]
    common = {
        "therapy": request.therapy,
        "time_zone": request.time_zone,
        "today": today,
        "start_date": request.start_date,
        "dose_time": request.dose_time,
        "protocol": protocol,
        "start_dose_mg": request.start_dose_mg if protocol.needs_start_dose else None,
    }

    if unresolved and decision is None:
        return Plan(
            **common,
            steps=(),
            holds=(),
            warnings=tuple(_finding_warning(f) for f in unresolved) + tuple(advisory),
            stopped=True,
            stop_reason=_stop_reason(unresolved),
        )

    decision_warnings = tuple(
        PlanWarning(
            severity="avoid",
            text=f"Your prescriber decided to proceed despite: {f.summary.rstrip('.')} — {decision}",
            detail=f.detail,
            references=f.references,
            rule=f.rule,
            prescriber_decision=True,
        )
        for f in unresolved
    )

    holds: list[Hold] = []
    timing_warnings: list[PlanWarning] = []
    first_dose: date | None = request.start_date
    first_dose_note: str | None = None
    if waits:
        first_dose, first_dose_note, opioid_holds = _opioid_wait(waits, request)
        holds.extend(opioid_holds)
    if request.unchecked and first_dose is not None:
        first_dose, first_dose_note = None, UNCHECKED_NOTE

    steps = lay_out(protocol, schedule, first_dose)
    if surgeries:
        surgery = surgeries[0]  # the earliest procedure ends the dated schedule
        stop = max(surgery.stop.stop_from, request.start_date)
        if first_dose is not None:
            steps = cut_steps(steps, stop)
        holds.append(_surgery_hold(surgery, stop))
        timing_warnings.append(_restart_warning(surgery))
        if first_dose is not None and not steps:
            timing_warnings.append(_no_dose_before_surgery_warning(surgery))
        if first_dose is None:
            timing_warnings.append(_undated_before_surgery_warning(surgery, stop))
        timing_warnings.extend(_later_procedure_warning(later) for later in surgeries[1:])
    first_dose_date = steps[0].start if steps and first_dose is not None else None
    if waits:
        # Written last, so it names the same first-dose date as every other part of the plan.
        timing_warnings.insert(0, _opioid_warning(waits, request, first_dose_date, first_dose_note))

    return Plan(
        **common,
        steps=steps,
        holds=tuple(sorted(holds, key=lambda hold: (hold.start, hold.kind))),
        warnings=decision_warnings + tuple(advisory) + tuple(timing_warnings),
        first_dose_date=first_dose_date,
        first_dose_note=first_dose_note,
        prescriber_decision=decision,
        opioid_free_from=request.opioid_free_from if waits else None,
    )


def choose_protocol(
    protocols: Sequence[DosingProtocol],
    conditions: Iterable[str],
    *,
    therapy: str = "",
    protocol_id: str | None = None,
) -> DosingProtocol:
    """Pick the protocol for a person.

    A protocol the person names (``protocol_id``) is used when it applies to them. Otherwise a
    protocol written for one of the person's conditions wins over the standard ones; among
    several, a fully stated schedule wins over one that needs the prescriber's start dose, then
    the lowest first dose, then the id, so the choice never depends on input order.

    Raises:
        PlanInputError: ``protocol_id`` names no protocol of this therapy, or one written for a
            condition the person did not report.
        NoProtocol: no protocol matches a condition and there is no standard protocol.
    """
    wanted = frozenset(conditions)
    specific = [protocol for protocol in protocols if protocol.condition in wanted]
    if protocol_id:
        for protocol in protocols:
            if protocol.protocol_id == protocol_id:
                if protocol.condition is not None and protocol.condition not in wanted:
                    raise PlanInputError(
                        "protocol", f"'{protocol.name}' is written for another condition"
                    )
                if protocol.condition is None and specific:
                    # A condition's own start (e.g. the lowest start with Hashimoto's) is never
                    # replaced by, or joined to, another source's schedule.
                    names = ", ".join(f"'{p.name}'" for p in specific)
                    raise PlanInputError(
                        "protocol", f"the review's protocol for your condition applies instead: {names}"
                    )
                return protocol
        known = ", ".join(p.protocol_id for p in protocols)
        raise PlanInputError("protocol", f"is not a protocol of this therapy; use one of: {known}")
    standard = [protocol for protocol in protocols if protocol.condition is None]
    candidates = specific or standard
    if not candidates:
        raise NoProtocol(therapy)
    return min(
        candidates,
        key=lambda p: (p.needs_start_dose, p.stated_doses[:1] or (Decimal(0),), p.protocol_id),
    )


def lay_out(
    protocol: DosingProtocol, schedule: Sequence[ScheduleStep], first_dose: date | None
) -> tuple[TitrationStep, ...]:
    """Number the schedule's steps and date them from ``first_dose`` (``None`` = undated).

    A step begins between the sums of the shortest and of the longest durations of the steps
    before it, so a range in the source stays a range in the plan.
    """
    steps = []
    earliest = latest = 1
    for number, step in enumerate(schedule, start=1):
        steps.append(
            TitrationStep(
                number=number,
                dose_mg=step.dose_mg,
                min_days=step.min_days,
                max_days=step.max_days,
                first_day=earliest,
                last_first_day=latest,
                start=None if first_dose is None else first_dose + timedelta(days=earliest - 1),
                latest_start=None if first_dose is None else first_dose + timedelta(days=latest - 1),
                timing=protocol.timing,
                note=protocol.note,
                references=protocol.references,
            )
        )
        if step.min_days is not None and step.max_days is not None:
            earliest += step.min_days
            latest += step.max_days
    return tuple(steps)


def cut_steps(steps: Iterable[TitrationStep], stop: date) -> tuple[TitrationStep, ...]:
    """Keep only the steps that may begin before ``stop``, each marked as ending before it."""
    kept = []
    for step in steps:
        if step.start is None or step.start >= stop:
            break
        latest = min(step.latest_start or step.start, stop - timedelta(days=1))
        kept.append(replace(step, latest_start=latest, ends_before=stop))
    return tuple(kept)


# --- request checks -------------------------------------------------------------------------


def _check_time_zone(name: object) -> ZoneInfo:
    if not isinstance(name, str) or name not in known_time_zones():
        raise PlanInputError(
            "time_zone", f"{name!r} is not a known IANA time zone (e.g. 'Europe/London')"
        )
    return ZoneInfo(name)


def _check_request(request: PlanRequest, today: date) -> None:
    if not isinstance(request.therapy, str) or not request.therapy.strip():
        raise PlanInputError("therapy", "a therapy is required")
    if not isinstance(request.start_date, date) or isinstance(request.start_date, datetime):
        raise PlanInputError("start_date", "the start date must be a calendar date")
    if request.start_date < today:
        raise PlanInputError(
            "start_date",
            f"is in the past (today is {human_date(today)}); a plan starts today or later",
        )
    latest = today + timedelta(days=MAX_DAYS_AFTER_TODAY)
    if request.start_date > latest:
        raise PlanInputError("start_date", f"must not be after {human_date(latest)}")
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
    if len(decision) < MIN_PRESCRIBER_DECISION_CHARS:
        raise PlanInputError(
            "prescriber_decision",
            "say who decided and when, e.g. 'Dr Lee agreed on 2 December' "
            f"(at least {MIN_PRESCRIBER_DECISION_CHARS} characters)",
        )
    if len(decision) > MAX_PRESCRIBER_DECISION_CHARS:
        raise PlanInputError(
            "prescriber_decision",
            f"the prescriber decision must be at most {MAX_PRESCRIBER_DECISION_CHARS} characters",
        )
    return decision


# --- findings ---------------------------------------------------------------------------------


def _surgeries(findings: Iterable[Finding], start_date: date) -> list[_SurgeryStop]:
    """Dated stop-before-procedure findings, soonest procedure first.

    Procedure ``i`` in an error's field name counts these findings in the order given, which is
    the order of the request's procedures (the screen emits one finding per procedure).
    """
    surgeries = []
    dated = [f for f in findings if isinstance(f.dates, ProcedureStop)]
    for number, finding in enumerate(dated):
        stop = finding.dates
        assert isinstance(stop, ProcedureStop)
        if stop.procedure_date < start_date:
            raise PlanInputError(
                f"procedures[{number}].date",
                f"the procedure on {human_date(stop.procedure_date)} is before the plan's start "
                f"date {human_date(start_date)}; choose a later start or correct the date",
            )
        surgeries.append(_SurgeryStop(finding, stop))
    return sorted(surgeries, key=lambda s: (s.stop.procedure_date, s.stop.stop_from))


def _wean(waits: Sequence[Finding]) -> tuple[int, int, str] | None:
    """The longest wean any wait finding gives (min, max, for whom), or None."""
    weans = []
    for finding in waits:
        dates = finding.dates
        assert isinstance(dates, WaitUntilCleared)
        if dates.wean_max_days:
            weans.append((dates.wean_max_days, dates.wean_min_days, dates.wean_for))
    if not weans:
        return None
    high, low, who = max(weans)
    return low, high, who


def _opioid_wait(
    waits: Sequence[Finding], request: PlanRequest
) -> tuple[date | None, str | None, list[Hold]]:
    """The first dose's date (or None and why), and the holds before it."""
    references = unique_references(f.references for f in waits)
    start = request.start_date
    if request.opioid_free_from is not None:
        first = max(start, request.opioid_free_from)
        holds = []
        if first > start:
            holds.append(
                Hold(
                    kind="opioid-clearance",
                    start=start,
                    end=first - timedelta(days=1),
                    reason=(
                        "No doses yet: your prescriber has confirmed you are free of opioids from "
                        f"{human_date(request.opioid_free_from)}."
                    ),
                    restart_condition=None,
                    references=references,
                )
            )
        return first, None, holds
    holds = []
    wean = _wean(waits)
    clearance_start = start
    if wean is not None and request.daily_opioid_pain_medicine:
        low, high, who = wean
        earliest_end = start + timedelta(days=low - 1)
        latest_end = start + timedelta(days=high - 1)
        holds.append(
            Hold(
                kind="opioid-wean",
                start=start,
                end=earliest_end,
                latest_end=latest_end,
                reason=(
                    f"For {who}: a slow wean off opioids over {days_phrase(low, high)} with your "
                    "physician, moving first to full doses of non-opioid pain relief. Begun on "
                    f"{human_date(start)}, it ends between {human_date_range(earliest_end, latest_end)}."
                ),
                restart_condition=None,
                references=references,
            )
        )
        clearance_start = latest_end + timedelta(days=1)
    holds.append(
        Hold(
            kind="opioid-clearance",
            start=clearance_start,
            end=None,
            reason=(
                "No doses until the opioid has left your body. No source says how long that "
                "takes, so this plan gives no date: ask your prescriber when, and make the plan "
                "again with the opioid-free date they confirm."
            ),
            restart_condition="when your prescriber confirms the opioid has left your body",
            references=references,
        )
    )
    return None, OPIOID_WAIT_NOTE, holds


def _opioid_warning(
    waits: Sequence[Finding], request: PlanRequest, first: date | None, note: str | None
) -> PlanWarning:
    wean = _wean(waits)
    if first is not None:
        text = (
            f"First dose on {human_date(first)}, once you are free of opioids as your prescriber "
            "confirmed. Do not take an opioid while you take this therapy."
        )
    elif request.opioid_free_from is not None:
        text = (
            f"Your prescriber confirmed you are free of opioids from {human_date(request.opioid_free_from)}, "
            f"but no dose is dated: {note or 'see the pauses below'}. Do not take an opioid while "
            "you take this therapy."
        )
    elif wean is not None and request.daily_opioid_pain_medicine is None:
        low, high, who = wean
        text = (
            f"If you take {who}, the source describes a slow wean of {days_phrase(low, high)} first; "
            "tell us whether you do and the plan shows it. Either way the first dose waits until "
            "the opioid has left your body: ask your prescriber when."
        )
    else:
        text = "The first dose waits until the opioid has left your body: ask your prescriber when."
    return PlanWarning(
        severity="avoid",
        text=text,
        detail="; ".join(dict.fromkeys(f.detail for f in waits if f.detail)),
        references=unique_references(f.references for f in waits),
        rule=waits[0].rule,
    )


def _surgery_hold(surgery: _SurgeryStop, stop: date) -> Hold:
    procedure = surgery.stop
    reason = (
        f"{procedure.procedure.capitalize()} on {human_date(procedure.procedure_date)}: take no "
        f"doses from {human_date(stop)} on"
    )
    lead = days_phrase(procedure.min_days, procedure.max_days)
    if stop == procedure.stop_from:
        reason += f" ({lead} before, starting from the earlier day)."
    else:
        reason += f" (the usual stop is {lead} before, and the earlier day is before the plan starts)."
    reason += (
        " Pain relief after an operation often includes opioids, so stay off this therapy "
        "until your physician says you may take it again."
    )
    return Hold(
        kind="surgery",
        start=stop,
        end=None,
        reason=reason,
        restart_condition=procedure.restart or "when your physician says so",
        references=surgery.finding.references,
        procedure_date=procedure.procedure_date,
    )


def _restart_warning(surgery: _SurgeryStop) -> PlanWarning:
    restart = surgery.stop.restart or "when your physician says so"
    return PlanWarning(
        severity="caution",
        text=(
            f"No doses are dated after the stop for surgery. Restart only {restart}; at which "
            "dose to restart and how fast to build up again are for your prescriber to decide."
        ),
        detail=surgery.finding.detail,
        references=surgery.finding.references,
        rule=surgery.finding.rule,
    )


def _no_dose_before_surgery_warning(surgery: _SurgeryStop) -> PlanWarning:
    return PlanWarning(
        severity="caution",
        text=(
            f"Your procedure on {human_date(surgery.stop.procedure_date)} comes before the first "
            "dose could be taken, so this plan dates no doses. Agree a start date with your "
            "physician once you have recovered from the procedure."
        ),
        references=surgery.finding.references,
        rule=surgery.finding.rule,
    )


def _undated_before_surgery_warning(surgery: _SurgeryStop, stop: date) -> PlanWarning:
    return PlanWarning(
        severity="caution",
        text=(
            f"Whenever your first dose comes, take none from {human_date(stop)} on, before your "
            f"procedure on {human_date(surgery.stop.procedure_date)}."
        ),
        references=surgery.finding.references,
        rule=surgery.finding.rule,
    )


def _later_procedure_warning(surgery: _SurgeryStop) -> PlanWarning:
    return PlanWarning(
        severity="caution",
        text=(
            f"Another procedure is planned on {human_date(surgery.stop.procedure_date)}. Tell the "
            "physician who clears your restart, so that the stop before it can be planned too."
        ),
        references=surgery.finding.references,
        rule=surgery.finding.rule,
    )


def _finding_warning(finding: Finding) -> PlanWarning:
    parts: list[str] = []
    for part in (finding.summary, finding.action):
        sentence = _as_sentence(part)
        if sentence and sentence not in parts:
            parts.append(sentence)
    return PlanWarning(
        severity=finding.severity,  # type: ignore[arg-type]
        text=" ".join(parts),
        detail=finding.detail,
        references=finding.references,
        rule=finding.rule,
    )


def _stop_reason(unresolved: Sequence[Finding]) -> str:
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


__all__ = [
    "MAX_DAYS_AFTER_TODAY",
    "NoProtocol",
    "PlanError",
    "PlanInputError",
    "choose_protocol",
    "cut_steps",
    "format_dose",
    "lay_out",
    "make_plan",
]
