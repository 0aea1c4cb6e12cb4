"""The "Make a start plan" form; its payload is the API's plan request."""

from __future__ import annotations

from typing import Any

from django import forms

from carechoices.screening.forms import InputErrorFormMixin, input_lines


class PlanForm(InputErrorFormMixin, forms.Form):
    therapy = forms.CharField(widget=forms.HiddenInput)
    start_date = forms.DateField(
        label="When do you plan to start?", widget=forms.DateInput(attrs={"type": "date"}),
        help_text="If you take opioids, the plan begins with the wash-out on this date.",
    )
    time_zone = forms.CharField(
        label="Your time zone", max_length=64, initial="",
        widget=forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off"}),
        help_text="e.g. Europe/London or America/New_York. Calendar reminders use it.",
    )
    medicines = forms.CharField(label="Medicines and supplements you take", required=False,
                                widget=forms.Textarea(attrs={"rows": 4}), help_text="One per line.")
    conditions = forms.CharField(label="Health conditions", required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}), help_text="One per line.")
    surgery_planned = forms.BooleanField(label="I have surgery planned", required=False)
    surgery_date = forms.DateField(label="Date of planned surgery, if known", required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    prescriber_decision = forms.CharField(widget=forms.HiddenInput, required=False)

    def payload(self) -> dict[str, Any]:
        data = self.cleaned_data
        payload: dict[str, Any] = {
            "therapy": data["therapy"],
            "start_date": data["start_date"].isoformat(),
            "time_zone": data["time_zone"].strip(),
            "medicines": input_lines(data.get("medicines", "")),
            "conditions": input_lines(data.get("conditions", "")),
        }
        if data.get("surgery_date"):
            payload["procedures"] = [{"type": "surgery", "date": data["surgery_date"].isoformat()}]
        elif data.get("surgery_planned"):
            payload["procedures"] = [{"type": "surgery", "date": None}]
        if data.get("prescriber_decision", "").strip():
            payload["prescriber_decision"] = data["prescriber_decision"].strip()
        return payload

    def hidden_fields_for_downloads(self) -> list[tuple[str, str]]:
        payload = self.payload()
        fields = [
            ("therapy", payload["therapy"]),
            ("start_date", payload["start_date"]),
            ("time_zone", payload["time_zone"]),
            ("medicines", "\n".join(payload["medicines"])),
            ("conditions", "\n".join(payload["conditions"])),
        ]
        for procedure in payload.get("procedures", []):
            fields.append(("surgery_planned", "on"))
            if procedure["date"]:
                fields.append(("surgery_date", procedure["date"]))
        if payload.get("prescriber_decision"):
            fields.append(("prescriber_decision", payload["prescriber_decision"]))
        return fields
