"""The JSON Schema of each kind of file in the export (draft 2020-12).

A review's records (evidence, grades, side effects, contraindications, expert use, dosing
protocols, links) are described from the very block definitions the back office edits, and the
page fields from the model's choices and lengths, so a schema cannot drift from what the site
stores. The schemas check shape and type (required keys, no unknown keys, choices, lengths,
ranges); what only makes sense across fields (a timing's days, a protocol's steps, a citation
resolving) is checked on import by the blocks' own validation and by ``importer.py``.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from wagtail import blocks
from wagtail.blocks.field_block import ChooserBlock

from carechoices.cancertypes.blocks import CancerTypeBlock, CancerTypesBlock
from carechoices.cancertypes.models import CancerType
from carechoices.glossary.models import GlossaryTerm
from carechoices.people.models import Person
from carechoices.references.models import CSL_TYPES, KEY_PATTERN, Reference
from carechoices.therapies.models import (
    CATEGORY_CHOICES,
    RATING_ATTRIBUTES,
    ReviewContributor,
    ReviewDate,
    TherapyPage,
)
from carechoices.therapies.record import RECORD_FORMAT

from . import EXPORT_FORMAT
from .content import RICH_TEXT_FIELDS, STREAM_FIELDS, ensure_snippets_registered, single_block

DRAFT = "https://json-schema.org/draft/2020-12/schema"
SLUG = r"^[-\w]+$"
DATE = r"^\d{4}-\d{2}-\d{2}$"
DECIMAL = r"^-?\d+(\.\d+)?$"
SHA256 = r"^[0-9a-f]{64}$"


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    return {**schema, "type": [*types, "null"]}


def _string(max_length: int | None = None, **extra: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", **extra}
    if max_length:
        schema["maxLength"] = max_length
    return schema


def _object(properties: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": sorted(properties),
        "properties": properties,
        **extra,
    }


def _envelope(kind: str, title: str, description: str, properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "$schema": DRAFT,
        "title": title,
        "description": description,
        **_object({"format": {"const": EXPORT_FORMAT}, "kind": {"const": kind}, **properties}),
    }


def _field_length(model, name: str) -> int | None:
    return model._meta.get_field(name).max_length


def block_schema(block: blocks.Block) -> dict[str, Any]:
    """The schema of one block's value as the export writes it (``content.block_data``)."""
    required = getattr(block, "required", True)
    if isinstance(block, blocks.StructBlock):
        return _object({name: block_schema(child) for name, child in block.child_blocks.items()})
    if isinstance(block, blocks.ListBlock):
        return {"type": "array", "items": block_schema(block.child_block)}
    if isinstance(block, CancerTypesBlock):
        return {"type": "array", "uniqueItems": True, "items": _string(
            _field_length(CancerType, "slug"), pattern=SLUG, description="A cancer type's slug from site.json.")}
    if isinstance(block, CancerTypeBlock):
        return _nullable(_string(_field_length(CancerType, "slug"), pattern=f"^$|{SLUG}",
                                 description="A cancer type's slug from site.json; empty for cancer in general."))
    if isinstance(block, ChooserBlock):
        schema = _string(_field_length(Reference, "key"), pattern=KEY_PATTERN.pattern,
                         description="A citation key from references.json.")
    elif isinstance(block, blocks.ChoiceBlock):
        values = [value for value, _label in block.field.choices if value != ""]
        return {"enum": values if required else [*values, "", None]}
    elif isinstance(block, blocks.BooleanBlock):
        schema = {"type": "boolean"}
    elif isinstance(block, blocks.IntegerBlock):
        schema = {"type": "integer"}
        for key, attribute in (("minimum", "min_value"), ("maximum", "max_value")):
            if getattr(block.field, attribute, None) is not None:
                schema[key] = getattr(block.field, attribute)
    elif isinstance(block, blocks.DecimalBlock):
        schema = _string(pattern=DECIMAL, description="A decimal number written as a string, e.g. \"4.5\".")
    elif isinstance(block, blocks.FieldBlock):  # CharBlock, TextBlock, URLBlock
        schema = _string(getattr(block.field, "max_length", None))
    else:  # pragma: no cover - a new kind of block needs its schema written here
        raise TypeError(f"No export schema for {type(block).__name__}")
    return schema if required else _nullable(schema)


