"""Tests of screen(): verdicts, matching, dose and date handling, inputs and coverage."""

from __future__ import annotations

import dataclasses
import datetime
import json
import re

import pytest

from carechoices.screening.engine import DISCLAIMER, UnknownTherapy, prepare_rules, screen
from carechoices.screening.models import (
    Procedure,
    ReferenceInfo,
    Rule,
    ScreenRequest,
    TherapyRules,
    Trigger,
)

from .contract import check_contract
from .fakes import ConditionMatch, FakeVocabulary, MedicineMatch
from .sample_rules import ALL_THERAPIES, LDN, PROBIOTICS, VITAMIN_D, make_rule

TODAY = datetime.date(2026, 11, 1)
SURGERY_DAY = datetime.date(2026, 12, 5)


def run(request: ScreenRequest, therapies=ALL_THERAPIES, vocabulary=None) -> dict:
    result = screen(request, therapies, vocabulary or FakeVocabulary(), today=TODAY).to_json()
    check_contract(result)
    return result




def therapy(result: dict, slug: str) -> dict:
    return next(entry for entry in result["therapies"] if entry["therapy"] == slug)


def rules_of(result: dict, slug: str) -> list[str]:
    return [finding["rule"] for finding in therapy(result, slug)["findings"]]


def finding(result: dict, slug: str, rule_id: str) -> dict:
    return next(f for f in therapy(result, slug)["findings"] if f["rule"] == rule_id)


def verdicts(result: dict) -> dict[str, str]:
    return {entry["therapy"]: entry["verdict"] for entry in result["therapies"]}


# ---------------------------------------------------------------- selecting therapies


def test_screen_all_therapies_when_request_names_none() -> None:
    result = run(ScreenRequest())

    assert [t["therapy"] for t in result["therapies"]] == [t.slug for t in ALL_THERAPIES]


def test_screen_therapies_in_given_order_whatever_order_requested() -> None:
    request = ScreenRequest(therapies=("melatonin", "vitamin-d", "low-dose-naltrexone"))

    result = run(request)

    assert [t["therapy"] for t in result["therapies"]] == [
        "low-dose-naltrexone",
        "vitamin-d",
        "melatonin",
    ]


def test_screen_unknown_therapy_slug_raises_unknown_therapy() -> None:
    request = ScreenRequest(therapies=("vitamin-d", "no-such-therapy"))

    with pytest.raises(UnknownTherapy) as raised:
        screen(request, ALL_THERAPIES, FakeVocabulary(), today=TODAY)

    assert raised.value.slug == "no-such-therapy"
    assert isinstance(raised.value, ValueError)


def test_screen_same_therapy_given_twice_raises_value_error() -> None:
    with pytest.raises(ValueError, match="only once"):
        screen(ScreenRequest(), (LDN, LDN), FakeVocabulary(), today=TODAY)


def test_prepared_rules_refuse_a_therapy_given_twice_and_an_unknown_slug() -> None:
    with pytest.raises(ValueError, match="only once"):
        prepare_rules((LDN, LDN))
    prepared = prepare_rules(ALL_THERAPIES)

    with pytest.raises(UnknownTherapy) as raised:
        screen(ScreenRequest(therapies=("no-such-therapy",)), prepared, FakeVocabulary(), today=TODAY)

    assert raised.value.slug == "no-such-therapy"


def test_prepared_rules_hold_every_trigger_and_active_ingredient_of_their_therapies() -> None:
    prepared = prepare_rules(ALL_THERAPIES)

    triggers = {
        (trigger.kind, trigger.value.casefold())
        for therapy in ALL_THERAPIES
        for rule in therapy.rules
        for trigger in (*rule.any_of, *rule.all_of, *rule.none_of)
    }
    assert prepared.wanted == triggers
    assert prepared.active == {i.casefold() for t in ALL_THERAPIES for i in t.active_ingredients}
    assert prepared.therapies == tuple(ALL_THERAPIES)
    every_slug = ScreenRequest(therapies=tuple(t.slug for t in ALL_THERAPIES))  # not prepared
    rules_source = screen(every_slug, prepared, FakeVocabulary(), today=TODAY).data_sources[-1]
    assert dict(prepared.source) == dataclasses.asdict(rules_source)
    assert rules_source.name == "CareChoices rules" and len(rules_source.version) == 12


