"""Shape a plan for people to read (page and PDF): human dates, ranges as ranges, inputs as entered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from carechoices.plans.domain import Hold, TitrationStep, format_dose
from carechoices.screening.presenters import STATUS_TEXT, VERDICT_TEXT, read_as
from carechoices.screening.wording import days_phrase, human_date, human_date_range, relative_day

if TYPE_CHECKING:
    from carechoices.plans.service import PlanOutcome

HOLD_TITLES = {
    "opioid-wean": "Slow wean off opioids",
    "opioid-clearance": "Waiting for the opioid to leave your body",
    "surgery": "Stop for surgery",
}


@dataclass(frozen=True)
class StepRow:
    number: int
    dose: str
    starts: str
    lasts: str
    timing: str


@dataclass(frozen=True)
class HoldRow:
    title: str
    starts: str
    ends: str
    reason: str
    restart: str


@dataclass(frozen=True)
class InputRow:
    entered: str
    kind: str
    read_as: str
    checked: bool
    when: str = ""  # a procedure's date relative to the plan's today: "in 20 days"


def _step_starts(step: TitrationStep) -> str:
    if step.start is None or step.latest_start is None:
        if step.first_day == step.last_first_day:
            return f"day {step.first_day}"
        return f"between day {step.first_day} and day {step.last_first_day}"
    if step.start == step.latest_start:
        return human_date(step.start)
    return f"between {human_date_range(step.start, step.latest_start)}"


def _step_lasts(step: TitrationStep) -> str:
    if step.open_ended:
        lasts = "onwards, as your prescriber decides"
    else:
        assert step.min_days is not None and step.max_days is not None
        lasts = days_phrase(step.min_days, step.max_days)
    if step.ends_before is not None:
        lasts += f" (no doses from {human_date(step.ends_before)}: surgery)"
    return lasts


def _hold_ends(hold: Hold) -> str:
    if hold.end is None:
        return "no date: " + (hold.restart_condition or "your prescriber decides")
    if hold.latest_end is not None and hold.latest_end != hold.end:
        return f"between {human_date_range(hold.end, hold.latest_end)}"
    return human_date(hold.end)


class PlanPresenter:
    """What the plan page and the PDF show, computed once."""

    def __init__(self, outcome: PlanOutcome) -> None:
        self.outcome = outcome
        self.plan = outcome.plan
        therapy = outcome.therapy_result
        self.verdict_label, self.verdict_explanation = VERDICT_TEXT[therapy.verdict]
        self.findings = therapy.findings

    @property
    def today(self) -> str:
        return human_date(self.plan.today)

    def relative(self, day: date) -> str:
        """``day`` in relative words from the plan's today: "today", "in 6 days"."""
        return relative_day(day, self.plan.today)

    @property
    def start_date(self) -> str:
        return human_date(self.plan.start_date)

    @property
    def first_dose(self) -> str:
        """The one earliest-start date, or what the first dose waits for."""
        if self.plan.first_dose_date is not None:
            return human_date(self.plan.first_dose_date)
        if self.plan.stopped:
            return "not started: see above"
        if self.plan.first_dose_note:
            return f"not dated: {self.plan.first_dose_note}"
        return "not dated"

    @property
    def first_dose_when(self) -> str:
        """The first dose in relative words ("in 6 days"), for the page; "" when undated.

        Only the web page says it: a PDF or a print-out is read on later days, when it is wrong.
        """
        if self.plan.first_dose_date is None:
            return ""
        return self.relative(self.plan.first_dose_date)

    @property
    def protocol_line(self) -> str:
        protocol = self.plan.protocol
        line = protocol.name
        if self.plan.start_dose_mg is not None:
            line += f", starting at {format_dose(self.plan.start_dose_mg)} mg as your prescriber advised"
        return line

    @property
    def steps(self) -> list[StepRow]:
        return [
            StepRow(
                step.number,
                f"{format_dose(step.dose_mg)} mg",
                _step_starts(step),
                _step_lasts(step),
                step.timing,
            )
            for step in self.plan.steps
        ]

    @property
    def holds(self) -> list[HoldRow]:
        return [
            HoldRow(
                HOLD_TITLES.get(hold.kind, hold.kind),
                human_date(hold.start),
                _hold_ends(hold),
                hold.reason,
                hold.restart_condition or "",
            )
            for hold in self.plan.holds
        ]

    @property
    def inputs(self) -> list[InputRow]:
        """Each medicine, condition and procedure as entered, and how it was read."""
        rows = []
        for reading in self.outcome.inputs:
            if reading.screened:
                words = read_as(reading)
                if STATUS_TEXT[reading.status]:
                    words += f" ({STATUS_TEXT[reading.status]})"
                if reading.not_checked:
                    words += " — only partly checked"
            else:
                words = STATUS_TEXT[reading.status]
                if reading.suggestions:
                    words += "; did you mean " + " or ".join(reading.suggestions) + "?"
            when = self.relative(reading.procedure_date) if reading.procedure_date else ""
            rows.append(InputRow(reading.label, reading.kind, words, reading.screened and not reading.not_checked, when))
        return rows

    @property
    def dose_entered(self) -> str:
        dose = self.outcome.request.screen.dose_mg
        return "" if dose is None else f"{dose:g} mg"

    @property
    def nothing_entered(self) -> bool:
        return not self.outcome.inputs and not self.dose_entered


def human(day: date | None) -> str:
    return "" if day is None else human_date(day)
