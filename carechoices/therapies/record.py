"""The compiled review record: one typed, Django-free value per published review.

Every consumer reads this one record — the screen (``rules``), the start plan (``protocols``),
the read API and the exports — so the review's content is interpreted once, in one place
(``therapies.compile`` builds it from a page's blocks through their value classes), and the
review's pages render from it too. Citations are walked once, when the record is compiled:
``citations`` holds the keys each sub-page cites and every key's review-wide number, and
``references`` holds every reference the review cites, in citation order, with that number; each
record part carries the keys it cites.

``to_json()`` is the API's and the bulk export's representation; it is deterministic (same
record, same bytes), so its hash can serve as an ETag. A few parts only the pages read are not
in it (the API's response shapes are closed): the contraindications' texts with their citation
markers kept, the per-sub-page citations, a reference's formatted HTML, links and verification
note, and a change's id.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from carechoices.evidence.domain import EvidenceEntry
from carechoices.evidence.pdq import classify_pdq
from carechoices.plans.domain import DosingProtocol
from carechoices.references.citations import number_citations
from carechoices.screening.models import Rule, TherapyRules, Trigger

#: Bumped when the shape of ``to_json`` changes incompatibly (the API's and export's version).
RECORD_FORMAT = 1

#: The review's rich-text sections, in reading order: lay text first, professional last.
SECTIONS = (
    ("at_a_glance", "overview", "lay"),
    ("research_summary", "research", "lay"),
    ("safety_overview", "safety", "lay"),
    ("mechanisms", "professionals", "professional"),
    ("preclinical", "professionals", "professional"),
    ("costs_access", "costs", "lay"),
)


@dataclass(frozen=True)
class RecordReference:
    """A reference the review cites, with its review-wide number and formatted citation."""

    key: str
    number: int
    citation: str
    csl: dict[str, Any]
    doi: str = ""
    pmid: str = ""
    pmcid: str = ""
    url: str | None = None
    incomplete: bool = False
    missing_fields: tuple[str, ...] = ()
    # For the pages (not in ``to_json``): the AMA entry as HTML, the (label, url) links a reader
    # follows (DOI, PubMed, PMC, web page) and what has not been verified against the publisher.
    html: str = ""
    links: tuple[tuple[str, str], ...] = ()
    verification_note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.key,
            "number": self.number,
            "citation": self.citation,
            "doi": self.doi or None,
            "pmid": self.pmid or None,
            "pmcid": self.pmcid or None,
            "url": self.url,
            "incomplete": self.incomplete,
            "missing_fields": list(self.missing_fields),
            "csl": self.csl,
        }


@dataclass(frozen=True)
class Citations:
    """The review's citations, walked once in reading order when the record is compiled.

    ``subpages`` holds the keys each sub-page cites, in the order they are first cited there, the
    sub-pages in reading order. A key's number is its place in the order of first citation
    across the whole review, so a reference has one number on every page, in the API and in
    every export. Keys the library lacks are numbered too (a page flags them where they stand);
    ``ReviewRecord.references`` holds the others.
    """

    subpages: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @cached_property
    def numbers(self) -> dict[str, int]:
        """Every cited key and its review-wide number, in number order."""
        return number_citations(key for _subpage, keys in self.subpages for key in keys)

    def on(self, subpage: str) -> tuple[str, ...]:
        """The keys ``subpage`` cites (empty for a sub-page that cites nothing)."""
        return next((keys for name, keys in self.subpages if name == subpage), ())


@dataclass(frozen=True)
class Section:
    """A rich-text section: HTML with ``[@key]`` citation markers, empty when not yet reviewed."""

    name: str
    subpage: str
    audience: str  # "lay" | "professional"
    html: str
    references: tuple[str, ...]

    @property
    def reviewed(self) -> bool:
        return bool(self.html.strip())

    def to_json(self) -> dict[str, Any]:
        return {
            "subpage": self.subpage,
            "audience": self.audience,
            "reviewed": self.reviewed,
            "html": self.html,
            "references": list(self.references),
        }


@dataclass(frozen=True)
class Rating:
    attribute: str
    label: str
    score: int | None
    rationale: str
    suggested_score: int | None
    suggested_reason: str
    overridden: bool
    override_reason: str

    def to_json(self) -> dict[str, Any]:
        return {
            "attribute": self.attribute,
            "label": self.label,
            "score": self.score,
            "rationale": self.rationale,
            "suggested_score": self.suggested_score,
            "suggested_reason": self.suggested_reason,
            "overridden": self.overridden,
            "override_reason": self.override_reason,
        }


@dataclass(frozen=True)
class Grade:
    outcome_category: str
    cancer_type: str
    grade: str
    reason: str
    #: The cancer type's slug; None for cancer in general.
    cancer_type_slug: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "outcome_category": self.outcome_category,
            "cancer_type": self.cancer_type,
            "cancer_type_slug": self.cancer_type_slug,
            "grade": self.grade,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class SideEffect:
    effect: str
    frequency: str
    note: str
    references: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "effect": self.effect,
            "frequency": self.frequency,
            "note": self.note,
            "references": list(self.references),
        }


@dataclass(frozen=True)
class Contraindication:
    """A contraindication or caution as the safety page shows it: its texts as the editors wrote
    them, ``[@key]`` citation markers kept so the page can number them.

    ``ReviewRecord.rules`` holds the screen's reading of the same records (texts without markers,
    their references listed alongside); this part is not in ``to_json``.
    """

    rule_id: str
    title: str
    severity: str  # "avoid" | "caution" | "info"
    plain_text: str
    professional_text: str
    action: str
    references: tuple[str, ...]


@dataclass(frozen=True)
class ExpertUse:
    expert: str
    credentials: str
    source: str
    programme: str
    uses: str
    published_programme: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "expert": self.expert,
            "credentials": self.credentials,
            "source": self.source,
            "programme": self.programme,
            "uses": self.uses,
            "published_programme": self.published_programme,
        }


@dataclass(frozen=True)
class Contributor:
    person: str  # slug
    name: str
    credentials: str
    role: str  # "author" | "reviewer"
    demo: bool

    @property
    def display_name(self) -> str:
        """The name as credited: with the credentials after a comma when there are any."""
        return f"{self.name}, {self.credentials}" if self.credentials else self.name

    def to_json(self) -> dict[str, Any]:
        return {
            "person": self.person,
            "name": self.name,
            "credentials": self.credentials,
            "role": self.role,
            "demo_profile": self.demo,
        }


@dataclass(frozen=True)
class Revision:
    """One published revision of the review (its history)."""

    revision: int
    published: datetime.datetime
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"revision": self.revision, "published": self.published.isoformat(), "note": self.note}


@dataclass(frozen=True)
class Change:
    """One entry of the public change log: a publication and, in the editors' words, what changed."""

    published: datetime.datetime
    date: datetime.date
    kind: str  # "substantive" | "minor"
    note: str
    revision: int = 0
    #: The change log entry's id: the page's ``#change-<id>`` anchor, which the Atom feed links
    #: to (not in ``to_json``: it belongs to one database).
    id: int = 0

    @property
    def is_minor(self) -> bool:
        return self.kind == "minor"

    def to_json(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "published": self.published.isoformat(),
            "kind": self.kind,
            "note": self.note,
            "revision": self.revision,
        }


