"""Builders for start-plan tests: LDN protocols and screen findings from facts-ldn.md.

Doses and timing come from /work/shared/sources/facts-ldn.md: a low first dose raised
by 1 mg weekly until it reaches 4.5 mg, taken at bedtime (R1 p. 21; the 1.5 mg first dose is
from the published example schedule), and a 0.25 mg first dose with Hashimoto's thyroiditis
(an earlier public revision). Finding texts are our
own short paraphrases, shaped like the screen's JSON contract in PRODUCT.md.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal
from typing import Any

from carechoices.plans.domain import DosingProtocol, PlanRequest, ReferenceInfo

THERAPY = "low-dose-naltrexone"
HASHIMOTOS = "hashimotos-thyroiditis"
TODAY = date(2026, 3, 1)

R1 = ReferenceInfo(
    id="R1",
    citation=(
        "Elsegood L, ed. The LDN Book. Vermont: Chelsea Green Publishing; 2016. "
        "(Side effects: p. 20; titration: p. 21.)"
    ),
    url=None,
)
R2 = ReferenceInfo(
    id="R2",
    citation=(
        "Bihari B. LDN and cancer. Low Dose Naltrexone (web page). Feb 21, 2021. "
        "Viewed September 19, 2021."
    ),
    url=None,
)


def reference_json(reference: ReferenceInfo) -> dict[str, Any]:
    return {"id": reference.id, "citation": reference.citation, "url": reference.url}


def standard_protocol(**changes: Any) -> DosingProtocol:
    fields: dict[str, Any] = {
        "name": "Standard LDN titration",
        "condition": None,
        "start_dose_mg": Decimal("1.5"),
        "step_mg": Decimal("1"),
        "interval_days": 7,
        "target_mg": Decimal("4.5"),
        "timing": "at bedtime",
        "note": "Begin with a small dose and add 1 mg each week until 4.5 mg.",
        "references": (R1,),
    }
    fields.update(changes)
    return DosingProtocol(**fields)


def hashimotos_protocol(**changes: Any) -> DosingProtocol:
    fields: dict[str, Any] = {
        "name": "LDN titration with Hashimoto's thyroiditis",
        "condition": HASHIMOTOS,
        "start_dose_mg": Decimal("0.25"),
        "references": (R1,),
    }
    fields.update(changes)
    return standard_protocol(**fields)


def washout_finding(*, earliest_start: date | None = None) -> dict[str, Any]:
    # By default the screen's earliest start is the short end (10 days), so the calculator's
    # own conservative choice of max_days is what the tests see.
    start = earliest_start or TODAY + timedelta(days=10)
    return {
        "severity": "avoid",
        "rule": "ldn-opioids",
        "summary": "You take an opioid medicine (tramadol).",
        "detail": "LDN blocks opioid receptors, so the two work against each other.",
        "action": "Taper off opioids with your physician before the first LDN dose.",
        "dates": {
            "kind": "washout-before-start",
            "min_days": 10,
            "max_days": 14,
            "earliest_start": start.isoformat(),
        },
        "triggered_by": [{"input": "tramadol", "matched": "tramadol", "via": "generic"}],
        "references": [reference_json(R2)],
    }


def surgery_finding(procedure_date: date, *, severity: str = "caution") -> dict[str, Any]:
    return {
        "severity": severity,
        "rule": "ldn-surgery",
        "summary": f"Surgery planned on {procedure_date.isoformat()}.",
        "detail": "Pain relief after surgery often uses opioids.",
        "action": "Stop LDN one to two days ahead of the operation.",
        "dates": {
            "kind": "stop-before-procedure",
            "procedure": "surgery",
            "procedure_date": procedure_date.isoformat(),
            "stop_from": (procedure_date - timedelta(days=2)).isoformat(),
            "stop_no_later_than": (procedure_date - timedelta(days=1)).isoformat(),
            "restart": "when your physician clears it",
        },
        "triggered_by": [
            {"input": procedure_date.isoformat(), "matched": "surgery", "via": "procedure"}
        ],
        "references": [reference_json(R2)],
    }


def transplant_finding() -> dict[str, Any]:
    return {
        "severity": "avoid",
        "rule": "ldn-transplant",
        "summary": "Organ transplant with immunosuppressive medicine.",
        "detail": "LDN might work against anti-rejection medicines.",
        "action": "Do not take LDN unless your transplant team agrees.",
        "dates": {},
        "triggered_by": [
            {"input": "kidney transplant", "matched": "organ transplant", "via": "condition"}
        ],
        "references": [reference_json(R2)],
    }


def hashimotos_finding() -> dict[str, Any]:
    return {
        "severity": "caution",
        "rule": "ldn-hashimotos",
        "summary": "Hashimoto's thyroiditis treated with thyroid hormone.",
        "detail": "LDN may settle the autoimmune thyroid disease quickly.",
        "action": "Your thyroid hormone dose may need a quick reduction; ask your doctor.",
        "dates": {},
        "triggered_by": [{"input": "hashimoto", "matched": HASHIMOTOS, "via": "condition"}],
        "references": [],
    }


def plan_request(
    *,
    start_date: date = TODAY,
    time_zone: str = "Europe/London",
    conditions: frozenset[str] = frozenset(),
    findings: tuple[dict[str, Any], ...] = (),
    prescriber_decision: str | None = None,
    dose_time: time = time(21, 0),
) -> PlanRequest:
    return PlanRequest(
        therapy=THERAPY,
        start_date=start_date,
        time_zone=time_zone,
        conditions=conditions,
        findings=findings,
        prescriber_decision=prescriber_decision,
        dose_time=dose_time,
    )
