"""Shape a screen result for the results page: plain language first, detail one click away."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from carechoices.medicines import load_vocabulary
from carechoices.screening.results import Finding, InputReading, ScreenResult

VERDICT_TEXT = {
    "avoid": ("Avoid", "Something you told us means this therapy should not be used without your doctor's advice."),
    "caution": ("Caution", "Something you told us needs care, timing or a talk with your doctor."),
    "info": ("Good to know", "We found information worth discussing, but no warning."),
    "incomplete": (
        "Not fully checked",
        "We could not check everything you entered, or this therapy's interactions are not yet reviewed. "
        "This is not a clean result: ask your pharmacist about what we could not check.",
    ),
    "no-known-concerns": (
        "No known concerns",
        "Nothing you entered matched a concern in our review. That is not a guarantee: our review only "
        "covers what the published sources say.",
    ),
}
SEVERITY_ORDER = ("avoid", "caution", "info")
SEVERITY_HEADING = {"avoid": "Avoid", "caution": "Caution", "info": "Good to know"}
STATUS_TEXT = {
    "recognised": "",
    "ambiguous": "this name covers several products or meanings: we checked all of them",
    "suggested": "not recognised, so not checked",
    "unrecognised": "not recognised, so not checked",
}


@dataclass(frozen=True)
class SuggestionChoice:
    """A "did you mean" the person can confirm: the whole request again with one line replaced."""

    original: str
    suggestion: str
    fields: dict[str, str]


@dataclass(frozen=True)
class ReadingRow:
    """One line of "How we read what you entered"."""

    reading: InputReading
    read_as: str
    note: str
    checked: bool


def read_as(reading: InputReading) -> str:
    """What an entry was read as, in words: ingredients, or condition names (not slugs)."""
    if reading.kind == "condition":
        vocabulary = load_vocabulary()
        known = vocabulary.condition_concepts()
        names = [vocabulary.condition(slug).label if slug in known else slug for slug in reading.ingredients]
        return ", ".join(names) or reading.matched
    return ", ".join(reading.ingredients) or reading.matched


def request_fields(payload: dict[str, Any]) -> dict[str, str]:
    """The screen request as form fields (one medicine or condition per line)."""
    fields = {
        "medicines": "\n".join(payload.get("medicines", [])),
        "conditions": "\n".join(payload.get("conditions", [])),
    }
    for procedure in payload.get("procedures", []):
        fields["surgery_planned"] = "on"
        if procedure.get("date"):
            fields["surgery_date"] = procedure["date"]
    if payload.get("dose_mg") is not None:
        fields["dose_mg"] = f"{payload['dose_mg']:g}"
    if payload.get("cancer_type"):
        fields["cancer_type"] = payload["cancer_type"]
    if payload.get("time_zone"):
        fields["time_zone"] = payload["time_zone"]
    return fields


class ScreenResultPresenter:
    def __init__(self, result: ScreenResult, payload: dict[str, Any], therapies: dict) -> None:
        self.screen = result
        self.result = result.to_json()
        self.payload = payload
        self.therapies = therapies

    @property
    def therapy_results(self) -> list[dict[str, Any]]:
        rows = []
        for item in self.screen.therapies:
            label, explanation = VERDICT_TEXT[item.verdict]
            content = self.therapies.get(item.therapy)
            groups = [
                {
                    "severity": s,
                    "heading": SEVERITY_HEADING[s],
                    "findings": [_finding_row(f) for f in item.findings if f.severity == s],
                }
                for s in SEVERITY_ORDER
            ]
            rows.append(
                {
                    "therapy": item.therapy,
                    "name": item.name,
                    "verdict": item.verdict,
                    "verdict_label": label,
                    "verdict_explanation": explanation,
                    "groups": [g for g in groups if g["findings"]],
                    "findings": [_finding_row(f) for f in item.findings],
                    "url": content.page.url if content else None,
                    "can_plan": bool(content and content.protocols),
                }
            )
        return rows

    @property
    def not_checked(self) -> list[InputReading]:
        return [i for i in self.screen.inputs if not i.screened]

    @property
    def not_checked_notes(self) -> list[str]:
        """What else was not checked: parts of names, unclassified ingredients, unreviewed rules."""
        whole = {item.input for item in self.not_checked}
        return [note for note in self.screen.not_checked if note not in whole]

    @property
    def readings(self) -> list[ReadingRow]:
        """Every entry, recognised or not, and how we read it."""
        rows = []
        for reading in self.screen.inputs:
            if reading.screened:
                parts = [STATUS_TEXT[reading.status]] if STATUS_TEXT[reading.status] else []
                if reading.not_checked:
                    parts.append("only partly checked: see “Not checked”")
                rows.append(ReadingRow(reading, read_as(reading), "; ".join(parts), not reading.not_checked))
            else:
                note = STATUS_TEXT[reading.status]
                if reading.suggestions:
                    note += " — did you mean " + " or ".join(reading.suggestions) + "?"
                rows.append(ReadingRow(reading, "—", note, False))
        return rows

    @property
    def hidden_fields(self) -> list[tuple[str, str]]:
        """The request as hidden form fields (for "make a start plan"), never in a URL."""
        fields = list(request_fields(self.payload).items())
        fields += [("therapies", slug) for slug in self.payload.get("therapies", [])]
        return fields

    @property
    def suggestion_choices(self) -> list[SuggestionChoice]:
        choices = []
        for item in self.not_checked:
            kind = "medicines" if item.kind == "medicine" else "conditions"
            for suggestion in item.suggestions:
                replaced = dict(self.payload)
                replaced[kind] = [suggestion if v == item.input else v for v in self.payload.get(kind, [])]
                choices.append(SuggestionChoice(item.input, suggestion, request_fields(replaced)))
        return choices

    @property
    def therapy_fields(self) -> list[str]:
        return list(self.payload.get("therapies", []))


def _finding_row(finding: Finding) -> dict[str, Any]:
    return {**finding.to_json(), "title": finding.title}