def _page_fields(model) -> dict[str, Any]:
    return {
        "title": _string(_field_length(model, "title"), minLength=1),
        "slug": _string(_field_length(model, "slug"), pattern=SLUG),
        "seo_title": _string(_field_length(model, "seo_title")),
        "search_description": {"type": "string"},
        "show_in_menus": {"type": "boolean"},
    }


def review_content_schema() -> dict[str, Any]:
    choice = lambda choices: {"enum": [value for value, _label in choices]}  # noqa: E731
    properties: dict[str, Any] = {
        **_page_fields(TherapyPage),
        "tagline": _string(_field_length(TherapyPage, "tagline"), minLength=1),
        "category": choice(CATEGORY_CHOICES),
        "synonyms": _string(_field_length(TherapyPage, "synonyms"),
                            description="Other names people search for, comma-separated."),
        "active_ingredients": {
            "type": "array", "items": _string(minLength=1),
            "description": "Generic names in the medicine vocabulary (stored comma-separated).",
        },
        **{name: _string(description="Rich text (HTML) with [@key] citation markers; empty when "
                                     "not yet reviewed.") for name in RICH_TEXT_FIELDS},
        "serious_adverse_events_reported": {"type": ["boolean", "null"]},
        "needs_prescription": {"type": ["boolean", "null"]},
        "cost_band": {"enum": ["", *[value for value, _ in TherapyPage._meta.get_field("cost_band").choices]]},
        "ratings": {"type": "array", "maxItems": len(RATING_ATTRIBUTES), "items": _object({
            "attribute": choice(RATING_ATTRIBUTES),
            "score": {"type": ["integer", "null"], "minimum": 0, "maximum": 5},
            "override_reason": {"type": "string"},
            "rationale": {"type": "string"},
        })},
        "contributors": {"type": "array", "items": _object({
            "person": _string(_field_length(Person, "slug"), pattern=SLUG,
                              description="A person's slug from people.json."),
            "role": choice(ReviewContributor.ROLE_CHOICES),
        })},
        "dates": {"type": "array", "items": _object({
            "kind": choice(ReviewDate.KIND_CHOICES),
            "date": _string(pattern=DATE),
            "note": _string(_field_length(ReviewDate, "note")),
        })},
    }
    properties["literature_review_cycle_months"] = {
        "type": "integer", "minimum": 1, "maximum": 120,
        "description": "Months between full literature reviews; 24 when absent (exports before it).",
    }
    for name in STREAM_FIELDS:
        _type, block = single_block(name)
        properties[name] = {"type": "array", "items": block_schema(block)}
    schema = _object(properties)
    schema["required"].remove("literature_review_cycle_months")
    return schema


def review_schema() -> dict[str, Any]:
    return _envelope(
        "review", "A published CareChoices therapy review",
        "content: the review as editors wrote it (what import builds the page from), references by "
        "citation key, people by slug. record: the compiled review as GET /api/v1/therapies/{slug} "
        "gives it, without the database's revision numbers and publishing times; import does not "
        "read it (it is derived from content and the library).",
        {
            "content": review_content_schema(),
            "record": {
                "type": "object",
                "required": ["format", "slug", "title"],
                "properties": {"format": {"const": RECORD_FORMAT}, "slug": _string(pattern=SLUG),
                               "title": {"type": "string"}},
            },
        },
    )


def references_schema() -> dict[str, Any]:
    reference = _object({
        "key": _string(_field_length(Reference, "key"), pattern=KEY_PATTERN.pattern),
        "csl": {"type": "object", "required": ["type"],
                "properties": {"type": {"enum": sorted(CSL_TYPES)}},
                "description": "The bibliographic record as CSL-JSON, as stored (identifiers apart)."},
        "doi": _string(_field_length(Reference, "doi")),
        "pmid": _string(_field_length(Reference, "pmid")),
        "pmcid": _string(_field_length(Reference, "pmcid")),
        "url": _string(_field_length(Reference, "url")),
        "verification_note": _string(_field_length(Reference, "verification_note")),
    })
    return _envelope("references", "The CareChoices reference library",
                     "Every reference, by citation key, sorted by key.",
                     {"references": {"type": "array", "items": reference}})