def test_screen_duplicate_requested_slug_lists_therapy_once() -> None:
    result = run(ScreenRequest(therapies=("vitamin-d", "vitamin-d")))

    assert [t["therapy"] for t in result["therapies"]] == ["vitamin-d"]


# ---------------------------------------------------------------- verdicts


def test_verdict_no_known_concerns_when_everything_recognised_and_nothing_fires() -> None:
    result = run(ScreenRequest(medicines=("tramadol",)))

    assert therapy(result, "vitamin-d") == {
        "therapy": "vitamin-d",
        "name": "Vitamin D",
        "verdict": "no-known-concerns",
        "findings": [],
    }


def test_verdict_no_known_concerns_for_empty_request() -> None:
    result = run(ScreenRequest())

    assert set(verdicts(result).values()) == {"no-known-concerns"}
    assert result["coverage"]["unrecognised"] == []


def test_verdict_incomplete_when_medicine_unrecognised() -> None:
    result = run(ScreenRequest(medicines=("tramadol", "zzqx unknown")))

    assert therapy(result, "vitamin-d")["verdict"] == "incomplete"
    assert therapy(result, "low-dose-naltrexone")["verdict"] == "avoid"
    assert result["coverage"]["unrecognised"] == ["zzqx unknown"]


def test_verdict_incomplete_and_rule_not_fired_when_medicine_only_suggested() -> None:
    result = run(ScreenRequest(medicines=("tramadoll",)))

    # A suggestion is never screened: the opioid rule must not fire on "did you mean tramadol?"
    assert rules_of(result, "low-dose-naltrexone") == []
    assert set(verdicts(result).values()) == {"incomplete"}
    assert result["inputs"] == [
        {
            "input": "tramadoll",
            "kind": "medicine",
            "status": "suggested",
            "ingredients": [],
            "suggestions": ["tramadol"],
        }
    ]
    assert result["coverage"]["unrecognised"] == ["tramadoll"]


def test_verdict_incomplete_when_condition_only_suggested() -> None:
    result = run(ScreenRequest(conditions=("livr disease",), dose_mg=50))

    assert rules_of(result, "low-dose-naltrexone") == []
    assert therapy(result, "low-dose-naltrexone")["verdict"] == "incomplete"


def test_verdict_incomplete_when_ingredient_unclassified() -> None:
    result = run(ScreenRequest(medicines=("example-unreviewed",)))

    assert set(verdicts(result).values()) == {"incomplete"}
    assert result["coverage"]["unrecognised"] == [
        "ingredient example-unreviewed (in 'example-unreviewed') is not classified"
    ]


def test_verdict_avoid_still_shown_when_combination_partly_unclassified() -> None:
    result = run(ScreenRequest(medicines=("Examplemix",)))

    assert therapy(result, "low-dose-naltrexone")["verdict"] == "avoid"
    assert therapy(result, "vitamin-d")["verdict"] == "incomplete"
    assert result["coverage"]["unrecognised"] == [
        "ingredient example-unreviewed (in 'Examplemix') is not classified"
    ]


def test_verdict_incomplete_when_recognised_medicine_has_no_ingredients() -> None:
    vocabulary = FakeVocabulary()
    vocabulary.medicines["example-empty"] = MedicineMatch(
        "", "recognised", "Example empty", "brand"
    )

    result = run(ScreenRequest(medicines=("example-empty",)), vocabulary=vocabulary)

    assert set(verdicts(result).values()) == {"incomplete"}
    assert result["coverage"]["unrecognised"] == [
        "'example-empty' was recognised but has no ingredient list"
    ]


def test_verdict_incomplete_when_vocabulary_returns_unknown_status() -> None:
    vocabulary = FakeVocabulary()
    vocabulary.medicines["example-odd"] = dataclasses.replace(
        vocabulary.medicines["tramadol"], status="probably"
    )

    result = run(ScreenRequest(medicines=("example-odd",)), vocabulary=vocabulary)

    assert result["inputs"][0]["status"] == "unrecognised"
    assert rules_of(result, "low-dose-naltrexone") == []
    assert therapy(result, "low-dose-naltrexone")["verdict"] == "incomplete"


def test_verdict_incomplete_when_procedure_type_unknown() -> None:
    result = run(ScreenRequest(procedures=(Procedure("dental-work", SURGERY_DAY),)))

    assert set(verdicts(result).values()) == {"incomplete"}
    assert result["inputs"][0]["status"] == "unrecognised"
    assert result["coverage"]["unrecognised"] == ["dental-work on 2026-12-05"]


