"""The API's JSON shapes, for validation of responses and the OpenAPI document.

They mirror the screen's contract in PRODUCT.md exactly; the engine builds the dicts.
"""

from __future__ import annotations

from typing import Any, Literal

from ninja import Schema
from pydantic import Field

Severity = Literal["avoid", "caution", "info"]
Verdict = Literal["avoid", "caution", "info", "incomplete", "no-known-concerns"]


class ErrorDetail(Schema):
    field: str = Field(description="JSON path of the field at fault, e.g. medicines[3]")
    message: str


class ErrorResponse(Schema):
    error: ErrorDetail


class ProcedureIn(Schema):
    type: Literal["surgery"]
    date: str | None = Field(None, description="YYYY-MM-DD", examples=["2026-12-20"])


class ScreenRequestIn(Schema):
    therapies: list[str] | None = Field(
        None, description="Therapy slugs; leave out to screen every therapy", examples=[["low-dose-naltrexone"]]
    )
    medicines: list[str] = Field(default_factory=list, examples=[["Percocet 5/325", "levothyroxine"]])
    conditions: list[str] = Field(default_factory=list, examples=[["Hashimoto's"]])
    procedures: list[ProcedureIn] = Field(default_factory=list)
    dose_mg: float | None = Field(None, examples=[4.5])
    cancer_type: str | None = None


class TriggeredBy(Schema):
    input: str
    matched: str
    via: str


class ReferenceOut(Schema):
    id: str
    citation: str
    url: str | None


class Finding(Schema):
    severity: Severity
    rule: str
    summary: str
    detail: str
    action: str
    dates: dict[str, Any]
    triggered_by: list[TriggeredBy]
    references: list[ReferenceOut]


class TherapyResult(Schema):
    therapy: str
    name: str
    verdict: Verdict
    findings: list[Finding]


class InputResult(Schema):
    input: str
    kind: Literal["medicine", "condition", "procedure"]
    status: Literal["recognised", "ambiguous", "suggested", "unrecognised"]
    ingredients: list[str]
    suggestions: list[str]


class DataSource(Schema):
    name: str
    version: str
    date: str


class Coverage(Schema):
    unrecognised: list[str]
    data_sources: list[DataSource]


class ScreenResult(Schema):
    therapies: list[TherapyResult]
    inputs: list[InputResult]
    coverage: Coverage
    disclaimer: str


class PlanRequestIn(Schema):
    therapy: str = Field(examples=["low-dose-naltrexone"])
    start_date: str = Field(description="YYYY-MM-DD", examples=["2026-12-01"])
    time_zone: str = Field("UTC", description="IANA time zone", examples=["Europe/London"])
    medicines: list[str] = Field(default_factory=list, examples=[["tramadol 50 mg"]])
    conditions: list[str] = Field(default_factory=list)
    procedures: list[ProcedureIn] = Field(default_factory=list)
    dose_mg: float | None = None
    prescriber_decision: str | None = Field(
        None, description="The prescriber's decision to proceed despite a finding that timing cannot resolve"
    )


class PlanProtocol(Schema):
    name: str
    condition: str | None
    start_dose_mg: float
    step_mg: float
    interval_days: int
    target_mg: float
    timing: str
    note: str
    references: list[ReferenceOut]


class PlanStep(Schema):
    start: str
    end: str | None
    dose_mg: float
    timing: str
    note: str
    references: list[ReferenceOut]


class PlanHold(Schema):
    kind: str
    start: str
    end: str | None
    reason: str
    restart_condition: str | None
    procedure_date: str | None
    references: list[ReferenceOut]


class PlanWarningOut(Schema):
    severity: str
    text: str
    rule: str | None
    prescriber_decision: bool
    references: list[ReferenceOut]


class PlanResult(Schema):
    therapy: str
    time_zone: str
    start_date: str
    first_dose_date: str | None
    dose_time: str = Field(description="Local clock time of dose reminders, HH:MM")
    protocol: PlanProtocol
    steps: list[PlanStep]
    holds: list[PlanHold]
    warnings: list[PlanWarningOut]
    references: list[ReferenceOut]
    stopped: bool
    stop_reason: str | None
    prescriber_decision: str | None
    verdict: Verdict
    findings: list[Finding]
    not_checked: list[str]
    disclaimer: str
