"""The "Make a start plan" form; its payload is the API's plan request."""

from __future__ import annotations

from typing import Any

from django import forms

from carechoices.screening.forms import InputErrorFormMixin, input_lines
from carechoices.screening.limits import LIMITS, InputError, parse_time_zone

OPIOID_CHOICES = [
    ("", "I don't take opioids, or I'm not sure"),
    ("yes", "Yes, I take opioid pain medicine every day"),
    ("no", "No, not every day"),
]


class PlanForm(InputErrorFormMixin, forms.Form):
    therapy = forms.CharField(widget=forms.HiddenInput)
    start_date = forms.DateField(
        label="When do you plan to start?", widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Today or later. If you take opioids, the plan begins with the wait for them to leave your body.",
    )
    # Filled in from the browser's own setting when JavaScript runs (site.js); otherwise the
    # person picks from the list of places (a datalist: type "London" or "New York" to find it).
    time_zone = forms.CharField(
        label="Your time zone", max_length=64, initial="",
        widget=forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off", "spellcheck": "false",
                                      "data-browser-zone": ""}),
        help_text="Filled in from your device where it can be. Otherwise type your city, e.g. London "
        "or New York, and pick it from the list. Dates and calendar reminders use it.",
    )
    protocol = forms.ChoiceField(
        label="Which dosing schedule?", required=False,
        help_text="Leave as it is unless your prescriber chose a schedule.",
    )
    start_dose_mg = forms.DecimalField(
        label="Start dose your prescriber gave you (mg)", required=False, min_value=0,
        max_value=LIMITS["dose_mg"], decimal_places=3,
        help_text="Only for a schedule whose source does not say which dose to start at.",
    )
    medicines = forms.CharField(label="Medicines and supplements you take", required=False,
                                widget=forms.Textarea(attrs={"rows": 4}), help_text="One per line.")
    conditions = forms.CharField(label="Health conditions", required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}), help_text="One per line.")
    surgery_planned = forms.BooleanField(label="I have surgery planned", required=False)
    surgery_date = forms.DateField(label="Date of planned surgery, if known", required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    dose_mg = forms.DecimalField(
        label="Dose of the therapy you take or plan (mg), if known", required=False, min_value=0,
        max_value=LIMITS["dose_mg"], decimal_places=3,
    )
    daily_opioid_pain_medicine = forms.ChoiceField(
        label="Do you take opioid pain medicine every day?", required=False, choices=OPIOID_CHOICES,
        widget=forms.RadioSelect,
        help_text="Only matters if you take an opioid: the source's slow wean is for daily use.",
    )
    opioid_free_from = forms.DateField(
        label="Opioid-free from (confirmed by your prescriber)", required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Only if you take an opioid and your prescriber has told you from which day it "
        "will have left your body. Without it the plan cannot date your first dose.",
    )
    prescriber_decision = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, protocol_choices: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["protocol"].choices = [("", "The standard schedule for me")] + list(protocol_choices or [])

    def clean_time_zone(self) -> str:
        """A real IANA zone, or the field's error (with "did you mean" for a city's name)."""
        value = (self.cleaned_data.get("time_zone") or "").strip()
        try:
            parse_time_zone(value, "time_zone")
        except InputError as exc:
            raise forms.ValidationError(f"“{value}” {exc.message}") from exc
        return value

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
        if data.get("dose_mg") is not None:
            payload["dose_mg"] = float(data["dose_mg"])
        if data.get("protocol"):
            payload["protocol"] = data["protocol"]
        if data.get("start_dose_mg") is not None:
            payload["start_dose_mg"] = str(data["start_dose_mg"])
        if data.get("daily_opioid_pain_medicine") in ("yes", "no"):
            payload["daily_opioid_pain_medicine"] = data["daily_opioid_pain_medicine"] == "yes"
        if data.get("opioid_free_from"):
            payload["opioid_free_from"] = data["opioid_free_from"].isoformat()
        if data.get("prescriber_decision", "").strip():
            payload["prescriber_decision"] = data["prescriber_decision"].strip()
        return payload

    def hidden_fields_for_downloads(self) -> list[tuple[str, str]]:
        """The request again as hidden fields, so the downloads recompute the same plan."""
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
        for name in ("dose_mg", "protocol", "start_dose_mg", "opioid_free_from", "prescriber_decision"):
            if payload.get(name) is not None:
                value = payload[name]
                fields.append((name, f"{value:g}" if isinstance(value, float) else str(value)))
        if "daily_opioid_pain_medicine" in payload:
            fields.append(("daily_opioid_pain_medicine", "yes" if payload["daily_opioid_pain_medicine"] else "no"))
        return fields