def test_verdict_info_when_only_info_findings_and_everything_recognised() -> None:
    result = run(ScreenRequest(conditions=("IBS",)))

    assert therapy(result, "low-dose-naltrexone")["verdict"] == "info"
    assert therapy(result, "vitamin-d")["verdict"] == "no-known-concerns"


def test_verdict_incomplete_outranks_info_findings() -> None:
    result = run(ScreenRequest(conditions=("IBS", "zzqx unknown")))

    assert therapy(result, "low-dose-naltrexone")["verdict"] == "incomplete"
    assert rules_of(result, "low-dose-naltrexone") == ["ldn-bowel-conditions"]


def test_verdict_caution_outranks_incomplete() -> None:
    result = run(ScreenRequest(medicines=("aspirin", "zzqx unknown")))

    assert therapy(result, "vitamin-d")["verdict"] == "caution"


def test_findings_sorted_by_severity_then_rule_id() -> None:
    request = ScreenRequest(
        medicines=("tramadol", "example-immunosuppressant"),
        conditions=("Crohn's disease", "liver disease"),
        procedures=(Procedure("surgery", SURGERY_DAY),),
    )

    result = run(request)

    assert rules_of(result, "low-dose-naltrexone") == [
        "ldn-opioids",
        "ldn-transplant",
        "ldn-surgery",
        "ldn-bowel-conditions",
        "ldn-liver-full-dose",
    ]


# ---------------------------------------------------------------- matching and triggered_by


def test_triggered_by_names_input_match_and_route() -> None:
    result = run(ScreenRequest(medicines=("Ultram",)))

    assert finding(result, "low-dose-naltrexone", "ldn-opioids")["triggered_by"] == [
        {
            "input": "Ultram",
            "matched": "Ultram",
            "via": "ingredient tramadol in class opioid (brand name)",
        }
    ]


def test_triggered_by_sorted_and_deduplicated_across_inputs() -> None:
    result = run(ScreenRequest(medicines=("tramadol", "Duragesic", "tramadol", "codeine")))

    entries = finding(result, "low-dose-naltrexone", "ldn-opioids")["triggered_by"]

    assert [entry["input"] for entry in entries] == ["Duragesic", "codeine", "tramadol"]


def test_combination_via_names_the_ingredient_in_the_class() -> None:
    result = run(ScreenRequest(medicines=("Percocet",)))

    entries = finding(result, "low-dose-naltrexone", "ldn-opioids")["triggered_by"]

    assert entries == [
        {
            "input": "Percocet",
            "matched": "Percocet",
            "via": "ingredient oxycodone in class opioid (brand name)",
        }
    ]


def test_combination_via_lists_ingredients_when_class_cannot_be_attributed() -> None:
    vocabulary = FakeVocabulary()
    vocabulary.medicines["example-pair"] = MedicineMatch(
        "", "recognised", "Example pair", "brand name", ("example-a", "example-b"), ("opioid",)
    )

    result = run(ScreenRequest(medicines=("example-pair",)), vocabulary=vocabulary)

    via = finding(result, "low-dose-naltrexone", "ldn-opioids")["triggered_by"][0]["via"]
    assert via == "combination of example-a + example-b in class opioid (brand name)"


def test_ambiguous_medicine_screened_on_union_and_marked_ambiguous() -> None:
    result = run(ScreenRequest(medicines=("Examplecold",)))

    entry = finding(result, "low-dose-naltrexone", "ldn-opioids")["triggered_by"][0]
    assert "dextromethorphan" in entry["via"] and "ambiguous" in entry["via"]
    assert result["inputs"][0]["status"] == "ambiguous"
    assert result["inputs"][0]["ingredients"] == ["acetaminophen", "dextromethorphan"]
    assert therapy(result, "vitamin-d")["verdict"] == "no-known-concerns"


def test_condition_matched_through_ancestor_concept_says_so() -> None:
    result = run(ScreenRequest(conditions=("ulcerative colitis",)))

    entries = finding(result, "low-dose-naltrexone", "ldn-bowel-conditions")["triggered_by"]

    assert entries == [
        {
            "input": "ulcerative colitis",
            "matched": "ulcerative colitis",
            "via": "ulcerative-colitis, a kind of inflammatory-bowel-disease (name)",
        }
    ]


