"""The FHIR R5 bundle of a review: every resource validates, and the mappings say what the record says.

The record here is built by hand (no database); ``tests/integration/test_fhir_api.py`` checks
the bundles of the sample reviews through the endpoint with the same ``assert_valid_bundle``.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fhir.resources import get_fhir_model_class
from fhir.resources.bundle import Bundle
from pydantic import BaseModel

from carechoices.evidence.domain import EvidenceEntry
from carechoices.plans.domain import DosingProtocol, ScheduleStep
from carechoices.screening.models import ReferenceInfo, Rule, Timing, Trigger
from carechoices.therapies import fhir
from carechoices.therapies.record import Contributor, RecordReference, ReviewRecord, SideEffect

BASE = "https://carechoices.example"
XHTML_DIV = "{http://www.w3.org/1999/xhtml}div"
CUD_PARTS = {
    "contraindication": "contraindication",
    "interaction": "interaction",
    "warning": "warning",
    "undesirable-effect": "undesirableEffect",
    "indication": "indication",
}


# --------------------------------------------------------------------------------------------
# What "valid" means here, beyond the models' own validation
# --------------------------------------------------------------------------------------------


def _codes_in_value_sets(model: BaseModel, path: str = "") -> list[str]:
    """Codes outside a required value set (fhir.resources lists them but does not check them)."""
    wrong = []
    for name, info in type(model).model_fields.items():
        value = getattr(model, name, None)
        if value is None:
            continue
        allowed = (
            (info.json_schema_extra or {}).get("enum_values")
            if isinstance(info.json_schema_extra, dict)
            else None
        )
        values = value if isinstance(value, list) else [value]
        for item in values:
            if allowed and isinstance(item, str) and item not in allowed:
                wrong.append(f"{path}{name}={item!r}")
            if isinstance(item, BaseModel):
                wrong.extend(_codes_in_value_sets(item, f"{path}{name}."))
    return wrong


def _empty_values(data: Any, path: str = "") -> list[str]:
    """FHIR JSON has no nulls and no empty strings, arrays or objects."""
    if data is None or data == "" or data == [] or data == {}:
        return [path]
    if isinstance(data, dict):
        return [p for k, v in data.items() for p in _empty_values(v, f"{path}.{k}")]
    if isinstance(data, list):
        return [p for i, v in enumerate(data) for p in _empty_values(v, f"{path}[{i}]")]
    return []


def _references(data: Any) -> list[str]:
    if isinstance(data, dict):
        found = [data["reference"]] if isinstance(data.get("reference"), str) else []
        return found + [r for v in data.values() for r in _references(v)]
    if isinstance(data, list):
        return [r for v in data for r in _references(v)]
    return []


def assert_valid_bundle(data: dict[str, Any]) -> Bundle:
    """Validate a bundle's JSON as FHIR R5 and check what the models leave unchecked."""
    bundle = Bundle.model_validate(data)
    # Round trip: serialise → parse → the same JSON.
    assert json.loads(bundle.model_dump_json()) == data
    assert Bundle.model_validate_json(bundle.model_dump_json()) == bundle
    assert bundle.type == "collection"
    assert not _empty_values(data), _empty_values(data)
    assert not _codes_in_value_sets(bundle), _codes_in_value_sets(bundle)

    full_urls = [entry["fullUrl"] for entry in data["entry"]]
    assert len(full_urls) == len(set(full_urls)), "fullUrls must be unique"
    canonicals = set()
    for entry in data["entry"]:
        resource = entry["resource"]
        model = get_fhir_model_class(resource["resourceType"])
        model.model_validate(resource)  # each resource on its own, too
        assert entry["fullUrl"] == f"urn:uuid:{resource['id']}"
        if "url" in resource:
            canonicals.add(resource["url"])
        if "text" in resource:
            div = ET.fromstring(resource["text"]["div"])
            assert div.tag == XHTML_DIV and not list(
                div.iter("{http://www.w3.org/1999/xhtml}script")
            )
        if resource["resourceType"] == "ClinicalUseDefinition":
            # cud-1: one kind of clinical use per instance, and it is the one ``type`` names.
            present = [part for part in CUD_PARTS.values() if part in resource]
            assert present == [CUD_PARTS[resource["type"]]], resource["id"]
        if resource["resourceType"] == "PlanDefinition":
            link_ids = {a["linkId"] for a in resource["action"]}
            for action in resource["action"]:
                for related in action.get("relatedAction", []):
                    assert related["targetId"] in link_ids
    for reference in _references(data):
        if reference.startswith("urn:uuid:"):
            assert reference in full_urls, f"unresolved reference {reference}"
    for entry in data["entry"]:
        for action in entry["resource"].get("action", []):
            assert action["definitionCanonical"] in canonicals
    return bundle


