"""FHIR R4 resources and CDS Hooks requests for tests, as EHRs send them (invented data)."""

from __future__ import annotations

import copy
import datetime
import itertools
import uuid
from typing import Any

RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
SNOMED = "http://snomed.info/sct"
PATIENT = "p-1001"
_ids = itertools.count(1)


def _id(prefix: str) -> str:
    return f"{prefix}-{next(_ids)}"


def concept(display: str | None = None, *, text: str | None = None, system: str = RXNORM, code: str = "0000") -> dict:
    coding: dict[str, Any] = {"system": system, "code": code}
    if display is not None:
        coding["display"] = display
    result: dict[str, Any] = {"coding": [coding]}
    if text is not None:
        result["text"] = text
    return result


def dose(mg: float | None) -> list[dict]:
    if mg is None:
        return []
    return [{"doseAndRate": [{"doseQuantity": {"value": mg, "unit": "mg", "system": "http://unitsofmeasure.org", "code": "mg"}}]}]


def med_request(display: str | None = None, *, text: str | None = None, code: str = "0000", status: str = "active",
                dose_mg: float | None = None, rid: str | None = None) -> dict:
    resource = {
        "resourceType": "MedicationRequest",
        "id": rid or _id("rx"),
        "status": status,
        "intent": "order",
        "subject": {"reference": f"Patient/{PATIENT}"},
        "medicationCodeableConcept": concept(display, text=text, code=code),
    }
    if dose_mg is not None:
        resource["dosageInstruction"] = dose(dose_mg)
    return resource


def draft(display: str | None = None, **kwargs: Any) -> dict:
    kwargs.setdefault("status", "draft")
    return med_request(display, **kwargs)


def statement(display: str | None = None, *, text: str | None = None, status: str = "active",
              dose_mg: float | None = None) -> dict:
    resource = {
        "resourceType": "MedicationStatement",
        "id": _id("ms"),
        "status": status,
        "subject": {"reference": f"Patient/{PATIENT}"},
        "medicationCodeableConcept": concept(display, text=text),
    }
    if dose_mg is not None:
        resource["dosage"] = dose(dose_mg)
    return resource


def condition(display: str, *, code: str = "0", clinical: str = "active") -> dict:
    return {
        "resourceType": "Condition",
        "id": _id("cond"),
        "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": clinical}]},
        "subject": {"reference": f"Patient/{PATIENT}"},
        "code": concept(display, system=SNOMED, code=code),
    }


def surgery(display: str, day: datetime.date | None, *, surgical_category: bool = True, status: str = "active") -> dict:
    resource: dict[str, Any] = {
        "resourceType": "ServiceRequest",
        "id": _id("sr"),
        "status": status,
        "intent": "order",
        "subject": {"reference": f"Patient/{PATIENT}"},
        "code": concept(display, system=SNOMED, code="1"),
    }
    if surgical_category:
        resource["category"] = [{"coding": [{"system": SNOMED, "code": "387713003", "display": "Surgical procedure"}]}]
    if day is not None:
        resource["occurrenceDateTime"] = f"{day.isoformat()}T08:30:00+01:00"
    return resource


def bundle(*resources: dict, kind: str | None = "searchset") -> dict:
    result: dict[str, Any] = {"resourceType": "Bundle", "entry": [{"resource": r} for r in resources]}
    if kind is not None:
        result["type"] = kind
    return result


def cds_request(
    hook: str,
    *,
    drafts: list[dict] | None = None,
    medications: list[dict] | None = None,
    statements: list[dict] | None = None,
    conditions: list[dict] | None = None,
    procedures: list[dict] | None = None,
    selections: list[str] | None = None,
    prefetch: dict[str, Any] | None = None,
) -> dict:
    """A request with every required prefetch key (empty Bundles unless given).

    ``prefetch`` replaces keys (a value of ``...`` leaves the key out altogether).
    """
    context: dict[str, Any] = {"userId": "Practitioner/example", "patientId": PATIENT}
    if hook in ("order-select", "order-sign"):
        context["draftOrders"] = bundle(*(drafts or []), kind="collection")
    if selections is not None:
        context["selections"] = selections
    values: dict[str, Any] = {
        "medications": bundle(*(medications or [])),
        "statements": bundle(*(statements or [])),
        "conditions": bundle(*(conditions or [])),
        "procedures": bundle(*(procedures or [])),
    }
    for key, value in (prefetch or {}).items():
        if value is ...:
            values.pop(key, None)
        else:
            values[key] = value
    return {"hook": hook, "hookInstance": str(uuid.uuid4()), "context": context, "prefetch": values}


def ldn_draft(mg: float = 4.5, **kwargs: Any) -> dict:
    kwargs.setdefault("rid", "draft-ldn")
    return draft("naltrexone 4.5 MG Oral Capsule" if mg == 4.5 else f"naltrexone hydrochloride {mg:g} MG Oral Tablet",
                 dose_mg=mg, **kwargs)


def wrapped(context_example: dict, hook: str) -> dict:
    """An HL7 library ``{"context": …}`` example as a request with our (empty) prefetch."""
    request = cds_request(hook)
    request["context"] = copy.deepcopy(context_example["context"])
    return request
