"""Read the chart and the draft orders out of a CDS Hooks request, tolerantly (FHIR R4, mostly).

What the screen needs is small: names of medicines (with a dose when one is stated), names of
conditions, and planned surgery with its date. Everything is read from plain JSON, not through a
strict FHIR model, because real clients send resources a validator refuses: a Bundle without
``type``, ``category`` as one object instead of a list, no ``intent``, entries without a
``resource``, STU3/DSTU2 shapes (``MedicationOrder``, ``doseQuantity`` right on the dosage).

Nothing that could matter is dropped silently. What cannot be read becomes a :class:`Gap`
("not checked: …"), named on an info card exactly like an unrecognised entry of the public screen:
an entry without a resource, a medicine with only a code we cannot resolve (no offline RxNorm;
our index holds NDC product and UNII substance *names*, not their codes), a planned procedure we
cannot tell is surgery or not, a paginated prefetch, an error the client reported. Ended items
(a stopped medicine, a resolved condition, a completed procedure) are read past: they are not
active, which is what the prefetch asked for.

Medicine names are tried in this order: each coding's ``display``, then the concept's ``text``
(``Medication`` resources referenced or contained are followed; their ingredient names are a last
resort). The screen layer picks the first name the vocabulary recognises.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from carechoices.cds.services import PREFETCH_WORDS

# --------------------------------------------------------------------------------------------
# Limits: a chart bigger than this is read up to the limit and the rest is named as not checked.
# --------------------------------------------------------------------------------------------
MAX_MEDICINES: Final[int] = 200
MAX_CONDITIONS: Final[int] = 200
MAX_PROCEDURES: Final[int] = 100
MAX_ENTRIES_PER_KEY: Final[int] = 2000
MAX_TEXT: Final[int] = 500
MAX_YEARS: Final[int] = 10

SYSTEM_NAMES: Final[dict[str, str]] = {
    "http://www.nlm.nih.gov/research/umls/rxnorm": "RxNorm",
    "http://hl7.org/fhir/sid/ndc": "NDC",
    "http://snomed.info/sct": "SNOMED CT",
    "http://fdasis.nlm.nih.gov": "UNII",
    "http://loinc.org": "LOINC",
    "http://hl7.org/fhir/sid/icd-10": "ICD-10",
    "http://hl7.org/fhir/sid/icd-10-cm": "ICD-10-CM",
    "http://www.whocc.no/atc": "ATC",
    "http://www.ama-assn.org/go/cpt": "CPT",
}
LOINC: Final[str] = "http://loinc.org"

#: Statuses of an order, statement, condition or procedure that mean it is over or void.
ENDED_STATUSES: Final[frozenset[str]] = frozenset(
    {"cancelled", "completed", "entered-in-error", "stopped", "not-taken", "revoked", "not-done"}
)
INACTIVE_CLINICAL: Final[frozenset[str]] = frozenset({"inactive", "remission", "resolved"})
VOID_VERIFICATION: Final[frozenset[str]] = frozenset({"refuted", "entered-in-error"})

#: SNOMED CT codes of the FHIR ServiceRequest/Procedure category example value sets.
SURGICAL_CATEGORY: Final[str] = "387713003"
NON_SURGICAL_CATEGORIES: Final[frozenset[str]] = frozenset(
    {"108252007", "363679005", "409063005", "409073007"}  # laboratory, imaging, counselling, education
)
_SURGERY_WORDS: Final[re.Pattern[str]] = re.compile(
    r"\b(surgery|surgical|operation|operative|resection|excision|amputation|transplant\w*|"
    r"laparoscop\w*|arthroscop\w*|thoracoscop\w*)\b|\w(ectomy|otomy|ostomy|plasty|pexy|rrhaphy)\b",
    re.IGNORECASE,
)
_NON_SURGICAL_WORDS: Final[re.Pattern[str]] = re.compile(
    r"\b(laborator\w*|lab|panel|blood|serum|urine|test|assay|culture|imaging|x-?ray|radiograph\w*|"
    r"ct|mri|ultrasound|scan|mammogra\w*|echocardiogra\w*|ecg|ekg|counsel\w*|education|referral|"
    r"consult\w*|physiotherapy|physical therapy|nutrition|diet\w*)\b",
    re.IGNORECASE,
)
_MASS_UNITS: Final[dict[str, float]] = {
    "mg": 1.0,
    "milligram": 1.0,
    "milligrams": 1.0,
    "g": 1000.0,
    "gram": 1000.0,
    "grams": 1000.0,
    "ug": 0.001,
    "mcg": 0.001,
    "µg": 0.001,
    "microgram": 0.001,
    "micrograms": 0.001,
}
_COUNT_UNITS: Final[frozenset[str]] = frozenset(
    {
        "1",
        "{tablet}",
        "{tbl}",
        "tablet",
        "tablets",
        "tab",
        "tabs",
        "{capsule}",
        "{cap}",
        "capsule",
        "capsules",
        "cap",
        "caps",
        "{each}",
        "each",
        "ea",
    }
)
_DATE: Final[re.Pattern[str]] = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


@dataclass(frozen=True)
class Gap:
    """Something that could not be read or checked, in words for a card.

    ``topic`` says what it concerns ("medicine", "condition", "procedure"): a medicine gap can hide
    a reviewed therapy, so it is always shown; the others only when a therapy was screened.
    """

    topic: str
    text: str


@dataclass(frozen=True)
class MedicineEntry:
    """One medicine on the chart or ordered: its candidate names, best first, and its dose."""

    names: tuple[str, ...]
    where: str  # "order", "statement", "draft order" (for cards)
    ref: str = ""  # "MedicationRequest/123" when the resource has an id
    dose_mg: float | None = None  # per administration, stated as a mass
    dose_units: float | None = None  # per administration, stated as tablets/capsules
    codes: tuple[str, ...] = ()  # "RxNorm code 1049621", for naming an unreadable entry
    shown: str = ""  # the name as the EHR shows it (the concept's text), when given

    @property
    def label(self) -> str:
        if self.shown:
            return self.shown
        if self.names:
            return self.names[0]
        return ", ".join(self.codes) if self.codes else "a medicine with no name or code"


@dataclass(frozen=True)
class ConditionEntry:
    names: tuple[str, ...]
    codes: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        if self.names:
            return self.names[0]
        return ", ".join(self.codes) if self.codes else "a condition with no name or code"


@dataclass(frozen=True)
class ProcedureEntry:
    """A planned procedure that is surgery (``date`` when stated to the day)."""

    label: str
    date: datetime.date | None
    ref: str = ""


@dataclass
class Chart:
    """What the prefetch says about the patient, and what could not be read."""

    medicines: list[MedicineEntry] = field(default_factory=list)
    conditions: list[ConditionEntry] = field(default_factory=list)
    procedures: list[ProcedureEntry] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    #: Counts of what was read, for "checked against" sentences.
    counted: dict[str, int] = field(default_factory=dict)

    def gap(self, topic: str, text: str) -> None:
        if Gap(topic, text) not in self.gaps:
            self.gaps.append(Gap(topic, text))


@dataclass(frozen=True)
class DraftOrder:
    """One order of ``draftOrders``: a medicine, a surgery, or something we do not screen."""

    ref: str
    medicine: MedicineEntry | None = None
    procedure: ProcedureEntry | None = None


class PrefetchError(ValueError):
    """A required prefetch key is absent or the client reported an error for it (→ 412)."""

    def __init__(self, keys: list[str], why: str) -> None:
        self.keys = keys
        self.why = why
        super().__init__(f"{', '.join(keys)}: {why}")


# --------------------------------------------------------------------------------------------
# Small readers
# --------------------------------------------------------------------------------------------


def clean(value: object) -> str:
    """A display text: control characters become spaces (invisible format characters go), runs
    of space one space."""
    if not isinstance(value, str):
        return ""
    if value.isascii() and value.isprintable():  # nothing to replace: the usual case
        return " ".join(value[: MAX_TEXT * 2].split())[:MAX_TEXT]
    text = "".join(
        "" if unicodedata.category(char) == "Cf" else " " if unicodedata.category(char) in ("Cc", "Zl", "Zp", "Cs") else char
        for char in value[: MAX_TEXT * 2]
    )
    return " ".join(text.split())[:MAX_TEXT]


def as_list(value: object) -> list[Any]:
    """A FHIR repeating element, also when a client sent one object instead of a list."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def _dicts(value: object) -> list[dict[str, Any]]:
    return [item for item in as_list(value) if isinstance(item, dict)]