# --------------------------------------------------------------------------------------------
# A small record: one of each kind, the awkward cases included
# --------------------------------------------------------------------------------------------

BIHARI = ReferenceInfo(
    id="bihari2021", citation="Bihari B. LDN and cancer. Low Dose Naltrexone. Published 2021."
)
LAVENDER = ReferenceInfo(
    id="lavendersky", citation="Lavender Sky Health. Naltrexone (prescription summary)."
)
ELSEGOOD = ReferenceInfo(
    id="elsegood2016", citation="Elsegood L, ed. The LDN Book. Chelsea Green Publishing; 2016."
)


def _reference(
    info: ReferenceInfo, number: int, csl: dict[str, Any], **ids: str
) -> RecordReference:
    return RecordReference(
        key=info.id, number=number, citation=info.citation, csl={"id": info.id, **csl}, **ids
    )


REFERENCES = (
    _reference(
        ReferenceInfo(
            id="bolton2019",
            citation="Bolton M, Hodkinson A, et al. Serious adverse events. BMC Medicine. 2019;17(1):10.",
        ),
        1,
        {
            "type": "article-journal",
            "title": "Serious adverse events reported in placebo randomised controlled trials of oral naltrexone",
            "author": [
                {"family": "Bolton", "given": "M"},
                {"family": "Hodkinson", "given": "A"},
                {"literal": "et al."},
            ],
            "container-title": "BMC Medicine",
            "issued": {"date-parts": [[2019, 1, 15]]},
            "volume": 17,
            "issue": "1",
            "page": "10",
            "DOI": "10.1186/s12916-018-1242-0",
            "PMID": "30642329",
        },
        doi="10.1186/s12916-018-1242-0",
        pmid="30642329",
        pmcid="PMC6332608",
    ),
    _reference(
        BIHARI,
        2,
        {
            "type": "webpage",
            "title": "LDN and cancer",
            "issued": {"date-parts": [[2021, 2]]},
            "accessed": {"date-parts": [[2021, 9, 19]]},
        },
    ),
    _reference(LAVENDER, 3, {"type": "webpage", "title": "Naltrexone (prescription summary)"}),
    _reference(
        ELSEGOOD,
        4,
        {
            "type": "book",
            "title": "The LDN Book",
            "editor": [{"family": "Elsegood", "given": "L"}],
            "publisher": "Chelsea Green Publishing",
            "issued": {"date-parts": [[2016]]},
            "edition": 1,
        },
    ),
)