def _trigger_json(trigger: Trigger) -> dict[str, str]:
    return {"kind": trigger.kind, "value": trigger.value}


def rule_json(rule: Rule) -> dict[str, Any]:
    """A screening rule as the API and the export give it (plain and professional text both)."""
    timing = None
    if rule.timing is not None:
        timing = {
            "kind": rule.timing.kind,
            "min_days": rule.timing.min_days,
            "max_days": rule.timing.max_days,
            "wean_for": rule.timing.wean_for,
            "restart": rule.timing.restart,
        }
    return {
        "rule_id": rule.rule_id,
        "title": rule.title,
        "severity": rule.severity,
        "any_of": [_trigger_json(t) for t in rule.any_of],
        "all_of": [_trigger_json(t) for t in rule.all_of],
        "none_of": [_trigger_json(t) for t in rule.none_of],
        "min_dose_mg": rule.min_dose_mg,
        "plain_text": rule.summary,
        "professional_text": rule.detail,
        "action": rule.action,
        "timing": timing,
        "references": [ref.id for ref in rule.references],
    }


def entry_json(entry: EvidenceEntry) -> dict[str, Any]:
    pdq = classify_pdq(entry.design, entry.endpoint)
    return {
        "design": entry.design.value,
        "participants": entry.participants,
        "population": entry.population,
        "cancer_types": list(entry.cancer_types),
        "cancer_type_slugs": list(entry.cancer_type_slugs),
        "intervention": entry.intervention,
        "dose": entry.dose,
        "outcome_category": entry.outcome_category.value,
        "endpoint": entry.endpoint.value if entry.endpoint is not None else None,
        "direction": entry.direction.value,
        "effect": entry.effect,
        "notes": entry.notes,
        "pdq_code": pdq.code,
        "references": list(entry.references),
    }