def concept_names(concept: object) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(names, codes) of a CodeableConcept: each coding's display, then the text; codes in words."""
    names: list[str] = []
    codes: list[str] = []
    if isinstance(concept, str):  # a client that sent just a string
        text = clean(concept)
        return ((text,) if text else ()), ()
    if not isinstance(concept, dict):
        return (), ()
    for coding in _dicts(concept.get("coding")):
        display = clean(coding.get("display"))
        if display:
            names.append(display)
        code = clean(coding.get("code"))
        if code:
            system = clean(coding.get("system"))
            codes.append(f"{SYSTEM_NAMES.get(system, system or 'code system not given')} code {code}")
    text = clean(concept.get("text"))
    if text:
        names.append(text)
    unique = list(dict.fromkeys(names))
    seen: set[str] = set()
    folded = []
    for name in unique:  # the same name in other capitals counts once
        if name.casefold() not in seen:
            seen.add(name.casefold())
            folded.append(name)
    return tuple(folded), tuple(dict.fromkeys(codes))


def _status(resource: Mapping[str, Any], name: str = "status") -> str:
    value = resource.get(name)
    if isinstance(value, str):
        return value.strip().lower()
    if isinstance(value, dict):  # a CodeableConcept (Condition.clinicalStatus in R4)
        for coding in _dicts(value.get("coding")):
            if isinstance(coding.get("code"), str):
                return coding["code"].strip().lower()
        if isinstance(value.get("text"), str):
            return value["text"].strip().lower()
    return ""