def glossary_schema() -> dict[str, Any]:
    term = _object({
        "term": _string(_field_length(GlossaryTerm, "term"), minLength=1),
        "slug": _string(_field_length(GlossaryTerm, "slug"), pattern=SLUG),
        "synonyms": _string(_field_length(GlossaryTerm, "synonyms"),
                            description="Comma-separated, as editors write them."),
        "definition": _string(minLength=1),
        "house_definition": {"type": "boolean"},
    })
    return _envelope("glossary", "The CareChoices glossary", "Every term, sorted by slug.",
                     {"terms": {"type": "array", "items": term}})


def people_schema() -> dict[str, Any]:
    person = _object({
        "slug": _string(_field_length(Person, "slug"), pattern=SLUG),
        "name": _string(_field_length(Person, "name"), minLength=1),
        "role": _string(_field_length(Person, "role"), minLength=1),
        "credentials": _string(_field_length(Person, "credentials")),
        "bio": {"type": "string"},
        "is_demo": {"type": "boolean", "description": "A demo profile, not a real person."},
    })
    return _envelope("people", "Authors and reviewers",
                     "Every person with a public profile, sorted by slug (back-office accounts are "
                     "not exported).", {"people": {"type": "array", "items": person}})


def site_schema() -> dict[str, Any]:
    from carechoices.core.models import HomePage
    from carechoices.therapies.models import TherapyIndexPage

    return _envelope(
        "site", "The home page and the therapy index",
        "reviews lists the published reviews in the index's order (one file each under reviews/).",
        {
            "home": _object({**_page_fields(HomePage), "intro": {"type": "string"},
                             "how_to_use": {"type": "string"}}),
            "index": _object({**_page_fields(TherapyIndexPage), "intro": {"type": "string"},
                              "reviews": {"type": "array", "uniqueItems": True,
                                          "items": _string(pattern=SLUG)}}),
            "cancer_types": {"type": "array", "description": "The cancer type vocabulary, sorted by "
                             "slug; evidence entries and grades name these slugs.", "items": _object({
                                 "slug": _string(_field_length(CancerType, "slug"), pattern=SLUG),
                                 "name": _string(_field_length(CancerType, "name"), minLength=1),
                                 "synonyms": _string(_field_length(CancerType, "synonyms")),
                                 "parent": _nullable(_string(_field_length(CancerType, "slug"), pattern=SLUG)),
                                 "description": _string(_field_length(CancerType, "description")),
                             })},
        },
    )


def manifest_schema() -> dict[str, Any]:
    entry = {
        "type": "object",
        "additionalProperties": False,
        "required": ["bytes", "kind", "sha256"],
        "properties": {
            "kind": {"enum": ["site", "review", "references", "csl", "glossary", "people",
                              "schema", "licence"]},
            "bytes": {"type": "integer", "minimum": 0},
            "sha256": _string(pattern=SHA256),
            "schema": {"type": "string"},
        },
    }
    return _envelope(
        "manifest", "The export's manifest",
        "The format version, how many records of each kind, and every other file with its size "
        "and SHA-256.",
        {
            "publisher": {"type": "string"},
            "licence": {"type": "string"},
            "record_format": {"type": "integer"},
            "latest_update": {"type": ["string", "null"], "pattern": DATE},
            "counts": _object({kind: {"type": "integer", "minimum": 0}
                               for kind in ("glossary", "people", "references", "reviews")}),
            "files": {"type": "object", "additionalProperties": entry},
        },
    )


@cache
def schemas() -> dict[str, dict[str, Any]]:
    """Each kind's schema, by kind (the CSL schema is the vendored official one)."""
    ensure_snippets_registered()
    return {
        "manifest": manifest_schema(),
        "site": site_schema(),
        "review": review_schema(),
        "references": references_schema(),
        "glossary": glossary_schema(),
        "people": people_schema(),
        "csl": csl_schema(),
    }


def csl_schema_bytes() -> bytes:
    """The Citation Style Language project's CSL-JSON schema, byte for byte as vendored."""
    return resources.files("carechoices.references.schema").joinpath("csl-data.json").read_bytes()


def csl_schema_licence_bytes() -> bytes:
    return resources.files("carechoices.references.schema").joinpath("LICENSE.txt").read_bytes()


def csl_schema() -> dict[str, Any]:
    import json

    return json.loads(csl_schema_bytes())


def validator(kind: str):
    """A jsonschema validator for one kind of file."""
    from jsonschema import Draft7Validator, Draft202012Validator

    schema = schemas()[kind]
    cls = Draft7Validator if kind == "csl" else Draft202012Validator
    return cls(schema)
