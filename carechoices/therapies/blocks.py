"""Structured records inside a therapy review.

Side effects, contraindications, expert use and dosing protocols are typed blocks, not prose: the
safety screen reads the contraindication records as its rules and the start plan reads the dosing
protocols, so each field is validated where the editor types it.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.forms.utils import ErrorList
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError

from carechoices.plans.domain import DosingProtocol, InvalidProtocol, ScheduleStep
from carechoices.references.blocks import ReferenceChooserBlock
from carechoices.references.citations import MARKER
from carechoices.screening.models import SAFE_WORD, ReferenceInfo, Rule, Timing, Trigger

from .record import Contraindication

RULE_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

SEVERITY_CHOICES = [
    ("avoid", "Avoid — do not use"),
    ("caution", "Caution — use only with care and advice"),
    ("info", "Information — worth knowing"),
]
FREQUENCY_CHOICES = [
    ("common", "Common"),
    ("early", "Common early on, usually passes"),
    ("infrequent", "Infrequent"),
    ("rare", "Rare"),
    ("not-stated", "How common: not stated in the sources"),
]
TRIGGER_KINDS = [
    ("medicine_class", "A class of medicines (e.g. opioid)"),
    ("ingredient", "A specific ingredient (e.g. rituximab)"),
    ("condition", "A condition (e.g. liver-disease)"),
    ("procedure", "A procedure (e.g. surgery)"),
]
TIMING_KINDS = [
    ("", "No timing"),
    ("wait-until-cleared", "Start only once the medicine has left the body (optional wean)"),
    ("stop-before-procedure", "Stop before a procedure"),
]


def citations_block(required: bool = True) -> blocks.ListBlock:
    return blocks.ListBlock(
        ReferenceChooserBlock(),
        min_num=1 if required else 0,
        label="Citations",
        help_text="The references that support this record.",
    )


class SideEffectBlock(blocks.StructBlock):
    effect = blocks.CharBlock(max_length=200, help_text="In plain words, e.g. Vivid dreams.")
    frequency = blocks.ChoiceBlock(choices=FREQUENCY_CHOICES, default="not-stated")
    note = blocks.TextBlock(required=False, help_text="When it happens, who is more likely to get it.")
    citations = citations_block()

    class Meta:
        icon = "warning"
        label = "Side effect"


def trigger_problem(kind: str, value: str) -> str | None:
    """Why a trigger could never match anything the screen reads, or None when it can.

    A misspelt class or condition would make a rule silently never fire, so the back office
    checks every trigger against the vocabularies the screen uses.
    """
    from carechoices.medicines import load_vocabulary
    from carechoices.screening.models import PROCEDURE_TYPES

    vocabulary = load_vocabulary()
    slug = (value or "").strip().lower()
    if kind == "medicine_class" and slug not in vocabulary.rule_classes():
        return f"Unknown medicine class; use one of: {', '.join(sorted(vocabulary.rule_classes()))}."
    if kind == "condition" and slug not in vocabulary.condition_concepts():
        return "Unknown condition; use a condition slug from the conditions vocabulary (e.g. liver-disease)."
    if kind == "ingredient" and not vocabulary.known_ingredient(slug):
        return "Unknown ingredient; use its generic name as in the FDA data (e.g. rituximab)."
    if kind == "procedure" and slug not in PROCEDURE_TYPES:
        return f"Unknown procedure; use one of: {', '.join(sorted(PROCEDURE_TYPES))}."
    return None


class TriggerBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(choices=TRIGGER_KINDS)
    value = blocks.CharBlock(
        max_length=100,
        help_text="The vocabulary slug: a rule class (opioid, transplant-immunosuppressant, "
        "thyroid-hormone, nsaid), an ingredient (rituximab), a condition (liver-disease) or "
        "a procedure (surgery).",
    )

    class Meta:
        icon = "link"

    def clean(self, value):
        value = super().clean(value)
        problem = trigger_problem(value.get("kind"), value.get("value"))
        if problem:
            raise StructBlockValidationError(block_errors={"value": ErrorList([problem])})
        return value


class TimingBlock(blocks.StructBlock):
    """When to act. Only what the cited source states: no clearance time is ever invented.

    "Stop before a procedure" needs its days. "Start only once the medicine has left the body"
    dates nothing; its days, if the source gives them, are a wean for the people named in
    "wean for" (e.g. 10–14 days for daily opioid pain medicine).
    """

    kind = blocks.ChoiceBlock(choices=TIMING_KINDS, required=False)
    min_days = blocks.IntegerBlock(required=False, min_value=0, max_value=365)
    max_days = blocks.IntegerBlock(required=False, min_value=0, max_value=365)
    wean_for = blocks.CharBlock(
        required=False, max_length=120,
        help_text="Only with a wean: who it is for, as the source says (e.g. daily opioid pain medicine).",
    )
    restart = blocks.CharBlock(
        required=False, max_length=200, help_text="When to restart, e.g. when your physician clears it."
    )

    def clean(self, value):
        value = super().clean(value)
        errors = {}
        kind = value.get("kind")
        low, high = value.get("min_days"), value.get("max_days")
        needs_days = kind == "stop-before-procedure" or (
            kind == "wait-until-cleared" and (low is not None or high is not None or value.get("wean_for"))
        )
        if needs_days:
            if low is None:
                errors["min_days"] = ErrorList(["Say how many days at least."])
            if high is None:
                errors["max_days"] = ErrorList(["Say how many days at most."])
            elif low is not None and high < low:
                errors["max_days"] = ErrorList(["At most cannot be fewer days than at least."])
        if kind == "wait-until-cleared" and needs_days and not (value.get("wean_for") or "").strip():
            errors["wean_for"] = ErrorList(["Say whom the wean is for, as the source does."])
        if kind != "wait-until-cleared" and (value.get("wean_for") or "").strip():
            errors["wean_for"] = ErrorList(["Only a wait before starting has a wean."])
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value


def strip_markers(text: str) -> str:
    """Rule texts travel as plain text (API, CLI, cards): their references are listed alongside."""
    return re.sub(r"\s+([.,;:])", r"\1", MARKER.sub("", text or "")).strip()


def _triggers(items) -> tuple[Trigger, ...]:
    return tuple(Trigger(kind=t["kind"], value=t["value"].strip().lower()) for t in items or [])


class ContraindicationValue(blocks.StructValue):
    """A contraindication record, which knows what it means to the screen and to its page."""

    def as_contraindication(self) -> Contraindication:
        """The record as the safety page shows it: texts with their citation markers kept."""
        return Contraindication(
            rule_id=self["rule_id"],
            title=self["title"],
            severity=self["severity"],
            plain_text=self["plain_text"],
            professional_text=self["professional_text"],
            action=self["action"],
            references=tuple(r.key for r in self["citations"] if r is not None),
        )

    def as_rule(self, references: dict[str, ReferenceInfo]) -> Rule:
        """The screening rule (raises ValueError/KeyError for content the engine cannot use)."""
        timing = self.get("timing") or {}
        dose = self.get("min_dose_mg")
        return Rule(
            rule_id=self["rule_id"],
            title=self["title"],
            severity=self["severity"],
            any_of=_triggers(self["any_of"]),
            all_of=_triggers(self.get("all_of")),
            none_of=_triggers(self.get("none_of")),
            min_dose_mg=float(dose) if isinstance(dose, (Decimal, int, float)) else None,
            summary=strip_markers(self["plain_text"]),
            detail=strip_markers(self["professional_text"]),
            action=strip_markers(self["action"]),
            timing=Timing(
                kind=timing["kind"],
                min_days=int(timing.get("min_days") or 0),
                max_days=int(timing.get("max_days") or 0),
                restart=timing.get("restart") or "",
                wean_for=timing.get("wean_for") or "",
            )
            if timing.get("kind")
            else None,
            references=tuple(references[r.key] for r in self["citations"] if r is not None),
        )


class ContraindicationBlock(blocks.StructBlock):
    """A contraindication or caution; the safety screen runs it as a rule."""

    rule_id = blocks.CharBlock(
        max_length=80,
        help_text="A stable id in kebab case, e.g. opioid-medicines. Never change it once published.",
    )
    title = blocks.CharBlock(max_length=120, help_text="e.g. Opioid medicines")
    severity = blocks.ChoiceBlock(choices=SEVERITY_CHOICES)
    any_of = blocks.ListBlock(
        TriggerBlock(), min_num=1, label="Triggered by any of",
    )
    all_of = blocks.ListBlock(
        TriggerBlock(), min_num=0, label="…and only together with all of", required=False,
    )
    none_of = blocks.ListBlock(
        TriggerBlock(), min_num=0, default=[], label="…and only when none of these is present", required=False,
        help_text="E.g. a caution for an immunosuppressant that asks, shown only when no organ "
        "transplant was entered (the transplant has its own rule).",
    )
    min_dose_mg = blocks.DecimalBlock(
        required=False,
        min_value=Decimal("0.001"),
        max_value=Decimal("1000"),
        decimal_places=3,
        label="Applies from this dose (mg)",
        help_text="Leave empty unless the concern is dose-specific (e.g. 50 for full-dose naltrexone).",
    )
    plain_text = blocks.TextBlock(label="Plain-language text", help_text="What a reader needs to know.")
    professional_text = blocks.TextBlock(label="Professional text", help_text="Detail for clinicians.")
    action = blocks.CharBlock(max_length=300, help_text="What to do, e.g. Stop 1–2 days before surgery.")
    timing = TimingBlock(required=False)
    citations = citations_block()

    class Meta:
        icon = "warning"
        label = "Contraindication or caution"
        value_class = ContraindicationValue

    def clean(self, value):
        errors = {}
        if not RULE_ID.match(value.get("rule_id") or ""):
            errors["rule_id"] = ErrorList(["Use kebab case: lower-case words joined by hyphens."])
        for name in ("title", "plain_text", "professional_text", "action"):
            if SAFE_WORD.search(value.get(name) or ""):
                # The screen shows these words and never calls anything "safe" (PRODUCT.md).
                errors[name] = ErrorList(["The safety screen never says “safe”; say what to do instead."])
        try:
            value = super().clean(value)
        except StructBlockValidationError as exc:
            exc.block_errors.update(errors)
            raise
        timing = value.get("timing") or {}
        if SAFE_WORD.search(timing.get("restart") or ""):
            errors["timing"] = ErrorList(["The safety screen never says “safe”; say when to restart instead."])
        kinds = {trigger["kind"] for trigger in value.get("any_of") or []}
        if timing.get("kind") == "stop-before-procedure" and "procedure" not in kinds:
            errors["timing"] = ErrorList(["“Stop before a procedure” needs a procedure among the triggers."])
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value


class ExpertUseBlock(blocks.StructBlock):
    expert = blocks.CharBlock(max_length=200, help_text="Name as published, e.g. Keith Block")
    credentials = blocks.CharBlock(max_length=100, required=False)
    source = ReferenceChooserBlock(help_text="The book or article.")
    programme = blocks.TextBlock(required=False, help_text="What the programme or approach is.")
    uses = blocks.TextBlock(help_text="How this expert uses the therapy.")
    published_programme = blocks.BooleanBlock(
        required=False, default=True,
        help_text="Counts towards the expert-use rating: a published integrative oncology programme "
        "or protocol (not a collection of others' work).",
    )

    class Meta:
        icon = "user"
        label = "Expert use"


class ScheduleStepBlock(blocks.StructBlock):
    """One dose of a schedule and how many days the source says to take it."""

    dose_mg = blocks.DecimalBlock(min_value=Decimal("0.001"), max_value=Decimal("1000"), decimal_places=3)
    min_days = blocks.IntegerBlock(
        required=False, min_value=1, max_value=365,
        help_text="Shortest number of days, as the source says. Leave both empty on the last step (it continues).",
    )
    max_days = blocks.IntegerBlock(
        required=False, min_value=1, max_value=365,
        help_text="Longest number of days; the same as the shortest when the source gives one number.",
    )

    class Meta:
        icon = "list-ol"
        label = "Step"


class DosingProtocolValue(blocks.StructValue):
    """A dosing protocol record, which knows the schedule it stands for."""

    def as_protocol(self, references: dict[str, ReferenceInfo]) -> DosingProtocol:
        """The calculator's protocol (raises InvalidProtocol for figures it cannot use)."""
        if not self.get("protocol_id"):
            raise InvalidProtocol(f"the protocol {self.get('name')!r} has no id (saved before ids existed)")
        steps = tuple(
            ScheduleStep(step["dose_mg"], step.get("min_days"), step.get("max_days"))
            for step in self.get("steps") or []
        )
        return DosingProtocol(
            protocol_id=self["protocol_id"],
            name=self["name"],
            condition=(self.get("condition") or "").strip() or None,
            timing=self["timing"],
            note=strip_markers(self.get("note") or ""),
            references=tuple(
                references[r.key] for r in self["citations"] if r is not None and r.key in references
            ),
            steps=steps,
            start_dose_mg=None if steps else self.get("start_dose_mg"),
            step_mg=None if steps else self.get("step_mg"),
            interval_days=None if steps else self.get("interval_days"),
            target_mg=None if steps else self.get("target_mg"),
        )