def _ref(resource: Mapping[str, Any]) -> str:
    kind, rid = resource.get("resourceType"), resource.get("id")
    if isinstance(kind, str) and isinstance(rid, str) and rid:
        return f"{kind}/{rid}"
    return ""


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if 0 < number < 1e9 else None


def quantity_dose(quantity: object) -> tuple[float | None, float | None]:
    """(mg, units) of a dose Quantity: a mass converted to mg, or a count of tablets/capsules."""
    if not isinstance(quantity, dict):
        return None, None
    value = _number(quantity.get("value"))
    if value is None:
        return None, None
    for unit in (quantity.get("code"), quantity.get("unit")):
        if not isinstance(unit, str):
            continue
        key = unit.strip().lower()
        if key in _MASS_UNITS:
            return value * _MASS_UNITS[key], None
        if key in _COUNT_UNITS:
            return None, value
    return None, None


def dosage_dose(dosages: object) -> tuple[float | None, float | None]:
    """The largest dose per administration in a list of Dosage (mg first, else units)."""
    doses_mg: list[float] = []
    doses_units: list[float] = []
    for dosage in _dicts(dosages):
        quantities = [dosage.get("doseQuantity")]  # STU3 / DSTU2
        range_ = dosage.get("doseRange")
        for rate in _dicts(dosage.get("doseAndRate")):  # R4: a list (or, from some clients, one object)
            quantities.append(rate.get("doseQuantity"))
            range_ = range_ or rate.get("doseRange")
        if isinstance(range_, dict):
            quantities.append(range_.get("high") or range_.get("low"))
        for quantity in quantities:
            dose_mg, units = quantity_dose(quantity)
            if dose_mg is not None:
                doses_mg.append(dose_mg)
            if units is not None:
                doses_units.append(units)
    return (max(doses_mg) if doses_mg else None), (max(doses_units) if doses_units else None)


def fhir_date(value: object, today: datetime.date) -> tuple[datetime.date | None, str]:
    """The calendar day of a FHIR date/dateTime as written, and a problem in words (or "")."""
    if not isinstance(value, str) or not value.strip():
        return None, ""
    match = _DATE.match(value.strip())
    if not match:
        return None, "its date is not given to the day"
    try:
        day = datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None, "its date is not a real calendar date"
    if abs(day.year - today.year) > MAX_YEARS:
        return None, f"its date is more than {MAX_YEARS} years from today"
    return day, ""