RULES = (
    Rule(
        rule_id="opioid-medicines",
        title="Opioid medicines",
        severity="avoid",
        any_of=(Trigger("medicine_class", "opioid"),),
        summary="LDN blocks opioids: wait until the opioid has left your body.",
        detail="Naltrexone is an opioid-receptor antagonist.",
        action="Do not start LDN while you take an opioid.",
        timing=Timing("wait-until-cleared", 10, 14, wean_for="daily opioid pain medicine"),
        references=(BIHARI,),
    ),
    Rule(
        rule_id="opioid-dependence",
        title="Opioid dependence and its treatment",
        severity="avoid",
        any_of=(Trigger("condition", "opioid-use-disorder"), Trigger("ingredient", "methadone")),
        summary="Not for people who depend on opioids.",
        detail="Advised against in opioid dependence.",
        action="Do not start LDN.",
        references=(LAVENDER,),
    ),
    Rule(
        rule_id="surgery",
        title="Planned surgery",
        severity="caution",
        any_of=(Trigger("procedure", "surgery"),),
        summary="Stop LDN one or two days before an operation.",
        detail="Hold LDN 1–2 days pre-operatively.",
        action="Stop LDN 1–2 days before surgery.",
        timing=Timing("stop-before-procedure", 1, 2, restart="when your physician clears it"),
        references=(BIHARI,),
    ),
    Rule(
        rule_id="liver-disease-full-dose",
        title="Liver disease at the full 50 mg dose",
        severity="caution",
        any_of=(Trigger("condition", "liver-disease"),),
        all_of=(Trigger("medicine_class", "thyroid-hormone"),),
        none_of=(Trigger("condition", "organ-transplant"),),
        min_dose_mg=50.0,
        summary="The full dose can harm the liver.",
        detail="Hepatotoxicity concerns relate to full-dose naltrexone.",
        action="Tell your prescriber about your liver disease.",
        references=(BIHARI, ELSEGOOD),
    ),
    Rule(
        rule_id="rituximab",
        title="Rituximab",
        severity="info",
        any_of=(Trigger("ingredient", "rituximab"),),
        summary="Worth discussing.",
        detail="A note for professionals.",
        action="Mention it to your oncologist.",
        references=(BIHARI,),
    ),
)

PROTOCOLS = (
    DosingProtocol(
        protocol_id="three-step-schedule",
        name="Three steps",
        condition=None,
        timing="at bedtime",
        note="One published schedule.",
        references=(LAVENDER,),
        steps=(
            ScheduleStep(Decimal("1.5"), 7, 14),
            ScheduleStep(Decimal("3"), 7, 7),
            ScheduleStep(Decimal("4.5")),
        ),
    ),
    DosingProtocol(
        protocol_id="weekly-1-mg-steps",
        name="Start low and add 1 mg a week up to 4.5 mg",
        condition=None,
        timing="at bedtime",
        note="The source does not say which dose to start at.",
        references=(ELSEGOOD,),
        step_mg=Decimal("1"),
        interval_days=7,
        target_mg=Decimal("4.5"),
    ),
    DosingProtocol(
        protocol_id="stated-start",
        name="From 2 mg, 1 mg a week",
        condition="hashimotos-thyroiditis",
        timing="in the morning",
        note="",
        references=(
            ReferenceInfo(id="not-in-the-record", citation="A source the record does not list."),
        ),
        start_dose_mg=Decimal("2"),
        step_mg=Decimal("1"),
        interval_days=7,
        target_mg=Decimal("4"),
    ),
)

EVIDENCE = (
    EvidenceEntry(
        design="rct-double-blind",
        participants=110,
        population="people with high-grade glioma starting chemoradiation",
        cancer_types=("brain cancer",),
        intervention="LDN vs placebo",
        dose="4.5 mg nightly for 16 weeks",
        outcome_category="side-effects-wellness",
        endpoint="quality-of-life",
        direction="no-effect",
        effect="No effect on quality of life or fatigue.",
        references=("bolton2019",),
    ),
    EvidenceEntry(
        design="animal",
        population="mouse model",
        intervention="naltrexone",
        outcome_category="safety",
        direction="harm",
        effect="More aggressive cancer.",
        notes="A harm signal from animal research.",
        references=("bihari2021",),
    ),
)


