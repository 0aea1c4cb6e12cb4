"""Shape a screen result for the results page: plain language first, detail one click away."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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


@dataclass(frozen=True)
class SuggestionChoice:
    """A "did you mean" the person can confirm: the whole request again with one line replaced."""

    original: str
    suggestion: str
    fields: dict[str, str]


class ScreenResultPresenter:
    def __init__(self, result: dict[str, Any], payload: dict[str, Any], therapies: dict) -> None:
        self.result = result
        self.payload = payload
        self.therapies = therapies

    @property
    def therapy_results(self) -> list[dict[str, Any]]:
        rows = []
        for item in self.result["therapies"]:
            label, explanation = VERDICT_TEXT[item["verdict"]]
            content = self.therapies.get(item["therapy"])
            groups = [
                {"severity": s, "heading": SEVERITY_HEADING[s], "findings": [f for f in item["findings"] if f["severity"] == s]}
                for s in SEVERITY_ORDER
            ]
            rows.append(
                {
                    **item,
                    "verdict_label": label,
                    "verdict_explanation": explanation,
                    "groups": [g for g in groups if g["findings"]],
                    "url": content.page.url if content else None,
                    "can_plan": bool(content and len(content.page.dosing_protocols)),
                }
            )
        return rows

    @property
    def not_checked(self) -> list[dict[str, Any]]:
        return [i for i in self.result["inputs"] if i["status"] in ("unrecognised", "suggested")]

    @property
    def not_checked_notes(self) -> list[str]:
        """What else was not checked: parts of names, unclassified ingredients, unreviewed rules."""
        whole = {item["input"] for item in self.not_checked}
        return [note for note in self.result["coverage"]["unrecognised"] if note not in whole]

    @property
    def partly_checked(self) -> set[str]:
        """Inputs recognised only in part (e.g. "hydrocodon/APAP"): flagged in the table."""
        return {
            item["input"]
            for item in self.understood
            for note in self.not_checked_notes
            if f"(in '{item['input']}')" in note
        }

    @property
    def understood(self) -> list[dict[str, Any]]:
        return [i for i in self.result["inputs"] if i["status"] in ("recognised", "ambiguous")]

    def _fields(self, payload: dict[str, Any]) -> dict[str, str]:
        fields = {
            "medicines": "\n".join(payload.get("medicines", [])),
            "conditions": "\n".join(payload.get("conditions", [])),
        }
        for procedure in payload.get("procedures", []):
            fields["surgery_planned"] = "on"
            if procedure.get("date"):
                fields["surgery_date"] = procedure["date"]
        if payload.get("dose_mg") is not None:
            fields["dose_mg"] = str(payload["dose_mg"])
        if payload.get("cancer_type"):
            fields["cancer_type"] = payload["cancer_type"]
        return fields

    @property
    def hidden_fields(self) -> list[tuple[str, str]]:
        """The request as hidden form fields (for "make a start plan"), never in a URL."""
        fields = list(self._fields(self.payload).items())
        fields += [("therapies", slug) for slug in self.payload.get("therapies", [])]
        return fields

    @property
    def suggestion_choices(self) -> list[SuggestionChoice]:
        choices = []
        for item in self.not_checked:
            kind = "medicines" if item["kind"] == "medicine" else "conditions"
            for suggestion in item["suggestions"]:
                replaced = dict(self.payload)
                replaced[kind] = [suggestion if v == item["input"] else v for v in self.payload.get(kind, [])]
                fields = self._fields(replaced)
                choices.append(SuggestionChoice(item["input"], suggestion, fields))
        return choices

    @property
    def therapy_fields(self) -> list[str]:
        return list(self.payload.get("therapies", []))