# --------------------------------------------------------------------------------------------
# Prefetch values and bundles
# --------------------------------------------------------------------------------------------


def _is_error_outcome(resource: Mapping[str, Any]) -> bool:
    return any(
        isinstance(issue.get("severity"), str) and issue["severity"] in ("error", "fatal")
        for issue in _dicts(resource.get("issue"))
    )


def bundle_resources(value: object, key: str, chart: Chart) -> list[dict[str, Any]]:
    """The resources of one prefetch value (a Bundle, one resource or, tolerated, a list)."""
    words = PREFETCH_WORDS.get(key, key)
    if isinstance(value, list):
        entries: list[Any] = [{"resource": item} for item in value]
    elif isinstance(value, dict) and value.get("resourceType") == "Bundle":
        entries = as_list(value.get("entry"))
        if any(
            isinstance(link, dict) and link.get("relation") == "next" for link in as_list(value.get("link"))
        ):
            chart.gap(_topic(key), f"{words}: the EHR sent only the first page of results")
    elif isinstance(value, dict) and isinstance(value.get("resourceType"), str):
        entries = [{"resource": value}]
    else:
        chart.gap(_topic(key), f"{words}: the EHR sent something that is not a FHIR resource")
        return []
    resources = []
    for position, entry in enumerate(entries):
        if position >= MAX_ENTRIES_PER_KEY:
            chart.gap(_topic(key), f"{words}: {len(entries) - position} more entries (over {MAX_ENTRIES_PER_KEY})")
            break
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict):
            chart.gap(_topic(key), f"{words}: an entry with no resource in it")
            continue
        if resource.get("resourceType") == "OperationOutcome":
            if _is_error_outcome(resource):
                chart.gap(_topic(key), f"{words}: the EHR reported an error, so the list may be incomplete")
            continue
        resources.append(resource)
    return resources


def _topic(key: str) -> str:
    if key in ("medications", "statements", "draftOrders"):
        return "medicine"
    if key == "conditions":
        return "condition"
    return "procedure"


def _for_other_patient(resource: Mapping[str, Any], patient_id: str) -> bool:
    if not patient_id:
        return False
    for name in ("subject", "patient"):
        subject = resource.get(name)
        if isinstance(subject, dict) and isinstance(subject.get("reference"), str):
            reference = subject["reference"].strip()
            if reference.startswith("Patient/") or "/Patient/" in reference:
                return reference.rsplit("/", 1)[-1] != patient_id
    return False


# --------------------------------------------------------------------------------------------
# Medicines
# --------------------------------------------------------------------------------------------


class _MedicationIndex:
    """Medication resources a request refers to: contained, or elsewhere in the same payload."""

    def __init__(self, resources: Iterable[Mapping[str, Any]]) -> None:
        self._by_ref: dict[str, Mapping[str, Any]] = {}
        for resource in resources:
            if resource.get("resourceType") == "Medication" and isinstance(resource.get("id"), str):
                self._by_ref[f"Medication/{resource['id']}"] = resource

    def resolve(self, reference: object, holder: Mapping[str, Any]) -> Mapping[str, Any] | None:
        if not isinstance(reference, dict) or not isinstance(reference.get("reference"), str):
            return None
        target = reference["reference"].strip()
        if target.startswith("#"):
            for contained in _dicts(holder.get("contained")):
                if contained.get("resourceType") == "Medication" and contained.get("id") == target[1:]:
                    return contained
            return None
        key = "Medication/" + target.rsplit("/", 1)[-1] if "Medication/" in target else target
        return self._by_ref.get(key)