def test_input_meeting_several_any_of_triggers_listed_once_most_directly() -> None:
    # Crohn's matches both "crohns-disease" and its ancestor "inflammatory-bowel-disease".
    result = run(ScreenRequest(conditions=("Crohn's disease",)))

    entries = finding(result, "low-dose-naltrexone", "ldn-bowel-conditions")["triggered_by"]

    assert [entry["via"] for entry in entries] == ["condition crohns-disease (name)"]


def test_all_of_rule_does_not_fire_without_every_trigger() -> None:
    result = run(ScreenRequest(conditions=("Hashimoto's thyroiditis",)))

    assert rules_of(result, "low-dose-naltrexone") == []


def test_all_of_rule_fires_and_lists_every_trigger() -> None:
    request = ScreenRequest(
        medicines=("example-thyroid-hormone",), conditions=("Hashimoto's thyroiditis",)
    )

    result = run(request)

    entries = finding(result, "low-dose-naltrexone", "ldn-hashimotos-thyroid-hormone")
    assert [entry["input"] for entry in entries["triggered_by"]] == [
        "Hashimoto's thyroiditis",
        "example-thyroid-hormone",
    ]


def test_trigger_values_match_case_insensitively() -> None:
    shouting = Rule(
        rule_id="example-shout",
        title="Example",
        severity="info",
        any_of=(Trigger("ingredient", "RITUXIMAB"),),
        summary="Example summary.",
        detail="Example detail.",
        action="Example action.",
        references=(ReferenceInfo("X1", "Example citation."),),
    )
    rules = (TherapyRules("example-therapy", "Example", (shouting,)),)

    result = run(ScreenRequest(medicines=("rituximab",)), therapies=rules)

    assert rules_of(result, "example-therapy") == ["example-shout"]


def test_references_carried_with_citation_and_url() -> None:
    result = run(ScreenRequest(conditions=("IBS",)))

    references = finding(result, "low-dose-naltrexone", "ldn-bowel-conditions")["references"]

    assert [reference["id"] for reference in references] == ["R1", "R2"]
    assert references[0]["url"] is None
    assert references[0]["citation"].startswith("Elsegood L")


# ---------------------------------------------------------------- dose


@pytest.mark.parametrize("dose", [50, 50.0, 100])
def test_dose_rule_fires_at_its_severity_at_or_above_threshold(dose: float) -> None:
    result = run(ScreenRequest(conditions=("liver disease",), dose_mg=dose))

    found = finding(result, "low-dose-naltrexone", "ldn-liver-full-dose")
    assert found["severity"] == "caution"
    assert "no dose was given" not in found["summary"]


@pytest.mark.parametrize("dose", [4.5, 49.99])
def test_dose_rule_below_threshold_is_shown_as_considered_info(dose: float) -> None:
    result = run(ScreenRequest(conditions=("liver disease",), dose_mg=dose))

    found = finding(result, "low-dose-naltrexone", "ldn-liver-full-dose")
    assert found["severity"] == "info"
    assert found["summary"].startswith("Considered: this concerns 50 mg or more")
    assert f"{dose:g} mg" in found["summary"]
    assert therapy(result, "low-dose-naltrexone")["verdict"] == "info"


def test_dose_rule_shown_as_info_when_dose_unknown() -> None:
    result = run(ScreenRequest(conditions=("liver disease",)))

    found = finding(result, "low-dose-naltrexone", "ldn-liver-full-dose")
    assert found["severity"] == "info"
    assert "50 mg or more" in found["summary"] and "no dose was given" in found["summary"]
    assert found["action"].startswith("If your dose is 50 mg or more:")
    assert therapy(result, "low-dose-naltrexone")["verdict"] == "info"


# ---------------------------------------------------------------- the therapy itself


def test_medicine_with_the_therapys_own_ingredient_is_a_caution() -> None:
    result = run(ScreenRequest(medicines=("revia 50 mg",)))

    found = finding(result, "low-dose-naltrexone", "already-taking-naltrexone")
    assert found["severity"] == "caution"
    assert "'revia 50 mg' (50 mg a unit) contains naltrexone" in found["summary"]
    assert found["triggered_by"] == [
        {
            "input": "revia 50 mg",
            "matched": "revia",
            "via": "contains naltrexone, this therapy's active ingredient, 50 mg a unit as entered",
        }
    ]
    assert found["references"][0]["id"] == "fda-product-data"
    assert therapy(result, "low-dose-naltrexone")["verdict"] == "caution"
    # Only the therapy whose active ingredient it is.
    assert "already-taking-naltrexone" not in rules_of(result, "vitamin-d")


