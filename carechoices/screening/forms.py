"""The "Check it for me" form: free text in, the contract's request payload out."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from carechoices.screening.limits import LIMITS, InputError, known_time_zones


def input_lines(text: str) -> list[str]:
    """The non-empty lines of a textarea: one medicine or condition each."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class InputErrorFormMixin:
    """Shows an error from the shared validator next to the field the person typed it in.

    The validator names JSON paths ("medicines[3]", "procedures[0].date"); the forms hold
    medicines and conditions one per line and the surgery as a date field.
    """

    def add_input_error(self, exc: InputError) -> None:
        match = re.match(r"^(medicines|conditions)\[(\d+)\]", exc.field)
        base = exc.field.split("[")[0].split(".")[0]
        if match:
            self.add_error(match.group(1), f"Line {int(match.group(2)) + 1}: {exc.message}")
        elif base == "procedures":
            self.add_error("surgery_date", exc.message)
        elif base in self.fields and not self.fields[base].widget.is_hidden:
            self.add_error(base, exc.message)
        else:
            self.add_error(None, f"{exc.field}: {exc.message}")


class ScreenForm(InputErrorFormMixin, forms.Form):
    """What a person enters; nothing here is saved anywhere."""

    medicines = forms.CharField(
        label="Medicines and supplements you take",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "autocomplete": "off", "spellcheck": "false"}),
        help_text=f"One per line, as written on the box: brand or generic name, dose optional "
        f"(e.g. Percocet 5/325). Up to {LIMITS['medicines']}.",
    )
    conditions = forms.CharField(
        label="Health conditions",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"}),
        help_text=f"One per line, e.g. Hashimoto's, cirrhosis, kidney transplant. Up to {LIMITS['conditions']}.",
    )
    surgery_planned = forms.BooleanField(label="I have surgery planned", required=False)
    surgery_date = forms.DateField(
        label="Date of the surgery, if known",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="We use it to tell you which days to stop.",
    )
    dose_mg = forms.DecimalField(
        label="Dose of the therapy you take or plan (mg), if known",
        required=False,
        min_value=0,
        max_value=LIMITS["dose_mg"],
        decimal_places=3,
    )
    cancer_type = forms.CharField(label="Cancer type (optional)", required=False, max_length=LIMITS["text_length"])
    # Filled in from the browser's own setting (progressive enhancement), so "today" is the
    # person's today; without it the screen uses UTC.
    time_zone = forms.CharField(
        required=False, max_length=64, widget=forms.HiddenInput(attrs={"data-browser-zone": ""})
    )
    therapies = forms.MultipleChoiceField(
        label="Therapies to check", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, therapy_choices: list[tuple[str, str]] | None = None, fixed_therapy: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fixed_therapy = fixed_therapy
        self.fields["therapies"].choices = therapy_choices or []
        if fixed_therapy:
            del self.fields["therapies"]

    def clean_time_zone(self) -> str:
        """The browser's zone if it is a real one; a hidden field's bad value is not the person's
        to fix, so it is dropped (the screen then uses UTC) instead of refusing the form."""
        value = (self.cleaned_data.get("time_zone") or "").strip()
        return value if value in known_time_zones() else ""

    def payload(self) -> dict[str, Any]:
        """The request in the contract's JSON shape (call after ``is_valid``)."""
        data = self.cleaned_data
        payload: dict[str, Any] = {
            "medicines": input_lines(data.get("medicines", "")),
            "conditions": input_lines(data.get("conditions", "")),
        }
        if data.get("surgery_planned") or data.get("surgery_date"):
            date = data.get("surgery_date")
            payload["procedures"] = [{"type": "surgery", "date": date.isoformat() if date else None}]
        if data.get("dose_mg") is not None:
            payload["dose_mg"] = float(data["dose_mg"])
        if data.get("cancer_type"):
            payload["cancer_type"] = data["cancer_type"].strip()
        if data.get("time_zone", "").strip():
            payload["time_zone"] = data["time_zone"].strip()
        if self.fixed_therapy:
            payload["therapies"] = [self.fixed_therapy]
        elif data.get("therapies"):
            payload["therapies"] = list(data["therapies"])
        return payload
