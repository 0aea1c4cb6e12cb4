"""The false all-clears and invented timings found by the clinical review, each pinned on the demo
content through the API (the same answer as the page and the CLI, tested elsewhere)."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.django_db

LDN = "low-dose-naltrexone"


def screen(client, therapy=LDN, **payload):
    response = client.post(
        "/api/v1/screen", json.dumps({"therapies": [therapy], **payload}), content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def verdict(result):
    return result["therapies"][0]["verdict"]


def rules(result):
    return {f["rule"] for f in result["therapies"][0]["findings"]}


@pytest.mark.parametrize(
    ("payload", "expected_verdict", "expected_rules"),
    [
        # An opioid whose FDA class is "Antidiarrheal" (DEA-scheduled), by brand and by name.
        ({"medicines": ["Motofen"]}, "avoid", {"opioid-medicines"}),
        ({"medicines": ["difenoxin"]}, "avoid", {"opioid-medicines"}),
        # A transplant immunosuppressant with no FDA "immunosuppressant" class string.
        ({"medicines": ["Thymoglobulin"]}, "caution", {"immunosuppressant-transplant-not-stated"}),
        # Full-dose naltrexone in the medicine list, with liver disease.
        ({"medicines": ["Revia 50 mg"], "conditions": ["cirrhosis"]}, "caution",
         {"already-taking-naltrexone", "liver-disease-full-dose"}),
        ({"medicines": ["Vivitrol"], "conditions": ["cirrhosis"]}, "caution",
         {"already-taking-naltrexone", "liver-disease-full-dose"}),
        # LDN itself already in the list.
        ({"medicines": ["LDN 4.5 mg"]}, "caution", {"already-taking-naltrexone"}),
    ],
)
def test_no_false_all_clear_for_ldn(client, payload, expected_verdict, expected_rules):
    result = screen(client, **payload)

    assert verdict(result) == expected_verdict
    assert rules(result) == expected_rules


@pytest.mark.parametrize(
    "payload",
    [
        {"medicines": ["tacrolimus"], "conditions": ["kidney transplant"]},
        {"medicines": ["tacrolimus"]},
        {"medicines": ["CellCept", "prednisone"]},
        {"medicines": ["Thymoglobulin"]},
        {"conditions": ["liver transplant"]},
        {"conditions": ["immunocompromised"]},
    ],
)
def test_probiotics_immunosuppression_rule_fires_on_what_implies_it(client, payload):
    result = screen(client, "probiotics", **payload)

    assert "immunosuppressed-fermented-foods" in rules(result)
    assert verdict(result) != "no-known-concerns"


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"medicines": ["Afinitor"]}, "caution"),  # everolimus for cancer
        ({"medicines": ["azathioprine"], "conditions": ["Crohn's disease"]}, "caution"),
        ({"medicines": ["tacrolimus ointment"]}, "no-known-concerns"),
        ({"medicines": ["Protopic"]}, "no-known-concerns"),
        ({"conditions": ["stem cell transplant"]}, "no-known-concerns"),
        ({"conditions": ["bone marrow transplant"], "medicines": ["tacrolimus"]}, "caution"),
    ],
)
def test_no_over_warning_for_immunosuppressants_outside_organ_transplant(client, payload, expected):
    result = screen(client, **payload)

    assert verdict(result) == expected
    assert "organ-transplant" not in rules(result)


def test_plain_transplant_is_ambiguous_and_screened_on_both_meanings(client):
    result = screen(client, conditions=["transplant"])

    (reading,) = result["inputs"]
    assert reading["status"] == "ambiguous"
    assert {"organ-transplant", "stem-cell-transplant"} <= set(reading["ingredients"])
    assert "organ-transplant" in rules(result)


@pytest.mark.parametrize(("typed", "suggestion"), [("Percoset", "percocet"), ("codiene", "codeine"), ("oxycotin", "oxycontin")])
def test_real_misspellings_are_suggested_never_substituted(client, typed, suggestion):
    result = screen(client, medicines=[typed])

    (reading,) = result["inputs"]
    assert reading["status"] == "suggested" and suggestion in reading["suggestions"]
    assert reading["ingredients"] == [] and verdict(result) == "incomplete"


def test_every_entry_appears_in_how_we_read_what_you_entered(client):
    response = client.post(f"/therapies/{LDN}/check/", {"medicines": "Percoset\ntramadol\nqqqzz", "conditions": "cirrhosis"})

    rows = response.context["result"].readings
    assert [row.reading.input for row in rows] == ["Percoset", "tramadol", "qqqzz", "cirrhosis"]
    assert [row.checked for row in rows] == [False, True, False, True]
    html = response.content.decode()
    assert "did you mean percocet" in html.lower()


def test_vitamin_d_nsaid_finding_states_the_setting_the_source_limits_it_to(client):
    result = screen(client, "vitamin-d", medicines=["ibuprofen"])

    (finding,) = result["therapies"][0]["findings"]
    text = finding["summary"] + " " + finding["action"]
    assert "four or more days a week" in text and "adenomas" in text and "removed" in text


def test_surgery_tomorrow_is_flagged_in_the_screen(client):
    import datetime

    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    result = screen(client, procedures=[{"type": "surgery", "date": tomorrow}], time_zone="UTC")

    (finding,) = result["therapies"][0]["findings"]
    assert finding["dates"]["days_until_procedure"] == 1
    assert "tomorrow" in finding["action"] and "stop today at the latest" in finding["action"]


# --- the pharmacist review of the medicine vocabulary -----------------------------------


@pytest.mark.parametrize(
    ("medicine", "expected_verdict", "expected_rules"),
    [
        # An exact product name is screened on every product it begins: most carry
        # dextromethorphan (an opioid for the LDN rule).
        ("Coricidin HBP", "avoid", {"opioid-medicines"}),
        ("Vicks Formula 44", "avoid", {"opioid-medicines"}),
        ("Adult Tussin", "avoid", {"opioid-medicines"}),
        ("Sunmark Tussin", "avoid", {"opioid-medicines"}),
        ("Healthy Accents Tussin", "avoid", {"opioid-medicines"}),
        ("Tylenol", "avoid", {"opioid-medicines"}),  # Tylenol with Codeine is a Tylenol
        # Canadian Tylenol No. 1 is acetaminophen, caffeine and codeine.
        ("Tylenol No. 1", "avoid", {"opioid-medicines"}),
        ("Tylenol #1", "avoid", {"opioid-medicines"}),
        ("Tylenol 1", "avoid", {"opioid-medicines"}),
        # Opioids that were not classified, and brands that were not recognised.
        ("diamorphine", "avoid", {"opioid-medicines"}),
        ("pholcodine", "avoid", {"opioid-medicines"}),
        ("Zaldiar", "avoid", {"opioid-medicines"}),
        ("Vicoprofen", "avoid", {"opioid-medicines"}),
    ],
)
def test_no_false_all_clear_for_a_brand_family_or_a_numbered_product(
    client, medicine, expected_verdict, expected_rules
):
    result = screen(client, medicines=[medicine])

    assert verdict(result) == expected_verdict
    assert expected_rules <= rules(result)


@pytest.mark.parametrize(
    ("medicine", "left_out"),
    [
        ("Benylin DM", ["dm"]),
        ("Benylin DM-E", ["dm", "e"]),
        ("Benylin dry cough", ["dry", "cough"]),
        ("Zicam Cough Max", ["cough", "max"]),
        ("Panadol Ultra", ["ultra"]),
    ],
)
def test_a_word_dropped_to_find_a_match_is_not_checked(client, medicine, left_out):
    result = screen(client, medicines=[medicine])

    assert verdict(result) == "incomplete"
    not_checked = result["coverage"]["unrecognised"]
    for word in left_out:
        assert f"'{word}' (in '{medicine}') was not recognised" in not_checked


def test_a_bare_number_is_not_a_strength_and_is_not_checked(client):
    result = screen(client, medicines=["naltrexone 50"])

    assert "already-taking-naltrexone" in rules(result)
    assert "'50' (in 'naltrexone 50') was not recognised" in result["coverage"]["unrecognised"]


def test_a_dose_per_day_is_read_as_the_medicines_strength(client):
    result = screen(client, medicines=["naltrexone 50mg/day"], conditions=["cirrhosis"])

    assert rules(result) == {"already-taking-naltrexone", "liver-disease-full-dose"}
    assert result["coverage"]["unrecognised"] == []


@pytest.mark.parametrize("medicine", ["Kenalog injection", "Kenalog"])
def test_an_injected_corticosteroid_is_not_read_as_local(client, medicine):
    result = screen(client, "probiotics", medicines=[medicine])

    assert "immunosuppressed-fermented-foods" in rules(result)


@pytest.mark.parametrize("condition", ["hair transplant", "corneal transplant", "keratoplasty"])
def test_a_tissue_transplant_is_not_an_organ_transplant(client, condition):
    result = screen(client, conditions=[condition])

    (reading,) = result["inputs"]
    assert reading["status"] == "recognised"
    assert "organ-transplant" not in rules(result)
    assert verdict(result) == "no-known-concerns"


def test_a_stem_cell_transplant_implies_immunosuppressed_for_probiotics(client):
    probiotics = screen(client, "probiotics", conditions=["stem cell transplant"])
    ldn = screen(client, conditions=["stem cell transplant"])

    assert "immunosuppressed-fermented-foods" in rules(probiotics)
    assert verdict(ldn) == "no-known-concerns"  # still not an organ transplant
