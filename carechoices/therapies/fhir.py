"""A published review as FHIR R5: one ``Bundle`` (type ``collection``) per review (ADR 8).

Pure Python (no Django): ``review_bundle(record, base_url)`` turns a compiled ``ReviewRecord``
into JSON-ready FHIR, for the API (``/api/v1/fhir/therapies/{slug}``) and the bulk export.
Every resource is built as a ``fhir.resources`` model (``model_validate``), so a bundle that
would not validate is never returned.

What goes where (docs/api.md has the table):

* the therapy → ``MedicinalProductDefinition`` (name, tagline, category, active ingredients);
* each screening rule → one ``ClinicalUseDefinition``: ``interaction`` when every trigger it
  fires on is a medicine (class or ingredient), else ``contraindication`` for ``avoid`` and
  ``warning`` for ``caution``/``info``. The severity is a ``category`` coded in our own
  ``screen-severity`` code system, shipped in the bundle as a ``CodeSystem``. FHIR cannot say
  "any of, all of, none of, from this dose": the structured element holds the situation in
  words (conditions, classes and ingredients as text-only ``CodeableConcept``s, since we have no
  SNOMED CT or RxNorm codes and never invent any), and the narrative states the rule exactly,
  with the plain and the professional text, the action and the timing;
* each side effect → ``ClinicalUseDefinition`` type ``undesirable-effect``;
* each dosing protocol → a ``PlanDefinition`` (type ``clinical-protocol``) whose actions, in
  order, point at one ``ActivityDefinition`` per step: the dose, once a day, and the source's
  range of days as ``Timing.repeat.boundsRange`` (a range stays a range). A protocol whose source
  leaves the start dose open says so and gives no start dose;
* each evidence entry → ``Evidence`` (design, population, intervention, outcome, participants as
  the sample size, direction in words, the NCI PDQ level as ``certainty``, no statistic beyond
  the entry's own words);
* each reference → ``Citation`` (title, authors, journal, date, DOI/PMID/PMCID identifiers).

Citations are linked with ``relatedArtifact`` (or, on ``ClinicalUseDefinition``, which has no such
element, the standard ``artifact-relatedArtifact`` extension) pointing at the bundle's
``Citation`` entries. Ids are deterministic: a version-5 UUID of the slug and the part's key, and
each entry's ``fullUrl`` is ``urn:uuid:`` of that id, so the same record gives the same bytes.
"""

from __future__ import annotations

import html
import json
import uuid
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from fhir.resources.activitydefinition import ActivityDefinition
from fhir.resources.bundle import Bundle
from fhir.resources.citation import Citation
from fhir.resources.clinicalusedefinition import ClinicalUseDefinition
from fhir.resources.codesystem import CodeSystem
from fhir.resources.evidence import Evidence
from fhir.resources.medicinalproductdefinition import MedicinalProductDefinition
from fhir.resources.plandefinition import PlanDefinition
from fhir.resources.resource import Resource

from carechoices.evidence.domain import EvidenceEntry
from carechoices.evidence.pdq import classify_pdq, explain_pdq
from carechoices.plans.domain import DosingProtocol, ScheduleStep, format_dose
from carechoices.screening.models import ReferenceInfo, Rule, Timing, Trigger

from .record import RecordReference, ReviewRecord, SideEffect

__all__ = [
    "FHIR_VERSION",
    "MEDIA_TYPE",
    "SEVERITIES",
    "review_bundle",
    "review_bundle_model",
    "rule_type",
]

#: The FHIR release every bundle is written in (ADR 8).
FHIR_VERSION = "5.0.0"
#: The media type of a bundle, with FHIR's version parameter (http.html#version-parameter).
MEDIA_TYPE = "application/fhir+json; fhirVersion=5.0"

#: Fixed namespace of the version-5 UUIDs: ids depend only on the record, not on the site.
_NAMESPACE = uuid.UUID("5f0e6f5c-3b1e-5a3c-9d0f-1c2a6e4b7d10")

