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
    time_zone: str | None = Field(
        None, description="IANA time zone deciding what 'today' is (default UTC)", examples=["Europe/London"]
    )


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
    start_date: str = Field(description="YYYY-MM-DD, today or later", examples=["2026-12-01"])
    time_zone: str = Field("UTC", description="IANA time zone", examples=["Europe/London"])
    medicines: list[str] = Field(default_factory=list, examples=[["tramadol 50 mg"]])
    conditions: list[str] = Field(default_factory=list)
    procedures: list[ProcedureIn] = Field(default_factory=list)
    dose_mg: float | None = None
    protocol: str | None = Field(None, description="Id of one of the review's dosing protocols", examples=["three-step-schedule"])
    start_dose_mg: float | None = Field(
        None, description="The prescriber's start dose, for a protocol whose source leaves it open"
    )
    daily_opioid_pain_medicine: bool | None = Field(
        None, description="Whether opioid pain medicine is taken every day (the source's wean is for this case)"
    )
    opioid_free_from: str | None = Field(
        None, description="YYYY-MM-DD from which the prescriber confirms the person is free of opioids"
    )
    prescriber_decision: str | None = Field(
        None, description="The prescriber's decision to proceed despite a finding that timing cannot resolve"
    )


class ScheduleStepOut(Schema):
    dose_mg: float
    min_days: int | None
    max_days: int | None


class PlanProtocol(Schema):
    id: str
    name: str
    condition: str | None
    steps: list[ScheduleStepOut]
    start_dose_mg: float | None
    step_mg: float | None
    interval_days: int | None
    target_mg: float | None
    needs_start_dose: bool
    timing: str
    note: str
    references: list[ReferenceOut]


class PlanStep(Schema):
    number: int
    dose_mg: float
    min_days: int | None = Field(description="Shortest days on this dose as the source gives it; null for the last step")
    max_days: int | None
    first_day: int = Field(description="Earliest day number (day 1 = first dose) this step may begin")
    last_first_day: int
    start: str | None = Field(description="Earliest date this step may begin; null when the plan is undated")
    latest_start: str | None
    ends_before: str | None
    timing: str
    note: str
    references: list[ReferenceOut]


class PlanHold(Schema):
    kind: Literal["opioid-wean", "opioid-clearance", "surgery"]
    start: str
    end: str | None
    latest_end: str | None
    reason: str
    restart_condition: str | None
    procedure_date: str | None
    references: list[ReferenceOut]


class PlanWarningOut(Schema):
    severity: str
    text: str
    detail: str
    rule: str | None
    prescriber_decision: bool
    references: list[ReferenceOut]


class PlanResult(Schema):
    therapy: str
    time_zone: str
    today: str
    start_date: str
    first_dose_date: str | None = Field(description="The one earliest-start date; null when nothing dates it")
    first_dose_note: str | None
    dose_time: str = Field(description="Local clock time of dose reminders, HH:MM")
    protocol: PlanProtocol
    start_dose_mg: float | None
    opioid_free_from: str | None
    steps: list[PlanStep]
    holds: list[PlanHold]
    warnings: list[PlanWarningOut]
    references: list[ReferenceOut]
    stopped: bool
    stop_reason: str | None
    prescriber_decision: str | None
    verdict: Verdict
    findings: list[Finding]
    inputs: list[InputResult]
    dose_mg: float | None
    not_checked: list[str]
    disclaimer: str