def _medication_names(
    resource: Mapping[str, Any], medications: _MedicationIndex
) -> tuple[tuple[str, ...], tuple[str, ...], str]:
    """(names, codes, problem) of the medicine a MedicationRequest/Statement/Order is about.

    ``names`` lists the codings' displays first, then the text (the last name when given).
    """
    concept: object = resource.get("medicationCodeableConcept")
    reference: object = resource.get("medicationReference")
    medication = resource.get("medication")  # R5 CodeableReference
    if concept is None and isinstance(medication, dict):
        if "concept" in medication:
            concept = medication["concept"]
        elif "reference" in medication:
            reference = medication["reference"]
        elif "coding" in medication or "text" in medication:
            concept = medication
    if concept is not None:
        names, codes = concept_names(concept)
        return names, codes, ""
    if reference is not None:
        target = medications.resolve(reference, resource)
        if target is None:
            shown = reference.get("display") if isinstance(reference, dict) else None
            if isinstance(shown, str) and clean(shown):
                return (clean(shown),), (), ""
            return (), (), "it names its medicine only by a reference that was not sent"
        names, codes = concept_names(target.get("code"))
        if not names:  # a compounded product may be described only by its ingredients
            parts = [concept_names(item.get("itemCodeableConcept") or (item.get("item") or {}).get("concept"))[0]
                     for item in _dicts(target.get("ingredient"))]
            if parts and all(parts):
                names = (" + ".join(part[0] for part in parts),)
        return names, codes, ""
    return (), (), "it names no medicine"


def _medicine_entry(
    resource: Mapping[str, Any], where: str, medications: _MedicationIndex
) -> tuple[MedicineEntry, str]:
    names, codes, problem = _medication_names(resource, medications)
    dose_mg, dose_units = dosage_dose(resource.get("dosageInstruction") or resource.get("dosage"))
    concept = resource.get("medicationCodeableConcept")
    if concept is None and isinstance(resource.get("medication"), dict):
        concept = resource["medication"].get("concept")
    shown = clean(concept.get("text")) if isinstance(concept, dict) else ""
    entry = MedicineEntry(
        names=names, where=where, ref=_ref(resource), dose_mg=dose_mg, dose_units=dose_units, codes=codes,
        shown=shown,
    )
    return entry, problem


def _add_medicine(chart: Chart, entry: MedicineEntry, problem: str, words: str) -> None:
    if problem or not entry.names:
        why = problem or "no name we can read is given"
        chart.gap("medicine", f"{entry.label} ({words}): {why}")
        return
    if len(chart.medicines) >= MAX_MEDICINES:
        chart.gap("medicine", f"{entry.label} ({words}): over the limit of {MAX_MEDICINES} medicines")
        return
    chart.medicines.append(entry)


# --------------------------------------------------------------------------------------------
# Procedures
# --------------------------------------------------------------------------------------------


def surgery_kind(resource: Mapping[str, Any], names: tuple[str, ...], codes_system: Iterable[str]) -> str:
    """"surgery", "other" (clearly not surgery) or "unknown" for a ServiceRequest/Procedure."""
    categories = _dicts(resource.get("category"))
    category_codes = {
        coding.get("code") for category in categories for coding in _dicts(category.get("coding"))
    }
    category_words = " ".join(
        [clean(category.get("text")) for category in categories]
        + [clean(coding.get("display")) for category in categories for coding in _dicts(category.get("coding"))]
    )
    if SURGICAL_CATEGORY in category_codes or re.search(r"surg", category_words, re.IGNORECASE):
        return "surgery"
    if any(_SURGERY_WORDS.search(name) for name in names):
        return "surgery"
    if category_codes & NON_SURGICAL_CATEGORIES or _NON_SURGICAL_WORDS.search(category_words):
        return "other"
    if LOINC in codes_system:
        return "other"
    if names and all(_NON_SURGICAL_WORDS.search(name) for name in names):
        return "other"
    return "unknown"


def _procedure_date(resource: Mapping[str, Any]) -> object:
    for name in ("occurrenceDateTime", "performedDateTime", "scheduledDateTime"):
        if isinstance(resource.get(name), str):
            return resource[name]
    for name in ("occurrencePeriod", "performedPeriod", "scheduledPeriod"):
        period = resource.get(name)
        if isinstance(period, dict) and isinstance(period.get("start"), str):
            return period["start"]
    timing = resource.get("occurrenceTiming")
    if isinstance(timing, dict):
        events = [event for event in as_list(timing.get("event")) if isinstance(event, str)]
        if events:
            return sorted(events)[0]
        bounds = (timing.get("repeat") or {}).get("boundsPeriod") if isinstance(timing.get("repeat"), dict) else None
        if isinstance(bounds, dict) and isinstance(bounds.get("start"), str):
            return bounds["start"]
    return None


