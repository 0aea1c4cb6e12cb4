"""Shape a screen result for the results page: plain language first, detail one click away."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from carechoices.medicines import load_vocabulary
from carechoices.screening.results import Finding, InputReading, ScreenResult, TriggeredBy
from carechoices.screening.wording import relative_day

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


#: Medicine classes in readers' words, as the end of "… is an opioid".
CLASS_WORDS = {
    "opioid": "an opioid",
    "opioid-antagonist": "an opioid blocker",
    "transplant-immunosuppressant": "a medicine that stops a transplant being rejected",
    "immunosuppressant": "a medicine that damps down the immune system",
    "thyroid-hormone": "a thyroid hormone",
    "nsaid": "an NSAID (an anti-inflammatory painkiller)",
    "corticosteroid": "a steroid medicine",
}
_HOW = re.compile(r"\s*\(([^()]*(?:\([^()]*\)[^()]*)*)\)\s*$")


def _condition_words(slug: str) -> str:
    """A condition slug as people say it ("hashimotos-thyroiditis" -> "Hashimoto's thyroiditis")."""
    vocabulary = load_vocabulary()
    if slug in vocabulary.condition_concepts():
        label = vocabulary.condition(slug).label
        return label[:1].lower() + label[1:] if not label[:2].isupper() else label
    return slug.replace("-", " ")


def because(trigger: TriggeredBy, shown_as: str | None = None) -> str:
    """Why a finding applies, in words: "“Percocet” contains oxycodone, an opioid".

    ``via`` in the screen's answer is for machines and professionals ("ingredient oxycodone in
    class opioid (FDA NDC product name)"); this says the same for the person who typed it.
    ``shown_as`` is how the page writes the entry (a procedure's date in words).
    """
    entered = f"“{shown_as or trigger.input}”"
    via = trigger.via or ""
    match = _HOW.search(via)
    how = match.group(1) if match else ""
    core = via[: match.start()] if match else via
    ambiguous = " (the name covers several products: we checked them all)" if "ambiguous" in how else ""
    same = lambda name: name.casefold() == trigger.input.strip().casefold()  # noqa: E731
    if found := re.fullmatch(r"(?:ingredients?|combination of) (.+) in class (\S+)", core):
        names = found.group(1).replace(" + ", " and ")
        kind = CLASS_WORDS.get(found.group(2), f"in the {found.group(2).replace('-', ' ')} group")
        if same(names):
            return f"{entered} is {kind}{ambiguous}"
        return f"{entered} contains {names}, {kind}{ambiguous}"
    if found := re.fullmatch(r"ingredient (.+)", core):
        name = found.group(1)
        return f"you entered {entered}{ambiguous}" if same(name) else f"{entered} contains {name}{ambiguous}"
    if found := re.fullmatch(r"condition (.+), implied by the medicine", core):
        return f"taking {entered} means you are {_condition_words(found.group(1))}"
    if found := re.fullmatch(r"condition (.+), implied by (.+)", core):
        cause = _condition_words(found.group(2))
        shown = entered if same(cause) else f"{entered} ({cause})"
        return f"{shown} means you are {_condition_words(found.group(1))}"
    if found := re.fullmatch(r"condition (.+)", core):
        words = _condition_words(found.group(1))
        return f"you entered {entered}" if same(words) else f"{entered}, read as {words}{ambiguous}"
    if found := re.fullmatch(r"(.+), a kind of (.+)", core):
        kind, parent = _condition_words(found.group(1)), _condition_words(found.group(2))
        return f"{entered} is a kind of {parent}" if same(kind) else f"{entered}: {kind} is a kind of {parent}"
    if found := re.fullmatch(r"planned procedure of type (.+)", core):
        return f"your planned {shown_as or found.group(1)}"
    if found := re.match(r"contains (.+?), this therapy's active ingredient", core):
        return f"{entered} contains {found.group(1)}, the therapy itself"
    if found := re.match(r"(\S+) ([\d.]+ mg) a unit as entered, at or above the ([\d.]+ mg)", core):
        return f"{entered} is {found.group(1)} {found.group(2)}, at or above the {found.group(3)} this concerns"
    return entered


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
    when: str = ""  # a procedure's date relative to today: "in 6 days", "tomorrow"


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
        shown = {reading.input: reading.label for reading in self.screen.inputs}
        for item in self.screen.therapies:
            label, explanation = VERDICT_TEXT[item.verdict]
            content = self.therapies.get(item.therapy)
            groups = [
                {
                    "severity": s,
                    "heading": SEVERITY_HEADING[s],
                    "findings": [_finding_row(f, shown) for f in item.findings if f.severity == s],
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
                    "findings": [_finding_row(f, shown) for f in item.findings],
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
                when = ""
                if reading.procedure_date is not None and self.screen.today != self.screen.today.min:
                    when = relative_day(reading.procedure_date, self.screen.today)
                rows.append(ReadingRow(reading, read_as(reading), "; ".join(parts), not reading.not_checked, when))
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


def _finding_row(finding: Finding, shown: dict[str, str] | None = None) -> dict[str, Any]:
    """A finding for the page: the contract's fields, its title, and why it applies in words."""
    shown = shown or {}
    reasons = list(dict.fromkeys(because(t, shown.get(t.input)) for t in finding.triggered_by))
    return {**finding.to_json(), "title": finding.title, "because": reasons}