@dataclass(frozen=True)
class ReviewRecord:
    """Everything one published review says, typed."""

    slug: str
    title: str
    category: str
    tagline: str
    url: str
    active_ingredients: tuple[str, ...]
    sections: tuple[Section, ...]
    ratings: tuple[Rating, ...]
    evidence: tuple[EvidenceEntry, ...]
    grades: tuple[Grade, ...]
    side_effects: tuple[SideEffect, ...]
    rules: tuple[Rule, ...]
    rules_reviewed: bool
    protocols: tuple[DosingProtocol, ...]
    expert_uses: tuple[ExpertUse, ...]
    references: tuple[RecordReference, ...]
    glossary_terms: tuple[str, ...]
    contributors: tuple[Contributor, ...]
    last_update: datetime.date | None
    prior_updates: tuple[datetime.date, ...]
    literature_reviews: tuple[datetime.date, ...]
    history: tuple[Revision, ...]
    revision: int
    published: datetime.datetime | None
    changes: tuple[Change, ...] = ()  # newest first
    #: The contraindications as written (``rules`` is the screen's reading of them), in order.
    contraindications: tuple[Contraindication, ...] = ()
    citations: Citations = field(default_factory=Citations)
    _json: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @functools.cached_property
    def therapy_rules(self) -> TherapyRules:
        """The screening engine's view of this review (built once per record)."""
        return TherapyRules(
            slug=self.slug,
            name=self.title,
            rules=self.rules,
            updated=self.last_update,
            rules_reviewed=self.rules_reviewed,
            active_ingredients=self.active_ingredients,
        )

    def reference(self, key: str) -> RecordReference | None:
        return next((r for r in self.references if r.key == key), None)

    def summary_json(self) -> dict[str, Any]:
        """The short form for lists: identity, tagline, completeness and dates."""
        reviewed = [s.name for s in self.sections if s.reviewed]
        return {
            "slug": self.slug,
            "title": self.title,
            "category": self.category,
            "tagline": self.tagline,
            "url": self.url,
            "reviewed_sections": reviewed,
            "partial": len(reviewed) < len(self.sections) or not self.rules_reviewed,
            "cancer_types": sorted({c for e in self.evidence for c in e.cancer_types}),
            "last_update": self.last_update.isoformat() if self.last_update else None,
            "revision": self.revision,
        }

    def to_json(self) -> dict[str, Any]:
        """The whole record as JSON-ready data (computed once per record)."""
        if self._json:
            return self._json
        data = {
            "format": RECORD_FORMAT,
            **self.summary_json(),
            "active_ingredients": list(self.active_ingredients),
            "published": self.published.isoformat() if self.published else None,
            "dates": {
                "last_update": self.last_update.isoformat() if self.last_update else None,
                "prior_updates": [d.isoformat() for d in self.prior_updates],
                "literature_reviews": [d.isoformat() for d in self.literature_reviews],
            },
            "sections": {s.name: s.to_json() for s in self.sections},
            "ratings": [r.to_json() for r in self.ratings],
            "evidence": [entry_json(e) for e in self.evidence],
            "grades": [g.to_json() for g in self.grades],
            "side_effects": [s.to_json() for s in self.side_effects],
            "rules_reviewed": self.rules_reviewed,
            "rules": [rule_json(r) for r in self.rules],
            "dosing_protocols": [p.to_json() for p in self.protocols],
            "expert_uses": [e.to_json() for e in self.expert_uses],
            "references": [r.to_json() for r in self.references],
            "glossary_terms": list(self.glossary_terms),
            "contributors": [c.to_json() for c in self.contributors],
            "history": [h.to_json() for h in self.history],
            "changes": [c.to_json() for c in self.changes],
        }
        self._json.update(data)
        return self._json

    @property
    def etag(self) -> str:
        """A strong validator of the record's content (changes whenever the JSON does)."""
        text = json.dumps(self.to_json(), sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