def test_dose_rule_reads_the_strength_of_a_medicine_with_the_active_ingredient() -> None:
    # Full-dose naltrexone in the medicine list meets the 50 mg liver rule with no dose given.
    result = run(ScreenRequest(medicines=("revia 50 mg",), conditions=("cirrhosis",)))

    found = finding(result, "low-dose-naltrexone", "ldn-liver-full-dose")
    assert found["severity"] == "caution"
    assert {"input": "revia 50 mg", "matched": "revia", "via": (
        "naltrexone 50 mg a unit as entered, at or above the 50 mg this rule concerns"
    )} in found["triggered_by"]


def test_dose_rule_with_active_ingredient_of_unknown_strength_stays_open() -> None:
    result = run(ScreenRequest(medicines=("vivitrol",), conditions=("cirrhosis",), dose_mg=4.5))

    found = finding(result, "low-dose-naltrexone", "ldn-liver-full-dose")
    assert found["severity"] == "info" and "no dose was given" in found["summary"]
    assert therapy(result, "low-dose-naltrexone")["verdict"] == "caution"  # already taking it


def test_dose_below_threshold_from_low_dose_product_is_considered() -> None:
    result = run(ScreenRequest(medicines=("ldn 4.5 mg",), conditions=("cirrhosis",), dose_mg=4.5))

    found = finding(result, "low-dose-naltrexone", "ldn-liver-full-dose")
    assert found["severity"] == "info"
    assert "'ldn 4.5 mg' (4.5 mg)" in found["summary"]


# ---------------------------------------------------------------- undecided classes, implications


def test_undecided_ingredient_is_not_checked_and_verdict_incomplete() -> None:
    result = run(ScreenRequest(medicines=("motofen",)))

    assert verdicts(result)["low-dose-naltrexone"] == "incomplete"
    assert any(
        "difenoxin (in 'motofen') may belong to the class opioid" in note
        for note in result["coverage"]["unrecognised"]
    )


def test_undecided_ingredient_does_not_hide_a_decided_concern() -> None:
    result = run(ScreenRequest(medicines=("motofen", "tramadol")))

    assert verdicts(result)["low-dose-naltrexone"] == "avoid"


def test_immunosuppressant_medicine_implies_immunosuppressed_condition() -> None:
    result = run(ScreenRequest(medicines=("example-immunosuppressant",)), therapies=(PROBIOTICS,))

    found = finding(result, "probiotics", "probiotics-immunosuppressed")
    assert found["triggered_by"][0]["input"] == "example-immunosuppressant"
    assert "implied by the medicine" in found["triggered_by"][0]["via"]


def test_organ_transplant_implies_immunosuppressed_condition() -> None:
    result = run(ScreenRequest(conditions=("kidney transplant",)), therapies=(PROBIOTICS,))

    found = finding(result, "probiotics", "probiotics-immunosuppressed")
    assert "implied by kidney-transplant" in found["triggered_by"][0]["via"]


def test_own_condition_is_shown_rather_than_the_implied_one() -> None:
    request = ScreenRequest(medicines=("example-immunosuppressant",), conditions=("immunosuppressed",))

    result = run(request, therapies=(PROBIOTICS,))

    vias = [t["via"] for t in finding(result, "probiotics", "probiotics-immunosuppressed")["triggered_by"]]
    assert any(via.startswith("condition immunosuppressed (") for via in vias)


def test_none_of_suppresses_the_asking_caution_when_transplant_stated() -> None:
    asks = make_rule(
        rule_id="ask-transplant",
        any_of=(Trigger("medicine_class", "transplant-immunosuppressant"),),
        none_of=(Trigger("condition", "organ-transplant"),),
    )
    therapies = (TherapyRules("t", "T", (asks,)),)

    alone = run(ScreenRequest(medicines=("example-immunosuppressant",)), therapies=therapies)
    stated = run(
        ScreenRequest(medicines=("example-immunosuppressant",), conditions=("kidney transplant",)),
        therapies=therapies,
    )

    assert rules_of(alone, "t") == ["ask-transplant"]
    assert rules_of(stated, "t") == []