def _record(**changes: Any) -> ReviewRecord:
    fields: dict[str, Any] = {
        "slug": "low-dose-naltrexone",
        "title": "Low-dose naltrexone (LDN)",
        "category": "off-label-drug",
        "tagline": "A prescription medicine taken off-label in small doses.",
        "url": "/therapies/low-dose-naltrexone/",
        "active_ingredients": ("naltrexone",),
        "sections": (),
        "ratings": (),
        "evidence": EVIDENCE,
        "grades": (),
        "side_effects": (
            SideEffect("Vivid dreams", "early", "Often in the first week.", ("elsegood2016",)),
            SideEffect("Raised liver enzymes", "not-stated", "", ("elsegood2016", "bihari2021")),
        ),
        "rules": RULES,
        "rules_reviewed": True,
        "protocols": PROTOCOLS,
        "expert_uses": (),
        "references": REFERENCES,
        "glossary_terms": (),
        "contributors": (Contributor("robin-example", "Robin Example", "BA", "author", True),),
        "last_update": datetime.date(2025, 7, 27),
        "prior_updates": (),
        "literature_reviews": (),
        "history": (),
        "revision": 3,
        "published": datetime.datetime(2026, 11, 30, 9, 0, tzinfo=datetime.UTC),
    }
    fields.update(changes)
    return ReviewRecord(**fields)


LABELS = {
    "liver-disease": "Liver disease",
    "opioid-use-disorder": "Opioid use disorder",
    "organ-transplant": "Organ transplant",
    "hashimotos-thyroiditis": "Hashimoto's thyroiditis",
}


@pytest.fixture(scope="module")
def bundle() -> dict[str, Any]:
    return fhir.review_bundle(_record(), BASE, condition_labels=LABELS)


def _resources(bundle: dict[str, Any], resource_type: str) -> list[dict[str, Any]]:
    return [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == resource_type
    ]


def _by_identifier(bundle: dict[str, Any], resource_type: str, value: str) -> dict[str, Any]:
    return next(
        r for r in _resources(bundle, resource_type) if r["identifier"][0]["value"] == value
    )


def _resolve(bundle: dict[str, Any], reference: str) -> dict[str, Any]:
    return next(e["resource"] for e in bundle["entry"] if e["fullUrl"] == reference)


# --------------------------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------------------------


def test_every_resource_validates_and_the_json_round_trips(bundle):
    assert_valid_bundle(bundle)
    counts = {
        t: len(_resources(bundle, t))
        for t in (
            "ClinicalUseDefinition",
            "PlanDefinition",
            "ActivityDefinition",
            "Evidence",
            "Citation",
            "MedicinalProductDefinition",
            "CodeSystem",
        )
    }
    assert counts == {
        "ClinicalUseDefinition": len(RULES) + 2,
        "PlanDefinition": 3,
        "ActivityDefinition": 3 + 2 + 3,  # fixed steps; open start + target; 2, 3, then 4 mg
        "Evidence": 2,
        "Citation": len(REFERENCES),
        "MedicinalProductDefinition": 1,
        "CodeSystem": 1,
    }


def test_the_bundle_is_deterministic_and_ids_do_not_depend_on_the_site(bundle):
    again = fhir.review_bundle(_record(), BASE, condition_labels=LABELS)
    elsewhere = fhir.review_bundle(_record(), "http://127.0.0.1:8000/", condition_labels=LABELS)

    assert json.dumps(again) == json.dumps(bundle)
    assert [e["fullUrl"] for e in elsewhere["entry"]] == [e["fullUrl"] for e in bundle["entry"]]
    assert all(e["fullUrl"].startswith("urn:uuid:") for e in bundle["entry"])
    assert bundle["timestamp"] == "2026-11-30T09:00:00Z"
    assert (
        elsewhere["link"][0]["url"]
        == "http://127.0.0.1:8000/api/v1/fhir/therapies/low-dose-naltrexone"
    )