UCUM = "http://unitsofmeasure.org"
XHTML = "http://www.w3.org/1999/xhtml"
RELATED_ARTIFACT_EXTENSION = "http://hl7.org/fhir/StructureDefinition/artifact-relatedArtifact"
PLAN_DEFINITION_TYPE = "http://terminology.hl7.org/CodeSystem/plan-definition-type"
USAGE_CONTEXT_TYPE = "http://terminology.hl7.org/CodeSystem/usage-context-type"
VARIABLE_ROLE = "http://terminology.hl7.org/CodeSystem/variable-role"
PUBLISHER = "CareChoices"

#: The screen's severities: code → (display, definition). The words are the screen's own
#: (``screening.presenters``), said of a situation rather than of a person's answers.
SEVERITIES: dict[str, tuple[str, str]] = {
    "avoid": (
        "Avoid",
        "In this situation the therapy should not be used without a doctor's advice.",
    ),
    "caution": ("Caution", "This situation needs care, timing or a talk with a doctor."),
    "info": ("Good to know", "Information worth discussing; not a warning."),
}

#: A side effect's frequency in readers' words (the same words as the review pages).
FREQUENCIES = {
    "common": "Common",
    "early": "Common early on, usually passes",
    "infrequent": "Infrequent",
    "rare": "Rare",
    "not-stated": "How common: not stated in the sources",
}

#: Timing words of a protocol that FHIR has an event code for (v3 TimingEvent, ``Timing.repeat.when``).
_EVENT_TIMING = {"at bedtime": "HS"}

_MEDICINE_KINDS = frozenset({"medicine_class", "ingredient"})
_IDENTIFIERS = {
    "DOI": "https://doi.org",
    "PMID": "https://pubmed.ncbi.nlm.nih.gov",
    "PMCID": "https://www.ncbi.nlm.nih.gov/pmc",
}