# ---------------------------------------------------------------- dates


def test_surgery_with_date_gives_stop_dates_and_names_them() -> None:
    result = run(ScreenRequest(procedures=(Procedure("surgery", SURGERY_DAY),)))

    found = finding(result, "low-dose-naltrexone", "ldn-surgery")
    assert found["dates"] == {
        "kind": "stop-before-procedure",
        "procedure": "surgery",
        "procedure_date": "2026-12-05",
        "min_days": 1,
        "max_days": 2,
        "stop_no_later_than": "2026-12-04",
        "stop_from": "2026-12-03",
        "restart": (
            "only once your physician clears it, since opioids are often used for pain "
            "after surgery"
        ),
        "today": TODAY.isoformat(),
        "days_until_procedure": 34,
        "stop_passed": False,
        "date_in_past": False,
    }
    assert (
        "Stop between 3–4 December 2026 (1–2 days before surgery on 5 December 2026)"
        in (found["action"])
    )
    assert found["triggered_by"][0]["input"] == "surgery on 2026-12-05"


def test_surgery_date_in_past_still_fires_and_is_flagged() -> None:
    past = TODAY - datetime.timedelta(days=3)

    result = run(ScreenRequest(procedures=(Procedure("surgery", past),)))

    found = finding(result, "low-dose-naltrexone", "ldn-surgery")
    assert found["dates"]["date_in_past"] is True
    assert "in the past" in found["action"]


@pytest.mark.parametrize(
    ("days_ahead", "words", "stop_passed"),
    [
        (0, "is today, so the days to stop have passed: tell your surgical team", True),
        (1, "surgery is tomorrow, so the earlier stop day has passed: stop today at the latest", False),
        (2, "", False),
    ],
)
def test_surgery_today_or_tomorrow_is_said_plainly(days_ahead: int, words: str, stop_passed: bool) -> None:
    day = TODAY + datetime.timedelta(days=days_ahead)

    result = run(ScreenRequest(procedures=(Procedure("surgery", day),)))

    found = finding(result, "low-dose-naltrexone", "ldn-surgery")
    assert found["dates"]["date_in_past"] is False
    assert found["dates"]["stop_passed"] is stop_passed
    assert found["dates"]["days_until_procedure"] == days_ahead
    assert words in found["action"]
    if not words:
        assert "passed" not in found["action"] and "today" not in found["action"]


def test_surgery_without_date_gives_relative_timing_and_no_dates() -> None:
    result = run(ScreenRequest(procedures=(Procedure("surgery"),)))

    found = finding(result, "low-dose-naltrexone", "ldn-surgery")
    assert found["dates"] == {}
    assert "Stop 1–2 days before the surgery" in found["action"]
    assert "Restart: only once your physician clears it" in found["action"]


def test_two_surgeries_give_one_finding_each_in_date_order() -> None:
    later, sooner = SURGERY_DAY, SURGERY_DAY - datetime.timedelta(days=20)
    request = ScreenRequest(
        procedures=(Procedure("surgery", later), Procedure("surgery"), Procedure("surgery", sooner))
    )

    result = run(request)

    found = therapy(result, "low-dose-naltrexone")["findings"]
    assert [f["dates"].get("procedure_date") for f in found] == [
        sooner.isoformat(),
        later.isoformat(),
        None,
    ]


def test_same_surgery_twice_gives_one_finding_and_one_input() -> None:
    request = ScreenRequest(
        procedures=(Procedure("surgery", SURGERY_DAY), Procedure("surgery", SURGERY_DAY))
    )

    result = run(request)

    assert rules_of(result, "low-dose-naltrexone") == ["ldn-surgery"]
    assert len(result["inputs"]) == 1


def test_opioid_finding_dates_nothing_and_gives_the_wean_as_the_source_does() -> None:
    result = run(ScreenRequest(medicines=("morphine",)))

    found = finding(result, "low-dose-naltrexone", "ldn-opioids")
    assert found["dates"] == {
        "kind": "wait-until-cleared",
        "wean_min_days": 10,
        "wean_max_days": 14,
        "wean_for": "daily opioid pain medicine",
    }
    assert "ask your prescriber when" in found["action"]
    assert not re.search(r"\d{4}-\d{2}-\d{2}|December|November", found["action"])