def test_a_rule_keeps_its_severity_type_and_both_texts(bundle):
    severity_system = f"{BASE}/fhir/CodeSystem/screen-severity"
    rules = {
        r["identifier"][0]["value"]: r
        for r in _resources(bundle, "ClinicalUseDefinition")
        if r["type"] != "undesirable-effect"
    }

    assert {rule: r["type"] for rule, r in rules.items()} == {
        "opioid-medicines": "interaction",  # every trigger is a medicine
        "opioid-dependence": "contraindication",  # avoid, a condition among its triggers
        "surgery": "warning",
        "liver-disease-full-dose": "warning",
        "rituximab": "interaction",
    }
    for rule in RULES:
        resource = rules[rule.rule_id]
        assert resource["category"][0]["coding"] == [
            {
                "system": severity_system,
                "code": rule.severity,
                "display": fhir.SEVERITIES[rule.severity][0],
            }
        ]
        div = resource["text"]["div"]
        assert resource["text"]["status"] == "additional"
        assert rule.summary in div and rule.detail in div and rule.action in div
        assert resource["subject"][0]["display"] == "Low-dose naltrexone (LDN)"
    codes = _resources(bundle, "CodeSystem")[0]
    assert codes["url"] == severity_system and [c["code"] for c in codes["concept"]] == [
        "avoid",
        "caution",
        "info",
    ]

    opioids = rules["opioid-medicines"]["interaction"]
    assert opioids["interactant"] == [{"itemCodeableConcept": {"text": "opioid (medicine class)"}}]
    assert opioids["management"] == [{"text": "Do not start LDN while you take an opioid."}]
    assert "a wean of 10 to 14 days" in rules["opioid-medicines"]["text"]["div"]
    situation = rules["opioid-dependence"]["contraindication"]["diseaseSymptomProcedure"]
    # Text only: we have no SNOMED CT or RxNorm codes offline and invent none.
    assert situation == {"concept": {"text": "Opioid use disorder or taking methadone"}}
    surgery = rules["surgery"]["warning"]
    assert (
        "Stop 1 to 2 days before the procedure; restart when your physician clears it."
        in surgery["description"]
    )
    assert "**For professionals:** Hold LDN 1–2 days pre-operatively." in surgery["description"]


def test_what_fhir_cannot_structure_is_stated_exactly_in_words(bundle):
    liver = _by_identifier(bundle, "ClinicalUseDefinition", "liver-disease-full-dose")

    assert liver["warning"]["code"]["text"] == (
        "Liver disease; together with taking a medicine of the class “thyroid-hormone”; only when none of "
        "these is stated: Organ transplant; at a dose of 50 mg or more of Low-dose naltrexone (LDN)"
    )


def test_rules_and_side_effects_link_their_citations(bundle):
    liver = _by_identifier(bundle, "ClinicalUseDefinition", "liver-disease-full-dose")
    artifacts = [x["valueRelatedArtifact"] for x in liver["extension"]]

    assert {x["url"] for x in liver["extension"]} == {fhir.RELATED_ARTIFACT_EXTENSION}
    assert [a["label"] for a in artifacts] == ["2", "4"]
    cited = [_resolve(bundle, a["resourceReference"]["reference"]) for a in artifacts]
    assert [c["identifier"][0]["value"] for c in cited] == ["bihari2021", "elsegood2016"]

    effects = [
        r for r in _resources(bundle, "ClinicalUseDefinition") if r["type"] == "undesirable-effect"
    ]
    assert effects[0]["undesirableEffect"] == {
        "symptomConditionEffect": {"concept": {"text": "Vivid dreams"}},
        "frequencyOfOccurrence": {"text": "Common early on, usually passes"},
    }
    assert "frequencyOfOccurrence" not in effects[1]["undesirableEffect"]  # not stated: left out
    assert "How common: not stated in the sources" in effects[1]["text"]["div"]
    assert len(effects[1]["extension"]) == 2


