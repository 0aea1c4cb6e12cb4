"""Typed results of the personal safety screen: the one contract between the engine and its users.

``screen()`` returns a :class:`ScreenResult`; ``to_json()`` gives exactly the JSON of PRODUCT.md
("The screen's contract"). The start plan, the results page, the API and the CLI all read these
values, so none of them re-validates the engine's dictionaries. Plain Python, no Django.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any, ClassVar, Final

from carechoices.core.records import quick_init
from carechoices.screening.models import ReferenceInfo
from carechoices.screening.wording import human_date

#: Verdicts a therapy can get, in PRODUCT.md's words.
VERDICTS: Final[tuple[str, ...]] = ("avoid", "caution", "info", "incomplete", "no-known-concerns")


@quick_init
@dataclass(frozen=True, order=True)
class TriggeredBy:
    """What in the person's inputs made a finding fire, and how it was matched."""

    input: str
    matched: str
    via: str

    def to_json(self) -> dict[str, str]:
        return {"input": self.input, "matched": self.matched, "via": self.via}


@quick_init
@dataclass(frozen=True)
class WaitUntilCleared:
    """Do not start the therapy until a medicine has left the body (no source dates this).

    ``wean_min_days``/``wean_max_days`` are the source's wean for the people ``wean_for`` names
    (e.g. 10-14 days for daily opioid pain medicine); both are 0 when the source gives none.
    """

    wean_min_days: int = 0
    wean_max_days: int = 0
    wean_for: str = ""

    kind: ClassVar[str] = "wait-until-cleared"

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "wean_min_days": self.wean_min_days,
            "wean_max_days": self.wean_max_days,
            "wean_for": self.wean_for,
        }


@quick_init
@dataclass(frozen=True)
class ProcedureStop:
    """Stop the therapy ``min_days``-``max_days`` before a dated procedure.

    ``stop_from`` (the earlier stop day) and ``stop_no_later_than`` follow from the procedure
    date; ``today`` is the day of the request in the person's time zone, so a stop day that has
    already passed, or a procedure today or tomorrow, is said plainly.
    """

    procedure: str
    procedure_date: datetime.date
    min_days: int
    max_days: int
    restart: str
    today: datetime.date

    kind: ClassVar[str] = "stop-before-procedure"

    @property
    def stop_from(self) -> datetime.date:
        return self.procedure_date - datetime.timedelta(days=self.max_days)

    @property
    def stop_no_later_than(self) -> datetime.date:
        return self.procedure_date - datetime.timedelta(days=self.min_days)

    @property
    def days_until_procedure(self) -> int:
        return (self.procedure_date - self.today).days

    @property
    def procedure_passed(self) -> bool:
        return self.procedure_date < self.today

    @property
    def stop_passed(self) -> bool:
        """The last day to stop is already behind us (the procedure itself may still be ahead)."""
        return self.stop_no_later_than < self.today

    @property
    def soon(self) -> bool:
        """The procedure is today or tomorrow."""
        return 0 <= self.days_until_procedure <= 1

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "procedure": self.procedure,
            "procedure_date": self.procedure_date.isoformat(),
            "min_days": self.min_days,
            "max_days": self.max_days,
            "stop_from": self.stop_from.isoformat(),
            "stop_no_later_than": self.stop_no_later_than.isoformat(),
            "restart": self.restart,
            "today": self.today.isoformat(),
            "days_until_procedure": self.days_until_procedure,
            "stop_passed": self.stop_passed,
            "date_in_past": self.procedure_passed,
        }


FindingDates = WaitUntilCleared | ProcedureStop


@quick_init
@dataclass(frozen=True)
class Finding:
    """One concern for one therapy, in lay (``summary``, ``action``) and professional words."""

    severity: str  # "avoid" | "caution" | "info"
    rule: str
    title: str
    summary: str
    detail: str
    action: str
    triggered_by: tuple[TriggeredBy, ...]
    references: tuple[ReferenceInfo, ...]
    dates: FindingDates | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "rule": self.rule,
            "summary": self.summary,
            "detail": self.detail,
            "action": self.action,
            "dates": self.dates.to_json() if self.dates is not None else {},
            "triggered_by": [hit.to_json() for hit in self.triggered_by],
            "references": [
                {"id": ref.id, "citation": ref.citation, "url": ref.url} for ref in self.references
            ],
        }


@quick_init
@dataclass(frozen=True)
class TherapyResult:
    """The verdict and findings for one therapy."""

    therapy: str
    name: str
    verdict: str
    findings: tuple[Finding, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "therapy": self.therapy,
            "name": self.name,
            "verdict": self.verdict,
            "findings": [finding.to_json() for finding in self.findings],
        }


@quick_init
@dataclass(frozen=True)
class InputReading:
    """How one entry was read: its status, the ingredients or concepts it means, suggestions.

    ``matched`` and ``via`` say how (for "How we read what you entered"); ``not_checked``
    lists what part of it could not be checked (a word that matched nothing, an ingredient
    whose class is undecided), each already in plain words.
    """

    input: str
    kind: str  # "medicine" | "condition" | "procedure"
    status: str  # "recognised" | "ambiguous" | "suggested" | "unrecognised"
    ingredients: tuple[str, ...] = ()
    suggestions: tuple[str, ...] = ()
    matched: str = ""
    via: str = ""
    not_checked: tuple[str, ...] = ()
    procedure_date: datetime.date | None = None  # procedures only

    @property
    def screened(self) -> bool:
        return self.status in ("recognised", "ambiguous")

    def to_json(self) -> dict[str, Any]:
        return {
            "input": self.input,
            "kind": self.kind,
            "status": self.status,
            "ingredients": list(self.ingredients),
            "suggestions": list(self.suggestions),
        }

    @property
    def label(self) -> str:
        """The entry for people to read (a procedure's date written out)."""
        if self.kind == "procedure" and self.procedure_date is not None:
            return f"{self.matched or 'procedure'} on {human_date(self.procedure_date)}"
        return self.input


@quick_init
@dataclass(frozen=True)
class DataSource:
    name: str
    version: str
    date: str

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "version": self.version, "date": self.date}


@quick_init
@dataclass(frozen=True)
class ScreenResult:
    """Everything the screen found, for every selected therapy, and what it could not check."""

    therapies: tuple[TherapyResult, ...]
    inputs: tuple[InputReading, ...]
    not_checked: tuple[str, ...]
    data_sources: tuple[DataSource, ...]
    disclaimer: str
    today: datetime.date = field(compare=False, default=datetime.date.min)

    def therapy(self, slug: str) -> TherapyResult:
        """The result for one therapy; ``KeyError`` when it was not screened."""
        for result in self.therapies:
            if result.therapy == slug:
                return result
        raise KeyError(slug)

    def to_json(self) -> dict[str, Any]:
        return {
            "therapies": [therapy.to_json() for therapy in self.therapies],
            "inputs": [reading.to_json() for reading in self.inputs],
            "coverage": {
                "unrecognised": list(self.not_checked),
                "data_sources": [source.to_json() for source in self.data_sources],
            },
            "disclaimer": self.disclaimer,
        }
