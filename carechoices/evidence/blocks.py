"""Evidence entries and grades as review records (Wagtail blocks), checked by the pure rules."""

from __future__ import annotations

from django.forms.utils import ErrorList
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError

from carechoices.cancertypes import lookup as cancer_types
from carechoices.cancertypes.blocks import CancerTypeBlock, CancerTypesBlock
from carechoices.references.blocks import ReferenceChooserBlock

from .domain import (
    DESIGN_LABELS,
    DIRECTION_LABELS,
    ENDPOINT_LABELS,
    GRADE_LABELS,
    OUTCOME_CATEGORY_LABELS,
    EvidenceEntry,
    InvalidEntry,
)
from .pdq import classify_pdq, validate_entry


def _choices(labels) -> list[tuple[str, str]]:
    return [(key.value, label) for key, label in labels.items()]


def split_names(text: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in (text or "").split(",") if name.strip())


#: What a grade without a cancer type is about (and what evidence without one counts towards).
GENERAL_CANCER_TYPE = "cancer in general"


def cancer_type_slugs(value) -> tuple[str, ...]:
    """The slugs an evidence entry's value points at (empty: cancer in general)."""
    chosen = value.get("cancer_types") or ()
    return tuple(dict.fromkeys(s for s in chosen if isinstance(s, str) and s))


def grade_cancer_type(value) -> str:
    """The cancer type a grade's value is for, as a name (``cancer in general`` when none)."""
    slug = value.get("cancer_type") or ""
    return cancer_types.name_of(slug) if slug else GENERAL_CANCER_TYPE


def entry_from_value(value) -> EvidenceEntry:
    """The pure record behind one block value (raises InvalidEntry for an unknown choice)."""
    slugs = cancer_type_slugs(value)
    return EvidenceEntry(
        design=value["design"],
        participants=value.get("participants"),
        population=value.get("population") or "",
        cancer_types=tuple(cancer_types.name_of(slug) for slug in slugs),
        cancer_type_slugs=slugs,
        intervention=value.get("intervention") or "",
        dose=value.get("dose") or "",
        outcome_category=value["outcome_category"],
        endpoint=value.get("endpoint") or None,
        direction=value["direction"],
        effect=value.get("effect") or "",
        notes=value.get("notes") or "",
        references=tuple(r.key for r in value.get("references") or [] if r is not None),
    )


class EvidenceEntryValue(blocks.StructValue):
    """An evidence entry record, which knows the pure entry it stands for."""

    def as_entry(self) -> EvidenceEntry:
        return entry_from_value(self)


class EvidenceEntryBlock(blocks.StructBlock):
    """One study, as the research page, the evidence map and the rubric read it."""

    design = blocks.ChoiceBlock(choices=_choices(DESIGN_LABELS))
    participants = blocks.IntegerBlock(
        required=False, help_text="People studied; leave empty when not stated, and for animal or cell studies."
    )
    population = blocks.CharBlock(max_length=300, required=False)
    cancer_types = CancerTypesBlock(
        help_text="The cancer types studied; none ticked means cancer in general. Missing one? "
        "Add it under Cancer types.",
    )
    intervention = blocks.CharBlock(max_length=300, required=False, help_text="Including combinations.")
    dose = blocks.CharBlock(max_length=200, required=False)
    outcome_category = blocks.ChoiceBlock(choices=_choices(OUTCOME_CATEGORY_LABELS))
    endpoint = blocks.ChoiceBlock(choices=_choices(ENDPOINT_LABELS), required=False)
    direction = blocks.ChoiceBlock(choices=_choices(DIRECTION_LABELS))
    effect = blocks.TextBlock(required=False, help_text="The effect in words, with numbers where known.")
    notes = blocks.TextBlock(required=False, help_text="What the sources do not say (e.g. blinding unknown).")
    pdq_code = blocks.CharBlock(
        max_length=12, required=False, label="PDQ level (optional check)",
        help_text="Leave empty: it is computed from design and endpoint. If you type one, it must match.",
    )
    references = blocks.ListBlock(ReferenceChooserBlock(), min_num=0, label="Citations")

    class Meta:
        icon = "doc-full"
        label = "Evidence entry"
        value_class = EvidenceEntryValue

    def clean(self, value):
        value = super().clean(value)
        try:
            entry = entry_from_value(value)
        except InvalidEntry as exc:
            raise StructBlockValidationError(block_errors={exc.field: ErrorList([exc.message])}) from exc
        errors = {field: ErrorList([message]) for field, message in validate_entry(entry).items()}
        typed = (value.get("pdq_code") or "").strip()
        if typed:
            computed = classify_pdq(entry.design, entry.endpoint)
            if computed.code is None:
                errors["pdq_code"] = ErrorList([f"No PDQ level applies here: {computed.reason}"])
            elif typed != computed.code:
                errors["pdq_code"] = ErrorList([f"Design and endpoint give {computed.code}, not {typed}."])
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value


class GradeBlock(blocks.StructBlock):
    """The editor's grade for one outcome and cancer type (the rubric suggests one too)."""

    outcome_category = blocks.ChoiceBlock(choices=_choices(OUTCOME_CATEGORY_LABELS))
    cancer_type = CancerTypeBlock(
        help_text="A cancer type ticked in the evidence entries; leave empty for cancer in general.",
    )
    grade = blocks.ChoiceBlock(choices=_choices(GRADE_LABELS))
    reason = blocks.TextBlock(required=False, help_text="Why, especially where it differs from the suggestion.")

    class Meta:
        icon = "tick"
        label = "Grade"