def read_procedure(
    resource: Mapping[str, Any], today: datetime.date, where: str, chart: Chart
) -> ProcedureEntry | None:
    """A surgery entry; None for a procedure that is clearly not surgery (a blood test, a scan)."""
    concept = resource.get("code")
    names, codes = concept_names(concept)
    systems = {clean(coding.get("system")) for coding in _dicts((concept or {}).get("coding"))} if isinstance(concept, dict) else set()
    kind = surgery_kind(resource, names, systems)
    label = names[0] if names else (", ".join(codes) if codes else "a procedure with no name or code")
    if kind == "other":
        return None
    if kind == "unknown":
        chart.gap("procedure", f"{label} ({where}): we could not tell whether it is surgery")
        return None
    day, problem = fhir_date(_procedure_date(resource), today)
    if problem:
        chart.gap("procedure", f"{label} ({where}): {problem}, so no stop dates could be worked out")
    return ProcedureEntry(label=label, date=day, ref=_ref(resource))


# --------------------------------------------------------------------------------------------
# The chart (prefetch)
# --------------------------------------------------------------------------------------------

_MEDICINE_TYPES: Final[dict[str, str]] = {
    "MedicationRequest": "active order",
    "MedicationOrder": "active order",
    "MedicationStatement": "reported by the patient",
}
_PROCEDURE_TYPES: Final[frozenset[str]] = frozenset({"ServiceRequest", "Procedure", "ProcedureRequest"})


def read_chart(
    prefetch: Mapping[str, Any],
    *,
    patient_id: str,
    today: datetime.date,
    skip_refs: frozenset[str] = frozenset(),
) -> Chart:
    """Read every prefetch key we asked for. ``skip_refs``: the draft orders (not yet active).

    A key that is ``null`` means the client has no data for it: said as a gap, so the answer can
    never be "no known concerns". Absent required keys are checked before (``require_prefetch``).
    """
    chart = Chart()
    all_resources: dict[str, list[dict[str, Any]]] = {}
    for key in PREFETCH_WORDS:
        if key not in prefetch:
            continue
        value = prefetch[key]
        if value is None:
            chart.gap(_topic(key), f"{PREFETCH_WORDS[key]}: the EHR sent no data (the prefetch was null)")
            continue
        all_resources[key] = bundle_resources(value, key, chart)
    medications = _MedicationIndex(r for resources in all_resources.values() for r in resources)
    other_patient = 0
    counted = {"medicines": 0, "conditions": 0, "procedures": 0}
    for key, resources in all_resources.items():
        for resource in resources:
            kind = resource.get("resourceType")
            if _for_other_patient(resource, patient_id):
                other_patient += 1
                continue
            if _ref(resource) in skip_refs:
                continue
            if kind in _MEDICINE_TYPES and key in ("medications", "statements"):
                if _status(resource) in ENDED_STATUSES or (kind != "MedicationStatement" and _status(resource) == "draft"):
                    continue
                entry, problem = _medicine_entry(resource, _MEDICINE_TYPES[kind], medications)
                _add_medicine(chart, entry, problem, _MEDICINE_TYPES[kind])
                counted["medicines"] += 1
            elif kind == "Condition" and key == "conditions":
                if _status(resource, "clinicalStatus") in INACTIVE_CLINICAL:
                    continue
                if _status(resource, "verificationStatus") in VOID_VERIFICATION:
                    continue
                names, codes = concept_names(resource.get("code"))
                entry = ConditionEntry(names=names, codes=codes)
                counted["conditions"] += 1
                if not names:
                    chart.gap("condition", f"{entry.label} (condition): no name we can read is given")
                elif len(chart.conditions) >= MAX_CONDITIONS:
                    chart.gap("condition", f"{entry.label} (condition): over the limit of {MAX_CONDITIONS}")
                else:
                    chart.conditions.append(entry)
            elif kind in _PROCEDURE_TYPES and key in ("procedures", "plannedProcedures"):
                if _status(resource) in ENDED_STATUSES:
                    continue
                counted["procedures"] += 1
                procedure = read_procedure(resource, today, "planned", chart)
                if procedure is not None:
                    if len(chart.procedures) >= MAX_PROCEDURES:
                        chart.gap("procedure", f"{procedure.label}: over the limit of {MAX_PROCEDURES} procedures")
                    elif procedure not in chart.procedures:
                        chart.procedures.append(procedure)
            # Anything else (a Medication read for references, a Patient a client added) is not
            # something our templates asked for.
    if other_patient:
        chart.gap("medicine", f"{other_patient} resource(s) for a different patient were ignored")
    chart.counted = counted
    return chart


def require_prefetch(prefetch: Mapping[str, Any] | None, required: Iterable[str]) -> dict[str, Any]:
    """The prefetch object, or ``PrefetchError`` naming the required keys that are missing or failed."""
    prefetch = prefetch or {}
    missing = [key for key in required if key not in prefetch]
    if missing:
        raise PrefetchError(missing, "required prefetch was not sent and this service does not query the FHIR server")
    failed = [
        key
        for key in required
        if isinstance(prefetch[key], dict)
        and prefetch[key].get("resourceType") == "OperationOutcome"
        and _is_error_outcome(prefetch[key])
    ]
    if failed:
        raise PrefetchError(failed, "the EHR reported an error instead of the data")
    return dict(prefetch)


# --------------------------------------------------------------------------------------------
# Draft orders
# --------------------------------------------------------------------------------------------


def read_drafts(
    draft_orders: object, *, patient_id: str, today: datetime.date, chart: Chart
) -> list[DraftOrder]:
    """The orders of ``context.draftOrders`` that are medicines (or supplements) or surgery.

    Other orders (a diet, a device, glasses, a lab test) are not inputs of any rule and are left
    out; a medicine or a procedure we cannot read is a gap on ``chart``.
    """
    resources = bundle_resources(draft_orders, "draftOrders", chart)
    medications = _MedicationIndex(resources)
    drafts: list[DraftOrder] = []
    for resource in resources:
        kind = resource.get("resourceType")
        if _for_other_patient(resource, patient_id):
            chart.gap("medicine", "a draft order for a different patient was ignored")
            continue
        ref = _ref(resource)
        if kind in ("MedicationRequest", "MedicationOrder"):
            entry, problem = _medicine_entry(resource, "draft order", medications)
            if problem or not entry.names:
                chart.gap("medicine", f"{entry.label} (draft order): {problem or 'no name we can read is given'}")
                continue
            drafts.append(DraftOrder(ref=ref, medicine=entry))
        elif kind == "NutritionOrder":
            # A supplement product may be one we review (a probiotic, vitamin D); a diet is not.
            for supplement in _dicts(resource.get("supplement")):
                names = tuple(
                    dict.fromkeys(
                        name
                        for name in (clean(supplement.get("productName")), *concept_names(supplement.get("type"))[0])
                        if name
                    )
                )
                if names:
                    drafts.append(DraftOrder(ref=ref, medicine=MedicineEntry(names=names, where="draft nutrition order", ref=ref)))
        elif kind in _PROCEDURE_TYPES:
            procedure = read_procedure(resource, today, "draft order", chart)
            if procedure is not None:
                drafts.append(DraftOrder(ref=ref, procedure=procedure))
    return drafts


def focused(drafts: list[DraftOrder], selections: object) -> tuple[list[DraftOrder], list[DraftOrder]]:
    """(selected, others) for order-select; every draft is selected when ``selections`` names none."""
    wanted = {item for item in as_list(selections) if isinstance(item, str)}
    chosen = [draft for draft in drafts if draft.ref and draft.ref in wanted]
    if not chosen:
        return drafts, []
    return chosen, [draft for draft in drafts if draft not in chosen]


def medicines_and_procedures(drafts: Iterable[DraftOrder]) -> Iterator[MedicineEntry | ProcedureEntry]:
    for draft in drafts:
        if draft.medicine is not None:
            yield draft.medicine
        if draft.procedure is not None:
            yield draft.procedure