def test_a_protocol_keeps_its_ranges_of_days(bundle):
    plan = _by_identifier(bundle, "PlanDefinition", "three-step-schedule")
    steps = [_activity(bundle, a["definitionCanonical"]) for a in plan["action"]]
    repeats = [s["dosage"][0]["timing"]["repeat"] for s in steps]
    doses = [s["dosage"][0]["doseAndRate"][0]["doseQuantity"] for s in steps]

    assert plan["type"]["coding"][0]["code"] == "clinical-protocol"
    assert [d["value"] for d in doses] == [1.5, 3, 4.5] and {d["code"] for d in doses} == {"mg"}
    assert repeats[0]["boundsRange"] == {
        "low": {"value": 7, "unit": "days", "system": "http://unitsofmeasure.org", "code": "d"},
        "high": {"value": 14, "unit": "days", "system": "http://unitsofmeasure.org", "code": "d"},
    }
    assert repeats[1]["boundsDuration"]["value"] == 7 and "boundsRange" not in repeats[1]
    assert not any(k.startswith("bounds") for k in repeats[2])  # open-ended: the prescriber decides
    assert all(r["frequency"] == 1 and r["period"] == 1 and r["periodUnit"] == "d" for r in repeats)
    assert all(r["when"] == ["HS"] for r in repeats)  # "at bedtime"
    assert steps[0]["dosage"][0]["text"] == "1.5 mg once a day at bedtime for 7 to 14 days"
    assert [a.get("relatedAction") for a in plan["action"]] == [
        None,
        [{"targetId": "step-1", "relationship": "after-end"}],
        [{"targetId": "step-2", "relationship": "after-end"}],
    ]
    assert plan["relatedArtifact"][0]["resourceReference"]["display"].startswith(
        "Lavender Sky Health"
    )


def _activity(bundle: dict[str, Any], canonical: str) -> dict[str, Any]:
    return next(r for r in _resources(bundle, "ActivityDefinition") if r["url"] == canonical)


def test_a_start_dose_the_source_leaves_open_is_not_filled_in(bundle):
    plan = _by_identifier(bundle, "PlanDefinition", "weekly-1-mg-steps")
    first, target = (_activity(bundle, a["definitionCanonical"]) for a in plan["action"])

    assert "doseAndRate" not in first["dosage"][0]
    assert first["dosage"][0]["text"].startswith(
        "Start dose: not stated by the source; the prescriber gives it."
    )
    assert "add 1 mg every 7 days" in first["dosage"][0]["text"]
    assert first["dosage"][0]["maxDosePerAdministration"]["value"] == 4.5
    assert plan["usage"].startswith("The source does not state a start dose")
    assert target["dosage"][0]["doseAndRate"][0]["doseQuantity"]["value"] == 4.5


def test_a_stated_start_expands_to_the_sources_own_steps(bundle):
    plan = _by_identifier(bundle, "PlanDefinition", "stated-start")
    steps = [_activity(bundle, a["definitionCanonical"])["dosage"][0] for a in plan["action"]]

    assert [s["doseAndRate"][0]["doseQuantity"]["value"] for s in steps] == [2, 3, 4]
    assert [s["timing"]["repeat"].get("boundsDuration", {}).get("value") for s in steps] == [
        7,
        7,
        None,
    ]
    assert "when" not in steps[0]["timing"]["repeat"]  # "in the morning" has no exact event code
    assert plan["useContext"][0]["valueCodeableConcept"] == {"text": "Hashimoto's thyroiditis"}
    # A source the record does not list is still cited, by its text, with no dangling reference.
    assert plan["relatedArtifact"] == [
        {
            "type": "citation",
            "label": "not-in-the-record",
            "citation": "A source the record does not list.",
        }
    ]