class DosingProtocolBlock(blocks.StructBlock):
    """A titration schedule the start plan follows, exactly as one cited source gives it.

    Either a fixed schedule of steps (each with the source's range of days), or a stepwise rule
    (a step size every so many days up to a target) whose start dose is the source's — or left
    empty when the source does not state it, and then asked from the person's prescriber.
    Never join parts of two sources' schedules into one protocol.
    """

    protocol_id = blocks.CharBlock(
        max_length=80, help_text="A stable id in kebab case, e.g. three-step-schedule. Never change it once published.",
    )
    name = blocks.CharBlock(max_length=120)
    condition = blocks.CharBlock(
        max_length=100,
        required=False,
        help_text="A condition slug if this protocol applies only to that condition "
        "(e.g. hashimotos-thyroiditis); empty for a standard protocol.",
    )
    steps = blocks.ListBlock(
        ScheduleStepBlock(), min_num=0, required=False, default=[], label="Fixed schedule",
        help_text="The source's steps in order; the last one has no days. Leave empty for a stepwise rule.",
    )
    start_dose_mg = blocks.DecimalBlock(
        required=False, min_value=Decimal("0.001"), max_value=Decimal("1000"), decimal_places=3,
        help_text="Stepwise rule only: the start dose the source states. Leave empty when it states none "
        "(the plan then asks for the prescriber's).",
    )
    step_mg = blocks.DecimalBlock(
        required=False, min_value=Decimal("0.001"), max_value=Decimal("1000"), decimal_places=3,
        help_text="Stepwise rule only: how much to add each time.",
    )
    interval_days = blocks.IntegerBlock(
        required=False, min_value=1, max_value=365, help_text="Stepwise rule only: days between steps."
    )
    target_mg = blocks.DecimalBlock(
        required=False, min_value=Decimal("0.001"), max_value=Decimal("1000"), decimal_places=3,
        help_text="Stepwise rule only: the dose to stop increasing at.",
    )
    timing = blocks.CharBlock(max_length=120, help_text="e.g. at bedtime")
    note = blocks.TextBlock(required=False)
    citations = citations_block()

    class Meta:
        icon = "calendar"
        label = "Dosing protocol"
        value_class = DosingProtocolValue

    def clean(self, value):
        value = super().clean(value)
        errors = {}
        if not RULE_ID.match(value.get("protocol_id") or ""):
            errors["protocol_id"] = ErrorList(["Use kebab case: lower-case words joined by hyphens."])
        steps = list(value.get("steps") or [])
        stepwise = {name: value.get(name) for name in ("start_dose_mg", "step_mg", "interval_days", "target_mg")}
        if steps:
            if any(v is not None for v in stepwise.values()):
                errors["step_mg"] = ErrorList(["A fixed schedule has no step size, interval, target or separate start."])
            for number, step in enumerate(steps, start=1):
                low, high = step.get("min_days"), step.get("max_days")
                last = number == len(steps)
                if last and (low is not None or high is not None):
                    errors["steps"] = ErrorList([f"Step {number} is the last: leave its days empty (it continues)."])
                elif not last and (low is None or high is None):
                    errors["steps"] = ErrorList([f"Step {number}: give its shortest and longest number of days."])
                elif not last and high < low:
                    errors["steps"] = ErrorList([f"Step {number}: the longest cannot be below the shortest."])
        else:
            for name in ("step_mg", "interval_days", "target_mg"):
                if stepwise[name] is None:
                    errors[name] = ErrorList(["Needed for a stepwise rule (or give a fixed schedule)."])
            start, target = stepwise["start_dose_mg"], stepwise["target_mg"]
            if start is not None and target is not None and start > target:
                errors["start_dose_mg"] = ErrorList(["The start dose cannot exceed the target."])
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value


class LinkBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=200)
    url = blocks.URLBlock()
    description = blocks.CharBlock(max_length=300, required=False)

    class Meta:
        icon = "link"
        label = "Link"