def review_bundle(
    record: ReviewRecord, base_url: str, *, condition_labels: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The review as a FHIR R5 ``Bundle`` (type ``collection``), as JSON-ready data.

    ``base_url`` is the site's root (e.g. ``https://carechoices.example``): canonical URLs and
    identifier systems live under it. ``condition_labels`` maps condition slugs to readers'
    words (the medicine vocabulary's labels); a slug without one is written as it is.
    """
    bundle = review_bundle_model(record, base_url, condition_labels=condition_labels)
    return json.loads(bundle.model_dump_json())


def review_bundle_model(
    record: ReviewRecord, base_url: str, *, condition_labels: Mapping[str, str] | None = None
) -> Bundle:
    """The same bundle as a validated ``fhir.resources`` model."""
    return _BundleBuilder(record, base_url, condition_labels or {}).build()


def rule_type(rule: Rule) -> str:
    """The ``ClinicalUseDefinition.type`` of a screening rule.

    ``interaction`` when every trigger the rule fires on is a medicine; otherwise
    ``contraindication`` for an ``avoid`` rule and ``warning`` for ``caution`` and ``info``.
    """
    if all(t.kind in _MEDICINE_KINDS for t in rule.any_of):
        return "interaction"
    return "contraindication" if rule.severity == "avoid" else "warning"


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def _clean(value: Any) -> Any:
    """Drop ``None`` and empty strings, lists and objects (FHIR JSON allows none of them)."""
    if isinstance(value, dict):
        cleaned = {k: _clean(v) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if v not in (None, "", [], {})}
    if isinstance(value, (list, tuple)):
        cleaned = [_clean(v) for v in value]
        return [v for v in cleaned if v not in (None, "", [], {})]
    if isinstance(value, str):
        return value.strip()
    return value


def _text(text: str) -> dict[str, Any]:
    """A text-only CodeableConcept: we have no terminology codes offline and invent none."""
    return {"text": text}


def _narrative(status: str, rows: Iterable[tuple[str, str]]) -> dict[str, str]:
    """XHTML narrative: one paragraph per (label, text); the label in bold, text escaped."""
    paragraphs = []
    for label, text in rows:
        if not text:
            continue
        lead = f"<b>{html.escape(label)}</b> " if label else ""
        paragraphs.append(f"<p>{lead}{html.escape(text)}</p>")
    return {"status": status, "div": f'<div xmlns="{XHTML}">{"".join(paragraphs)}</div>'}


def _days(low: int, high: int) -> str:
    return f"{low} day{'s' if low != 1 else ''}" if low == high else f"{low} to {high} days"


def _quantity_days(days: int) -> dict[str, Any]:
    return {"value": days, "unit": "days", "system": UCUM, "code": "d"}


def _mg(dose: Decimal | float) -> dict[str, Any]:
    return {"value": Decimal(str(dose)), "unit": "mg", "system": UCUM, "code": "mg"}


def _fhir_date(parts: Any) -> str | None:
    """A CSL ``{"date-parts": [[y, m, d]]}`` as a FHIR date of the same precision."""
    try:
        numbers = [int(p) for p in parts["date-parts"][0]][:3]
    except (KeyError, IndexError, TypeError, ValueError):
        return None
    if not numbers:
        return None
    widths = (4, 2, 2)
    return "-".join(str(n).zfill(w) for n, w in zip(numbers, widths, strict=False))


def _string(value: Any) -> str | None:
    """A CSL field as a FHIR string (CSL allows numbers for volume, issue and page)."""
    if value is None or isinstance(value, (dict, list)):
        return None
    return str(value)


def _person(name: Mapping[str, Any]) -> str:
    """A CSL name as AMA writes it ("Bolton M"), or its literal."""
    if name.get("literal"):
        return str(name["literal"])
    return " ".join(str(name[k]) for k in ("family", "given") if name.get(k))


# --------------------------------------------------------------------------------------------
# The builder
# --------------------------------------------------------------------------------------------


class _BundleBuilder:
    def __init__(self, record: ReviewRecord, base_url: str, labels: Mapping[str, str]) -> None:
        self.record = record
        self.base = base_url.rstrip("/")
        self.labels = labels
        self.entries: list[tuple[str, Resource]] = []
        self.page_url = (
            record.url
            if record.url.startswith(("http://", "https://"))
            else f"{self.base}{record.url}"
        )
        self.severity_system = f"{self.base}/fhir/CodeSystem/screen-severity"
        self.therapy_id = self._id("therapy")
        self.citation_ids = {ref.key: self._citation_id(ref.key) for ref in record.references}
        self.references = {ref.key: ref for ref in record.references}

    # ids and urls ---------------------------------------------------------------------------

    def _id(self, *parts: str) -> str:
        return str(uuid.uuid5(_NAMESPACE, "/".join((self.record.slug, *parts))))

    @staticmethod
    def _citation_id(key: str) -> str:
        # Library-wide: the same reference has the same id in every review's bundle.
        return str(uuid.uuid5(_NAMESPACE, f"reference/{key}"))

    def _canonical(self, resource_type: str, resource_id: str) -> str:
        return f"{self.base}/fhir/{resource_type}/{resource_id}"

    def _identifier(self, namespace: str, value: str) -> list[dict[str, str]]:
        return [{"system": f"{self.base}/api/v1/{namespace}", "value": value}]

    def _add(self, model: type[Resource], data: dict[str, Any]) -> None:
        resource = model.model_validate(_clean({"resourceType": model.get_resource_type(), **data}))
        self.entries.append((f"urn:uuid:{resource.id}", resource))

    # shared parts ---------------------------------------------------------------------------

    def _metadata(self) -> dict[str, Any]:
        """Canonical-resource metadata shared by the plan, activity and evidence resources."""
        record = self.record
        return {
            "version": str(record.revision) if record.revision else None,
            "status": "active",
            "date": record.published.isoformat() if record.published else None,
            "publisher": PUBLISHER,
            "lastReviewDate": record.last_update.isoformat() if record.last_update else None,
        }

    def _contributors(self) -> dict[str, Any]:
        def detail(c) -> dict[str, str]:
            name = f"{c.name}, {c.credentials}" if c.credentials else c.name
            return {"name": f"{name} (demo profile)" if c.demo else name}

        return {
            "author": [detail(c) for c in self.record.contributors if c.role == "author"],
            "reviewer": [detail(c) for c in self.record.contributors if c.role == "reviewer"],
        }

    def _related(self, key: str, citation: str = "") -> dict[str, Any]:
        """A RelatedArtifact citing ``key``: to the bundle's Citation when the record lists it."""
        reference = self.references.get(key)
        if reference is None:
            return {"type": "citation", "label": key, "citation": citation or key}
        return {
            "type": "citation",
            "label": str(reference.number),
            "citation": reference.citation,
            "resourceReference": {
                "reference": f"urn:uuid:{self.citation_ids[key]}",
                "display": reference.citation,
            },
        }

    def _cites(
        self, keys: Iterable[str], infos: Iterable[ReferenceInfo] = ()
    ) -> list[dict[str, Any]]:
        texts = {info.id: info.citation for info in infos}
        return [self._related(key, texts.get(key, "")) for key in dict.fromkeys(keys)]

    def _source_rows(self, keys: Iterable[str]) -> list[tuple[str, str]]:
        """One narrative paragraph per cited source, numbered as on the review."""
        rows = []
        for key in dict.fromkeys(keys):
            ref = self.references.get(key)
            rows.append(("Source:", f"[{ref.number}] {ref.citation}" if ref else key))
        return rows

    def _subject(self) -> list[dict[str, str]]:
        return [{"reference": f"urn:uuid:{self.therapy_id}", "display": self.record.title}]

    # the bundle -----------------------------------------------------------------------------

    def build(self) -> Bundle:
        record = self.record
        self._therapy()
        self._severity_codes()
        for rule in record.rules:
            self._rule(rule)
        for number, effect in enumerate(record.side_effects, start=1):
            self._side_effect(number, effect)
        for protocol in record.protocols:
            self._protocol(protocol)
        for number, entry in enumerate(record.evidence, start=1):
            self._evidence(number, entry)
        for reference in record.references:
            self._citation(reference)
        published = record.published.isoformat() if record.published else None
        return Bundle.model_validate(
            _clean(
                {
                    "resourceType": "Bundle",
                    "id": self._id("bundle"),
                    "meta": {"lastUpdated": published},
                    "type": "collection",
                    "timestamp": published,
                    "link": [
                        {
                            "relation": "self",
                            "url": f"{self.base}/api/v1/fhir/therapies/{record.slug}",
                        }
                    ],
                    "entry": [
                        {"fullUrl": url, "resource": resource} for url, resource in self.entries
                    ],
                }
            )
        )

    # the therapy ----------------------------------------------------------------------------

    def _therapy(self) -> None:
        record = self.record
        self._add(
            MedicinalProductDefinition,
            {
                "id": self.therapy_id,
                "text": _narrative(
                    "generated",
                    [
                        ("", record.title),
                        ("", record.tagline),
                        ("Category:", record.category),
                        ("Active ingredients:", ", ".join(record.active_ingredients)),
                        ("Review:", self.page_url),
                    ],
                ),
                "identifier": self._identifier("therapies", record.slug),
                "description": record.tagline,
                "classification": [_text(record.category)],
                "ingredient": [_text(name) for name in record.active_ingredients],
                "name": [{"productName": record.title}],
            },
        )

    def _severity_codes(self) -> None:
        self._add(
            CodeSystem,
            {
                "id": str(uuid.uuid5(_NAMESPACE, "codesystem/screen-severity")),
                "text": _narrative(
                    "generated",
                    [(f"{code}:", f"{d} — {text}") for code, (d, text) in SEVERITIES.items()],
                ),
                "url": self.severity_system,
                "name": "ScreenSeverity",
                "title": "CareChoices screen severity",
                "status": "active",
                "publisher": PUBLISHER,
                "description": "How strongly a review's screening rule speaks, worst first.",
                "caseSensitive": True,
                "content": "complete",
                "count": len(SEVERITIES),
                "concept": [
                    {"code": code, "display": display, "definition": definition}
                    for code, (display, definition) in SEVERITIES.items()
                ],
            },
        )

    # rules ----------------------------------------------------------------------------------

    def _concept(self, trigger: Trigger) -> str:
        """A trigger as the thing it names (a condition, a medicine, a procedure)."""
        if trigger.kind == "condition":
            return self.labels.get(trigger.value, trigger.value)
        if trigger.kind == "medicine_class":
            return f"{trigger.value} (medicine class)"
        if trigger.kind == "procedure":
            return f"planned {trigger.value}"
        return trigger.value

    def _situation(self, trigger: Trigger) -> str:
        """A trigger as a situation a person is in."""
        if trigger.kind == "medicine_class":
            return f"taking a medicine of the class “{trigger.value}”"
        if trigger.kind == "ingredient":
            return f"taking {trigger.value}"
        return self._concept(trigger)

    def _applies_when(self, rule: Rule) -> str:
        """The rule's whole logic in words: any of, all of, none of, from which dose."""
        parts = [" or ".join(self._situation(t) for t in rule.any_of)]
        if rule.all_of:
            parts.append("together with " + " and ".join(self._situation(t) for t in rule.all_of))
        if rule.none_of:
            parts.append(
                "only when none of these is stated: "
                + "; ".join(self._situation(t) for t in rule.none_of)
            )
        if rule.min_dose_mg is not None:
            parts.append(f"at a dose of {rule.min_dose_mg:g} mg or more of {self.record.title}")
        return "; ".join(parts)

    @staticmethod
    def _timing_text(timing: Timing | None) -> str:
        if timing is None:
            return ""
        if timing.kind == "stop-before-procedure":
            text = f"Stop {_days(timing.min_days, timing.max_days)} before the procedure"
            return f"{text}; restart {timing.restart}." if timing.restart else f"{text}."
        text = (
            "Wait until the medicine has left the body before the first dose; the source gives no "
            "clearance time, so no date is given."
        )
        if timing.wean_for:
            text += f" For {timing.wean_for}, the source gives a wean of {_days(timing.min_days, timing.max_days)} first."
        elif timing.restart:
            text += f" Restart {timing.restart}."
        return text

    def _rule(self, rule: Rule) -> None:
        kind = rule_type(rule)
        display, _ = SEVERITIES[rule.severity]
        applies = self._applies_when(rule)
        timing = self._timing_text(rule.timing)
        keys = [ref.id for ref in rule.references]
        data: dict[str, Any] = {
            "id": self._id("rule", rule.rule_id),
            "text": _narrative(
                "additional",
                [
                    ("", f"{rule.title} ({display})"),
                    ("Applies when:", applies),
                    ("In plain words:", rule.summary),
                    ("For professionals:", rule.detail),
                    ("What to do:", rule.action),
                    ("Timing:", timing),
                    *self._source_rows(keys),
                ],
            ),
            "extension": [
                {"url": RELATED_ARTIFACT_EXTENSION, "valueRelatedArtifact": artifact}
                for artifact in self._cites(keys, rule.references)
            ],
            "identifier": self._identifier(f"therapies/{self.record.slug}/rules", rule.rule_id),
            "type": kind,
            "category": [
                {
                    "coding": [
                        {"system": self.severity_system, "code": rule.severity, "display": display}
                    ],
                    "text": display,
                }
            ],
            "subject": self._subject(),
        }
        if kind == "interaction":
            data["interaction"] = {
                "interactant": [
                    {"itemCodeableConcept": _text(self._concept(t))} for t in rule.any_of
                ],
                "management": [_text(rule.action)],
            }
        elif kind == "contraindication":
            data["contraindication"] = {"diseaseSymptomProcedure": {"concept": _text(applies)}}
        else:
            description = [
                rule.summary,
                f"**For professionals:** {rule.detail}",
                f"**What to do:** {rule.action}",
            ]
            if timing:
                description.append(f"**Timing:** {timing}")
            data["warning"] = {"code": _text(applies), "description": "\n\n".join(description)}
        self._add(ClinicalUseDefinition, data)

    # side effects ---------------------------------------------------------------------------

    def _side_effect(self, number: int, effect: SideEffect) -> None:
        frequency = FREQUENCIES.get(effect.frequency, FREQUENCIES["not-stated"])
        self._add(
            ClinicalUseDefinition,
            {
                "id": self._id("side-effect", str(number)),
                "text": _narrative(
                    "generated",
                    [
                        ("Side effect:", effect.effect),
                        ("", frequency),
                        ("", effect.note),
                        *self._source_rows(effect.references),
                    ],
                ),
                "extension": [
                    {"url": RELATED_ARTIFACT_EXTENSION, "valueRelatedArtifact": artifact}
                    for artifact in self._cites(effect.references)
                ],
                "identifier": self._identifier(
                    f"therapies/{self.record.slug}/side-effects", str(number)
                ),
                "type": "undesirable-effect",
                "subject": self._subject(),
                "undesirableEffect": {
                    "symptomConditionEffect": {"concept": _text(effect.effect)},
                    # "Not stated" is said by leaving the frequency out (and in the narrative).
                    "frequencyOfOccurrence": _text(frequency)
                    if effect.frequency != "not-stated"
                    else None,
                },
            },
        )

    # dosing protocols -----------------------------------------------------------------------

    def _dosage(self, protocol: DosingProtocol, number: int, step: ScheduleStep) -> dict[str, Any]:
        timing_words = f" {protocol.timing}" if protocol.timing else ""
        if step.open_ended:
            duration = ", continuing: how long is the prescriber's decision"
            bounds: dict[str, Any] = {}
        else:
            assert step.min_days is not None and step.max_days is not None
            duration = f" for {_days(step.min_days, step.max_days)}"
            if step.min_days == step.max_days:
                bounds = {"boundsDuration": _quantity_days(step.min_days)}
            else:
                bounds = {
                    "boundsRange": {
                        "low": _quantity_days(step.min_days),
                        "high": _quantity_days(step.max_days),
                    }
                }
        return {
            "sequence": number,
            "text": f"{format_dose(step.dose_mg)} mg once a day{timing_words}{duration}",
            "timing": self._daily(protocol, bounds),
            "doseAndRate": [{"doseQuantity": _mg(step.dose_mg)}],
        }

    @staticmethod
    def _daily(protocol: DosingProtocol, bounds: dict[str, Any]) -> dict[str, Any]:
        when = _EVENT_TIMING.get(protocol.timing.strip().lower())
        return {
            "repeat": {
                **bounds,
                "frequency": 1,
                "period": 1,
                "periodUnit": "d",
                "when": [when] if when else None,
            }
        }

    def _open_start(self, protocol: DosingProtocol) -> dict[str, Any]:
        """The first step of a stepwise protocol whose source states no start dose."""
        assert protocol.step_mg is not None and protocol.target_mg is not None
        timing_words = f" {protocol.timing}" if protocol.timing else ""
        return {
            "sequence": 1,
            "text": (
                f"Start dose: not stated by the source; the prescriber gives it. Then add "
                f"{format_dose(protocol.step_mg)} mg every {_days(protocol.interval_days or 0, protocol.interval_days or 0)}, "
                f"once a day{timing_words}, up to {format_dose(protocol.target_mg)} mg."
            ),
            "timing": self._daily(protocol, {}),
            "maxDosePerAdministration": _mg(protocol.target_mg),
        }

    def _protocol(self, protocol: DosingProtocol) -> None:
        record = self.record
        plan_id = self._id("protocol", protocol.protocol_id)
        if protocol.needs_start_dose:
            assert protocol.target_mg is not None
            dosages = [
                self._open_start(protocol),
                self._dosage(protocol, 2, ScheduleStep(protocol.target_mg)),
            ]
        else:
            dosages = [
                self._dosage(protocol, n, step)
                for n, step in enumerate(protocol.schedule(), start=1)
            ]
        usage = (
            "The source does not state a start dose: the prescriber gives it. No start dose is filled in here."
            if protocol.needs_start_dose
            else "Doses and days exactly as the source gives them; where it gives a range of days, the prescriber decides within it."
        )
        actions = []
        for dosage in dosages:
            number = dosage["sequence"]
            activity_id = self._id("protocol", protocol.protocol_id, "step", str(number))
            title = f"{protocol.name}: step {number} of {len(dosages)}"
            self._add(
                ActivityDefinition,
                {
                    "id": activity_id,
                    "text": _narrative("generated", [("", title), ("", dosage["text"])]),
                    "url": self._canonical("ActivityDefinition", activity_id),
                    **self._metadata(),
                    "title": title,
                    "kind": "MedicationRequest",
                    "intent": "proposal",
                    "productCodeableConcept": _text(record.title),
                    "dosage": [dosage],
                },
            )
            actions.append(
                {
                    "linkId": f"step-{number}",
                    "title": f"Step {number}",
                    "textEquivalent": dosage["text"],
                    "definitionCanonical": self._canonical("ActivityDefinition", activity_id),
                    "relatedAction": (
                        [{"targetId": f"step-{number - 1}", "relationship": "after-end"}]
                        if number > 1
                        else None
                    ),
                }
            )
        keys = [ref.id for ref in protocol.references]
        self._add(
            PlanDefinition,
            {
                "id": plan_id,
                "text": _narrative(
                    "generated",
                    [
                        ("", protocol.name),
                        (
                            "For:",
                            self.labels.get(protocol.condition, protocol.condition)
                            if protocol.condition
                            else "",
                        ),
                        *[(f"Step {d['sequence']}:", d["text"]) for d in dosages],
                        ("", protocol.note),
                        ("", usage),
                        *self._source_rows(keys),
                    ],
                ),
                "url": self._canonical("PlanDefinition", plan_id),
                "identifier": self._identifier(
                    f"therapies/{record.slug}/dosing-protocols", protocol.protocol_id
                ),
                **self._metadata(),
                "title": protocol.name,
                "type": {
                    "coding": [
                        {
                            "system": PLAN_DEFINITION_TYPE,
                            "code": "clinical-protocol",
                            "display": "Clinical Protocol",
                        }
                    ]
                },
                **self._contributors(),
                "useContext": (
                    [
                        {
                            "code": {"system": USAGE_CONTEXT_TYPE, "code": "focus"},
                            "valueCodeableConcept": _text(
                                self.labels.get(protocol.condition, protocol.condition)
                            ),
                        }
                    ]
                    if protocol.condition
                    else None
                ),
                "description": protocol.note,
                "usage": usage,
                "relatedArtifact": self._cites(keys, protocol.references),
                "action": actions,
            },
        )

    # evidence -------------------------------------------------------------------------------

    def _evidence(self, number: int, entry: EvidenceEntry) -> None:
        evidence_id = self._id("evidence", str(number))
        pdq = classify_pdq(entry.design, entry.endpoint)
        measured = (
            entry.endpoint.label if entry.endpoint is not None else entry.outcome_category.label
        )
        exposure = (
            entry.intervention + (f"; dose: {entry.dose}" if entry.dose else "")
            if entry.intervention
            else entry.dose
        )
        title = (
            f"{entry.design.label}: {entry.population}" if entry.population else entry.design.label
        )
        direction = f"Direction of the result: {entry.direction.label.lower()}."
        certainty = {
            "description": explain_pdq(pdq.code) if pdq.code else pdq.reason,
            "type": _text("NCI PDQ level of evidence"),
            "rating": _text(pdq.code) if pdq.code else None,
        }
        self._add(
            Evidence,
            {
                "id": evidence_id,
                "text": _narrative(
                    "generated",
                    [
                        ("", title),
                        ("Intervention:", exposure),
                        ("Outcome:", f"{measured} ({entry.outcome_category.label})"),
                        (
                            "Participants:",
                            str(entry.participants) if entry.participants is not None else "",
                        ),
                        ("Result:", entry.effect),
                        ("", direction),
                        ("NCI PDQ level:", pdq.code or pdq.reason),
                        ("", entry.notes),
                        *self._source_rows(entry.references),
                    ],
                ),
                "url": self._canonical("Evidence", evidence_id),
                "identifier": self._identifier(
                    f"therapies/{self.record.slug}/evidence", str(number)
                ),
                **self._metadata(),
                "title": title,
                **self._contributors(),
                "relatedArtifact": self._cites(entry.references),
                "description": entry.effect,
                "assertion": direction,
                "note": [{"text": entry.notes}] if entry.notes else None,
                "variableDefinition": [
                    {
                        "description": entry.population,
                        "note": [{"text": "Cancer types: " + ", ".join(entry.cancer_types)}]
                        if entry.cancer_types
                        else None,
                        "variableRole": {
                            "coding": [{"system": VARIABLE_ROLE, "code": "population"}]
                        },
                    }
                    if entry.population
                    else None,
                    {
                        "description": exposure,
                        "variableRole": {"coding": [{"system": VARIABLE_ROLE, "code": "exposure"}]},
                    }
                    if exposure
                    else None,
                    {
                        "description": measured,
                        "note": [{"text": f"Outcome category: {entry.outcome_category.label}"}],
                        "variableRole": {
                            "coding": [{"system": VARIABLE_ROLE, "code": "measuredVariable"}]
                        },
                    },
                ],
                "studyDesign": [_text(entry.design.label)],
                "statistic": (
                    [{"sampleSize": {"numberOfParticipants": entry.participants}}]
                    if entry.participants is not None
                    else None
                ),
                "certainty": [certainty],
            },
        )

    # references -----------------------------------------------------------------------------

    def _citation(self, ref: RecordReference) -> None:
        csl = ref.csl
        identifiers = [
            {"type": _text(label), "system": _IDENTIFIERS[label], "value": value}
            for label, value in (("DOI", ref.doi), ("PMID", ref.pmid), ("PMCID", ref.pmcid))
            if value
        ]
        contributors = []
        complete = None
        for role in ("author", "editor"):
            for name in csl.get(role) or []:
                if not isinstance(name, Mapping):
                    continue
                if str(name.get("literal", "")).strip().lower() in ("et al", "et al."):
                    complete = False  # the source's own list is cut short
                    continue
                written = _person(name)
                if written:
                    contributors.append(
                        {
                            "contributor": {"display": written},
                            "forenameInitials": name.get("given")
                            if not name.get("literal")
                            else None,
                            "role": _text(role),
                            "rankingOrder": len(contributors) + 1,
                        }
                    )
        published_in = {
            "title": _string(csl.get("container-title")),
            "publisher": {"display": _string(csl.get("publisher"))},
            "publisherLocation": _string(csl.get("publisher-place")),
        }
        form = {
            "publishedIn": published_in,
            "volume": _string(csl.get("volume")),
            "issue": _string(csl.get("issue")),
            "articleDate": _fhir_date(csl.get("issued")),
            "pageString": _string(csl.get("page")),
        }
        notes = [{"text": str(csl["note"])}] if csl.get("note") else []
        missing = (
            [{"text": "Incomplete reference; missing: " + ", ".join(ref.missing_fields)}]
            if ref.incomplete
            else []
        )
        citation_id = self.citation_ids[ref.key]
        self._add(
            Citation,
            {
                "id": citation_id,
                "text": _narrative("generated", [("", ref.citation), ("", ref.url or "")]),
                "url": self._canonical("Citation", citation_id),
                "identifier": self._identifier("references", ref.key),
                "status": "active",
                "publisher": PUBLISHER,
                "summary": [{"style": _text("AMA"), "text": ref.citation}],
                "note": missing,
                "citedArtifact": {
                    "identifier": identifiers,
                    "title": [{"text": _string(csl.get("title"))}],
                    "version": {"value": str(csl["edition"])} if csl.get("edition") else None,
                    "dateAccessed": _fhir_date(csl.get("accessed")),
                    "note": notes,
                    "publicationForm": [form],
                    "webLocation": [{"url": ref.url}] if ref.url else None,
                    "classification": [
                        {"type": _text("CSL item type"), "classifier": [_text(str(csl["type"]))]}
                    ]
                    if csl.get("type")
                    else None,
                    "contributorship": {"complete": complete, "entry": contributors}
                    if contributors
                    else None,
                },
            },
        )