def test_a_citation_carries_its_identifiers_authors_and_journal(bundle):
    bolton = _by_identifier(bundle, "Citation", "bolton2019")
    artifact = bolton["citedArtifact"]

    assert bolton["status"] == "active"
    assert bolton["identifier"] == [{"system": f"{BASE}/api/v1/references", "value": "bolton2019"}]
    assert [(i["system"], i["value"]) for i in artifact["identifier"]] == [
        ("https://doi.org", "10.1186/s12916-018-1242-0"),
        ("https://pubmed.ncbi.nlm.nih.gov", "30642329"),
        ("https://www.ncbi.nlm.nih.gov/pmc", "PMC6332608"),
    ]
    assert artifact["title"] == [
        {
            "text": "Serious adverse events reported in placebo randomised controlled trials of oral naltrexone"
        }
    ]
    assert [e["contributor"]["display"] for e in artifact["contributorship"]["entry"]] == [
        "Bolton M",
        "Hodkinson A",
    ]
    assert artifact["contributorship"]["complete"] is False  # "et al." in the source's list
    form = artifact["publicationForm"][0]
    assert form == {
        "publishedIn": {"title": "BMC Medicine"},
        "volume": "17",
        "issue": "1",
        "articleDate": "2019-01-15",
        "pageString": "10",
    }
    assert bolton["summary"][0]["text"] == REFERENCES[0].citation

    bihari = _by_identifier(bundle, "Citation", "bihari2021")["citedArtifact"]
    assert (
        bihari["publicationForm"][0]["articleDate"] == "2021-02"
        and bihari["dateAccessed"] == "2021-09-19"
    )
    book = _by_identifier(bundle, "Citation", "elsegood2016")["citedArtifact"]
    assert book["contributorship"]["entry"][0]["role"] == {"text": "editor"}
    assert book["version"] == {"value": "1"}


def test_evidence_keeps_design_population_direction_and_the_pdq_level(bundle):
    trial, animal = _resources(bundle, "Evidence")

    assert trial["studyDesign"] == [{"text": "Randomised trial, double-blind"}]
    roles = {v["variableRole"]["coding"][0]["code"]: v for v in trial["variableDefinition"]}
    assert set(roles) == {"population", "exposure", "measuredVariable"}
    assert (
        roles["population"]["description"]
        == "people with high-grade glioma starting chemoradiation"
    )
    assert roles["population"]["note"] == [{"text": "Cancer types: brain cancer"}]
    assert roles["exposure"]["description"] == "LDN vs placebo; dose: 4.5 mg nightly for 16 weeks"
    assert roles["measuredVariable"]["description"] == "Quality of life"
    # The participants are the only figure given as a statistic; the effect stays in words.
    assert trial["statistic"] == [{"sampleSize": {"numberOfParticipants": 110}}]
    assert trial["assertion"] == "Direction of the result: no effect."
    assert trial["certainty"][0]["rating"] == {"text": "1iC"}
    assert trial["certainty"][0]["type"] == {"text": "NCI PDQ level of evidence"}
    assert (
        _resolve(bundle, trial["relatedArtifact"][0]["resourceReference"]["reference"])[
            "identifier"
        ][0]["value"]
        == "bolton2019"
    )

    assert "statistic" not in animal and "rating" not in animal["certainty"][0]
    assert animal["certainty"][0]["description"] == "not scored: PDQ scores human studies only"
    assert animal["assertion"] == "Direction of the result: harm."
    assert animal["note"] == [{"text": "A harm signal from animal research."}]


def test_the_therapy_is_the_subject_and_never_called_safe(bundle):
    therapy = _resources(bundle, "MedicinalProductDefinition")[0]

    assert therapy["name"] == [{"productName": "Low-dose naltrexone (LDN)"}]
    assert therapy["ingredient"] == [{"text": "naltrexone"}]
    assert not re.search(r"\bsafe\b", json.dumps(bundle), re.IGNORECASE)


def test_a_record_with_nothing_but_its_name_is_still_a_valid_bundle():
    bare = _record(
        evidence=(),
        side_effects=(),
        rules=(),
        protocols=(),
        references=(),
        contributors=(),
        active_ingredients=(),
        published=None,
        last_update=None,
        revision=0,
    )

    data = fhir.review_bundle(bare, BASE)

    assert_valid_bundle(data)
    assert [e["resource"]["resourceType"] for e in data["entry"]] == [
        "MedicinalProductDefinition",
        "CodeSystem",
    ]


def test_the_module_imports_no_web_framework():
    code = (
        "import json, sys, carechoices.therapies.fhir\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'wagtail', 'ninja'))))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[3])

    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []
