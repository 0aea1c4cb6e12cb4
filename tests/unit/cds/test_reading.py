"""Reading FHIR out of CDS Hooks requests, tolerantly and without dropping anything silently."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from carechoices.cds import reading
from tests.unit.cds import builders as b

TODAY = datetime.date(2026, 12, 1)


def chart(**prefetch):
    return reading.read_chart(prefetch, patient_id=b.PATIENT, today=TODAY)


def test_medicines_from_orders_and_statements_with_their_doses():
    result = chart(
        medications=b.bundle(b.med_request("oxycodone hydrochloride 5 MG Oral Tablet", dose_mg=5)),
        statements=b.bundle(b.statement(text="LDN 4.5 mg", dose_mg=4.5)),
    )
    assert [(m.label, m.where, m.dose_mg) for m in result.medicines] == [
        ("oxycodone hydrochloride 5 MG Oral Tablet", "active order", 5.0),
        ("LDN 4.5 mg", "reported by the patient", 4.5),
    ]
    assert result.gaps == []


def test_names_are_displays_then_text_and_the_label_is_the_text():
    entry = chart(medications=b.bundle(b.med_request("naltrexone", text="Naltrexone 4.5 mg (compounded)"))).medicines[0]
    assert entry.names == ("naltrexone", "Naltrexone 4.5 mg (compounded)")
    assert entry.label == "Naltrexone 4.5 mg (compounded)"


def test_a_medicine_coded_only_in_rxnorm_is_a_gap_naming_the_code():
    result = chart(medications=b.bundle(b.med_request(None, code="1049621")))
    assert result.medicines == []
    assert result.gaps == [
        reading.Gap("medicine", "RxNorm code 1049621 (active order): no name we can read is given")
    ]


def test_ended_items_are_read_past_and_drafts_are_not_active():
    result = chart(
        medications=b.bundle(b.med_request("tramadol", status="stopped"), b.med_request("tramadol", status="draft")),
        statements=b.bundle(b.statement("melatonin", status="completed")),
        conditions=b.bundle(b.condition("Crohn's disease", clinical="resolved")),
        procedures=b.bundle(b.surgery("Colectomy", TODAY, status="completed")),
    )
    assert (result.medicines, result.conditions, result.procedures, result.gaps) == ([], [], [], [])


def test_tolerates_real_client_quirks():
    """The sandbox's shapes: no Bundle type, category as an object, no intent, a bare entry."""
    order = b.med_request("tramadol hydrochloride 50 MG Oral Tablet")
    del order["intent"]
    order["category"] = {"coding": [{"code": "outpatient"}]}
    bare = {"fullUrl": "MedicationRequest/9"}
    value = b.bundle(order, kind=None)
    value["entry"].append(bare)
    result = chart(medications=value)
    assert [m.label for m in result.medicines] == ["tramadol hydrochloride 50 MG Oral Tablet"]
    assert [gap.text for gap in result.gaps] == [
        "active medicine orders (MedicationRequest): an entry with no resource in it"
    ]


def test_category_object_marks_surgery_and_dates_are_read_as_written():
    sr = b.surgery("Excision of breast lesion", datetime.date(2026, 12, 8), surgical_category=False)
    sr["category"] = {"coding": [{"system": b.SNOMED, "code": "387713003"}]}
    result = chart(procedures=b.bundle(sr))
    assert result.procedures == [reading.ProcedureEntry("Excision of breast lesion", datetime.date(2026, 12, 8), sr["id"] and f"ServiceRequest/{sr['id']}")]


@pytest.mark.parametrize(
    ("display", "category", "kind"),
    [
        ("Laparoscopic cholecystectomy", False, "surgery"),
        ("Mastectomy", False, "surgery"),
        ("Lumpectomy of breast", False, "surgery"),
        ("Anything at all", True, "surgery"),
        ("CT of chest", False, "other"),
        ("Complete blood count panel", False, "other"),
        ("Port placement", False, "unknown"),
    ],
)
def test_surgery_is_recognised_by_category_or_words(display, category, kind):
    sr = b.surgery(display, None, surgical_category=category)
    names, _ = reading.concept_names(sr["code"])
    assert reading.surgery_kind(sr, names, set()) == kind


def test_a_procedure_we_cannot_classify_is_named_not_dropped():
    result = chart(procedures=b.bundle(b.surgery("Port placement", None, surgical_category=False)))
    assert result.procedures == []
    assert result.gaps == [reading.Gap("procedure", "Port placement (planned): we could not tell whether it is surgery")]


def test_a_surgery_date_not_given_to_the_day_is_said():
    sr = b.surgery("Colectomy", None)
    sr["occurrenceDateTime"] = "2026-12"
    result = chart(procedures=b.bundle(sr))
    assert result.procedures[0].date is None
    assert "not given to the day" in result.gaps[0].text


def test_null_prefetch_means_no_data_and_is_said():
    result = chart(medications=None, statements=b.bundle())
    assert result.gaps == [
        reading.Gap("medicine", "active medicine orders (MedicationRequest): the EHR sent no data (the prefetch was null)")
    ]


def test_a_paginated_bundle_and_an_error_outcome_are_said():
    paged = b.bundle(b.med_request("metformin"))
    paged["link"] = [{"relation": "next", "url": "https://ehr.example/fhir?page=2"}]
    paged["entry"].append({"resource": {"resourceType": "OperationOutcome", "issue": [{"severity": "error", "code": "timeout"}]}})
    texts = [gap.text for gap in chart(medications=paged).gaps]
    assert any("only the first page" in text for text in texts)
    assert any("reported an error" in text for text in texts)


def test_medication_references_are_followed_contained_or_in_the_bundle():
    contained = b.med_request(None)
    del contained["medicationCodeableConcept"]
    contained["medicationReference"] = {"reference": "#m1"}
    contained["contained"] = [{"resourceType": "Medication", "id": "m1", "code": {"text": "naltrexone 4.5 mg capsule"}}]
    listed = b.med_request(None)
    del listed["medicationCodeableConcept"]
    listed["medicationReference"] = {"reference": "Medication/m2"}
    medication = {"resourceType": "Medication", "id": "m2",
                  "ingredient": [{"itemCodeableConcept": {"text": "oxycodone"}}, {"itemCodeableConcept": {"text": "acetaminophen"}}]}
    missing = b.med_request(None)
    del missing["medicationCodeableConcept"]
    missing["medicationReference"] = {"reference": "Medication/gone"}
    result = chart(medications=b.bundle(contained, listed, medication, missing))
    assert [m.names for m in result.medicines] == [("naltrexone 4.5 mg capsule",), ("oxycodone + acetaminophen",)]
    assert "a reference that was not sent" in result.gaps[0].text


def test_r5_codeable_reference_and_stu3_dose_shapes():
    r5 = b.med_request(None)
    r5["medication"] = {"concept": r5.pop("medicationCodeableConcept")}
    r5["medication"]["concept"]["coding"][0]["display"] = "naltrexone"
    r5["dosageInstruction"] = [{"doseAndRate": {"doseQuantity": {"value": 1.5, "code": "mg"}}}]  # an object, not a list
    stu3 = b.med_request("naltrexone")
    stu3["dosageInstruction"] = [{"doseQuantity": {"value": 4500, "unit": "ug"}}]
    result = chart(medications=b.bundle(r5, stu3))
    assert [m.dose_mg for m in result.medicines] == [1.5, 4.5]


@pytest.mark.parametrize(
    ("quantity", "expected"),
    [
        ({"value": 4.5, "code": "mg"}, (4.5, None)),
        ({"value": 0.05, "unit": "g"}, (50.0, None)),
        ({"value": 2, "code": "{tablet}"}, (None, 2.0)),
        ({"value": 5, "unit": "mL"}, (None, None)),
        ({"value": -1, "code": "mg"}, (None, None)),
        ({"value": True, "code": "mg"}, (None, None)),
        ("4.5 mg", (None, None)),
    ],
)
def test_dose_quantities(quantity, expected):
    assert reading.quantity_dose(quantity) == expected