# ---------------------------------------------------------------- inputs, coverage, disclaimer


def test_inputs_listed_once_each_medicines_then_conditions_then_procedures() -> None:
    request = ScreenRequest(
        medicines=("aspirin", "zzqx", "aspirin"),
        conditions=("IBS", "IBS"),
        procedures=(Procedure("surgery", SURGERY_DAY),),
        cancer_type="pancreatic cancer",
    )

    result = run(request)

    assert [(entry["input"], entry["kind"]) for entry in result["inputs"]] == [
        ("aspirin", "medicine"),
        ("zzqx", "medicine"),
        ("IBS", "condition"),
        ("surgery on 2026-12-05", "procedure"),
    ]
    assert result["inputs"][2]["ingredients"] == ["irritable-bowel-syndrome"]


def test_coverage_lists_vocabulary_sources_then_rules() -> None:
    result = run(ScreenRequest())

    sources = result["coverage"]["data_sources"]
    assert sources[0] == {"name": "Fake vocabulary", "version": "test-1", "date": "2026-01-01"}
    assert sources[1]["name"] == "CareChoices rules"
    assert sources[1]["date"] == "2025-07-27"
    assert len(sources[1]["version"]) == 12


def test_rules_version_changes_when_a_rule_changes() -> None:
    changed = dataclasses.replace(
        LDN, rules=(dataclasses.replace(LDN.rules[0], severity="caution"),) + LDN.rules[1:]
    )

    before = run(ScreenRequest(), therapies=(LDN,))["coverage"]["data_sources"][-1]
    after = run(ScreenRequest(), therapies=(changed,))["coverage"]["data_sources"][-1]

    assert before["version"] != after["version"]


def test_rules_source_date_empty_when_no_review_date_known() -> None:
    result = run(ScreenRequest(), therapies=(VITAMIN_D,))

    assert result["coverage"]["data_sources"][-1]["date"] == ""


def test_changing_a_result_does_not_leak_into_the_next() -> None:
    first = run(ScreenRequest())
    first["coverage"]["data_sources"][-1]["version"] = "tampered"

    second = run(ScreenRequest())

    assert second["coverage"]["data_sources"][-1]["version"] != "tampered"


def test_disclaimer_says_not_advice_and_who_to_ask() -> None:
    result = run(ScreenRequest())

    assert result["disclaimer"] == DISCLAIMER
    assert "not medical advice" in DISCLAIMER
    assert "doctor or pharmacist" in DISCLAIMER
    assert "not checked" in DISCLAIMER


def test_cancer_type_accepted_but_not_listed_as_input() -> None:
    result = run(ScreenRequest(cancer_type="glioma"))

    assert result["inputs"] == []


def test_screen_same_request_gives_identical_json() -> None:
    request = ScreenRequest(
        medicines=("Percocet", "aspirin", "zzqx"),
        conditions=("Crohn's disease",),
        procedures=(Procedure("surgery", SURGERY_DAY),),
    )

    first, second = run(request), run(request)

    assert json.dumps(first) == json.dumps(second)


def test_screen_condition_with_no_concepts_counts_as_not_checked() -> None:
    vocabulary = FakeVocabulary()
    vocabulary.conditions["example-bare"] = ConditionMatch("", "recognised", "bare", "name", ())

    result = run(ScreenRequest(conditions=("example-bare",)), vocabulary=vocabulary)

    assert set(verdicts(result).values()) == {"incomplete"}


def test_therapy_with_unreviewed_rules_is_never_no_known_concerns():
    import datetime

    from carechoices.screening import ScreenRequest, TherapyRules, screen

    from .fakes import FakeVocabulary

    reviewed = TherapyRules(slug="probiotics", name="Probiotics", rules=())
    unreviewed = TherapyRules(slug="melatonin", name="Melatonin", rules=(), rules_reviewed=False)
    request = ScreenRequest(conditions=("ibs",))
    result = screen(request, [reviewed, unreviewed], FakeVocabulary(), today=datetime.date(2026, 1, 1)).to_json()
    verdicts = {t["therapy"]: t["verdict"] for t in result["therapies"]}
    assert verdicts == {"probiotics": "no-known-concerns", "melatonin": "incomplete"}
    assert "Melatonin: interactions and contraindications not yet reviewed" in result["coverage"]["unrecognised"]
