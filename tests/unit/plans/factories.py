"""Builders for start-plan tests: LDN protocols and typed screen findings from facts-ldn.md.

Each protocol reproduces one source's schedule (facts-ldn.md, "Dosing practice"):

* Schedule A (R19): three bedtime doses, 1.5 mg and 3 mg (each kept 7 to 14 days) and 4.5 mg;
* Schedule B (R1 p. 21): weekly increases of 1 mg, up to 4.5 mg, with no stated start dose;
* Hashimoto's thyroiditis (seed; an earlier public revision): 0.25 mg, no pace after it.

Finding texts are our own short paraphrases; their shape is the screen's typed ``Finding``.
"""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from typing import Any

from carechoices.plans.domain import DosingProtocol, PlanRequest, ScheduleStep
from carechoices.screening.models import ReferenceInfo
from carechoices.screening.results import Finding, ProcedureStop, TriggeredBy, WaitUntilCleared

THERAPY = "low-dose-naltrexone"
HASHIMOTOS = "hashimotos-thyroiditis"
TODAY = date(2026, 3, 1)

R1 = ReferenceInfo(
    id="R1",
    citation=(
        "Elsegood L, ed. The LDN Book. Vermont: Chelsea Green Publishing; 2016. "
        "(Side effects: p. 20; titration: p. 21.)"
    ),
)
R2 = ReferenceInfo(
    id="R2",
    citation=(
        "Bihari B. LDN and cancer. Low Dose Naltrexone (web page). Feb 21, 2021. "
        "Viewed September 19, 2021."
    ),
)
R19 = ReferenceInfo(
    id="R19",
    citation="Lavender Sky Health. Naltrexone (Rx summary). Web page (date not recorded).",
    url="https://lavenderskyhealth.com/rx-summaries/naltrexone",
)

#: Every dose each source states, for "every dated dose appears in its protocol's schedule".
SOURCE_DOSES = {
    "three-step-schedule": {Decimal("1.5"), Decimal("3"), Decimal("4.5")},
    "hashimotos-lowest-start": {Decimal("0.25")},
}


def schedule_a(**changes: Any) -> DosingProtocol:
    fields: dict[str, Any] = {
        "protocol_id": "three-step-schedule",
        "name": "Three steps: 1.5 mg, 3 mg, then 4.5 mg",
        "condition": None,
        "timing": "at bedtime",
        "note": "Doses of 1.5 mg and 3 mg kept 7 to 14 days each, then 4.5 mg.",
        "references": (R19,),
        "steps": (
            ScheduleStep(Decimal("1.5"), 7, 14),
            ScheduleStep(Decimal("3"), 7, 14),
            ScheduleStep(Decimal("4.5")),
        ),
    }
    fields.update(changes)
    return DosingProtocol(**fields)


def schedule_b(**changes: Any) -> DosingProtocol:
    fields: dict[str, Any] = {
        "protocol_id": "weekly-1-mg-steps",
        "name": "Start low and add 1 mg a week up to 4.5 mg",
        "condition": None,
        "timing": "at bedtime",
        "note": "The start dose is not stated by the source.",
        "references": (R1,),
        "step_mg": Decimal("1"),
        "interval_days": 7,
        "target_mg": Decimal("4.5"),
    }
    fields.update(changes)
    return DosingProtocol(**fields)


def hashimotos_protocol(**changes: Any) -> DosingProtocol:
    fields: dict[str, Any] = {
        "protocol_id": "hashimotos-lowest-start",
        "name": "Hashimoto's thyroiditis: the lowest start",
        "condition": HASHIMOTOS,
        "timing": "at bedtime",
        "note": "Only the start is dated.",
        "references": (R1,),
        "steps": (ScheduleStep(Decimal("0.25")),),
    }
    fields.update(changes)
    return DosingProtocol(**fields)


LDN_PROTOCOLS = (schedule_a(), schedule_b(), hashimotos_protocol())


def finding(
    rule: str,
    severity: str,
    *,
    summary: str = "A summary.",
    detail: str = "Professional detail.",
    action: str = "What to do.",
    dates: Any = None,
    references: tuple[ReferenceInfo, ...] = (R2,),
    trigger: str = "entered",
) -> Finding:
    return Finding(
        severity=severity,
        rule=rule,
        title=rule.replace("-", " ").capitalize(),
        summary=summary,
        detail=detail,
        action=action,
        dates=dates,
        triggered_by=(TriggeredBy(trigger, trigger, "test"),),
        references=references,
    )


def opioid_finding(*, wean: bool = True) -> Finding:
    return finding(
        "ldn-opioids",
        "avoid",
        summary="You take an opioid medicine (tramadol).",
        detail="Daily opioid analgesia may need a 10–14 day taper first.",
        action="Do not start LDN while you take an opioid.",
        dates=WaitUntilCleared(10, 14, "daily opioid pain medicine") if wean else WaitUntilCleared(),
        trigger="tramadol",
    )


def surgery_finding(procedure_date: date, *, today: date = TODAY) -> Finding:
    return finding(
        "ldn-surgery",
        "caution",
        summary=f"Surgery planned on {procedure_date.isoformat()}.",
        detail="Pain relief after surgery often uses opioids.",
        action="Stop LDN one to two days ahead of the operation.",
        dates=ProcedureStop("surgery", procedure_date, 1, 2, "when your physician clears it", today),
        trigger=f"surgery on {procedure_date.isoformat()}",
    )


def transplant_finding() -> Finding:
    return finding(
        "ldn-transplant",
        "avoid",
        summary="Organ transplant with immunosuppressive medicine.",
        detail="LDN might work against anti-rejection medicines.",
        action="Do not take LDN unless your transplant team agrees.",
        trigger="kidney transplant",
    )


def hashimotos_finding() -> Finding:
    return finding(
        "ldn-hashimotos",
        "caution",
        summary="Hashimoto's thyroiditis treated with thyroid hormone.",
        detail="LDN may settle the autoimmune thyroid disease quickly.",
        action="Your thyroid hormone dose may need a quick reduction; ask your doctor.",
        references=(),
        trigger="hashimoto",
    )


def plan_request(
    *,
    start_date: date = TODAY,
    time_zone: str = "Europe/London",
    conditions: frozenset[str] = frozenset(),
    findings: tuple[Finding, ...] = (),
    prescriber_decision: str | None = None,
    dose_time: time = time(21, 0),
    **changes: Any,
) -> PlanRequest:
    return PlanRequest(
        therapy=THERAPY,
        start_date=start_date,
        time_zone=time_zone,
        conditions=conditions,
        findings=findings,
        prescriber_decision=prescriber_decision,
        dose_time=dose_time,
        **changes,
    )