def test_a_tapering_order_counts_its_largest_dose():
    dosages = [b.dose(1.5)[0], b.dose(3)[0], {"doseAndRate": [{"doseRange": {"low": {"value": 3, "code": "mg"}, "high": {"value": 4.5, "code": "mg"}}}]}]
    assert reading.dosage_dose(dosages) == (4.5, None)


def test_resources_of_another_patient_are_ignored_and_said():
    other = b.med_request("tramadol")
    other["subject"] = {"reference": "Patient/someone-else"}
    result = chart(medications=b.bundle(other))
    assert result.medicines == []
    assert result.gaps[0].text == "1 resource(s) for a different patient were ignored"


def test_require_prefetch_names_missing_and_failed_keys():
    with pytest.raises(reading.PrefetchError) as missing:
        reading.require_prefetch({"medications": b.bundle()}, ["medications", "conditions"])
    assert missing.value.keys == ["conditions"]
    failed = {"medications": {"resourceType": "OperationOutcome", "issue": [{"severity": "fatal", "code": "exception"}]}}
    with pytest.raises(reading.PrefetchError) as error:
        reading.require_prefetch(failed, ["medications"])
    assert error.value.keys == ["medications"]
    assert reading.require_prefetch({"medications": None}, ["medications"]) == {"medications": None}


def test_drafts_medicines_supplements_and_surgery_others_left_out():
    diet = {"resourceType": "NutritionOrder", "id": "diet", "status": "draft",
            "oralDiet": {"type": [{"text": "Pureed diet"}]},
            "supplement": [{"productName": "Vitamin D3 1000 IU", "type": {"text": "Vitamin supplement"}}]}
    device = {"resourceType": "DeviceRequest", "id": "dev", "status": "draft"}
    op = b.surgery("Right hemicolectomy", datetime.date(2026, 12, 9), status="draft")
    holder = reading.Chart()
    drafts = reading.read_drafts(b.bundle(b.ldn_draft(), diet, device, op, kind="collection"),
                                 patient_id=b.PATIENT, today=TODAY, chart=holder)
    assert [(d.ref, d.medicine.names if d.medicine else d.procedure.label) for d in drafts] == [
        ("MedicationRequest/draft-ldn", ("naltrexone 4.5 MG Oral Capsule",)),
        ("NutritionOrder/diet", ("Vitamin D3 1000 IU", "Vitamin supplement")),
        (f"ServiceRequest/{op['id']}", "Right hemicolectomy"),
    ]
    assert holder.gaps == []


def test_selections_focus_order_select_and_fall_back_to_all():
    drafts = [reading.DraftOrder("MedicationRequest/1"), reading.DraftOrder("MedicationRequest/2")]
    assert reading.focused(drafts, ["MedicationRequest/2"]) == ([drafts[1]], [drafts[0]])
    assert reading.focused(drafts, ["Nothing/9"]) == (drafts, [])
    assert reading.focused(drafts, None) == (drafts, [])


def test_clean_removes_control_characters():
    assert reading.clean("tra\u0000ma\u200bdol\n 50 mg") == "tra madol 50 mg"
    assert reading.clean(12) == ""


def _clean_char_by_char(value: str) -> str:
    """``clean`` as first written: every character looked at (the fast path must agree)."""
    import unicodedata

    text = "".join(
        "" if unicodedata.category(c) == "Cf" else " " if unicodedata.category(c) in ("Cc", "Zl", "Zp", "Cs") else c
        for c in value[: reading.MAX_TEXT * 2]
    )
    return " ".join(text.split())[: reading.MAX_TEXT]


@given(st.text(alphabet=st.characters(max_codepoint=0x7F)) | st.text())
@example("a" * 5000)
@example("  tramadol \x7f 50\tmg ")
def test_clean_reads_every_text_as_the_character_by_character_reading(value):
    assert reading.clean(value) == _clean_char_by_char(value)


def test_procedure_labels_match_the_engines():
    from carechoices.cds.screen import procedure_label
    from carechoices.screening.engine import _procedure_label
    from carechoices.screening.models import Procedure

    for procedure in (Procedure("surgery", TODAY), Procedure("surgery", None)):
        assert procedure_label(procedure) == _procedure_label(procedure)
