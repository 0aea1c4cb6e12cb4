"""The screen through its three surfaces — page, API, CLI — gives the same answer."""

from __future__ import annotations

import json

import pytest

from carechoices.cli import main as cli_main

pytestmark = pytest.mark.django_db

LDN = "low-dose-naltrexone"


def api(client, payload, path="/api/v1/screen"):
    body = payload if isinstance(payload, (str, bytes)) else json.dumps(payload)
    return client.post(path, body, content_type="application/json")


def cli(capsys, *args):
    code = cli_main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


CASES = [
    # (cli args, payload, expected verdict for LDN, rule ids expected)
    (["--medicine", "tramadol 50 mg"], {"medicines": ["tramadol 50 mg"]}, "avoid", {"opioid-medicines"}),
    (["--medicine", "Percocet 5/325"], {"medicines": ["Percocet 5/325"]}, "avoid", {"opioid-medicines"}),
    (["--medicine", "Prograf"], {"medicines": ["Prograf"]}, "caution", {"immunosuppressant-transplant-not-stated"}),
    (["--condition", "kidney transplant"], {"conditions": ["kidney transplant"]}, "avoid", {"organ-transplant"}),
    (["--medicine", "Prograf", "--condition", "kidney transplant"], {"medicines": ["Prograf"], "conditions": ["kidney transplant"]}, "avoid", {"organ-transplant"}),
    (["--medicine", "Revia 50 mg", "--condition", "cirrhosis"], {"medicines": ["Revia 50 mg"], "conditions": ["cirrhosis"]}, "caution", {"already-taking-naltrexone", "liver-disease-full-dose"}),
    (["--surgery-date", "2030-01-15"], {"procedures": [{"type": "surgery", "date": "2030-01-15"}]}, "caution", {"surgery"}),
    (["--condition", "cirrhosis", "--dose-mg", "50"], {"conditions": ["cirrhosis"], "dose_mg": 50}, "caution", {"liver-disease-full-dose"}),
    (["--condition", "cirrhosis", "--dose-mg", "4.5"], {"conditions": ["cirrhosis"], "dose_mg": 4.5}, "info", {"liver-disease-full-dose"}),
    (["--condition", "Hashimoto's", "--medicine", "Synthroid 100 mcg"], {"conditions": ["Hashimoto's"], "medicines": ["Synthroid 100 mcg"]}, "caution", {"hashimotos-thyroid-hormone"}),
    (["--condition", "Crohn's disease"], {"conditions": ["Crohn's disease"]}, "info", {"bowel-conditions"}),
    (["--medicine", "tramadoll"], {"medicines": ["tramadoll"]}, "incomplete", set()),
    (["--medicine", "zzqxv"], {"medicines": ["zzqxv"]}, "incomplete", set()),
]


@pytest.mark.parametrize(("args", "payload", "verdict", "rules"), CASES)
def test_cli_and_api_return_identical_json(client, capsys, args, payload, verdict, rules):
    payload = {"therapies": [LDN], **payload}
    response = api(client, payload)
    assert response.status_code == 200
    code, out, _ = cli(capsys, "screen", "--therapy", LDN, *args)
    assert code == 0
    assert json.loads(out) == response.json()
    therapy = response.json()["therapies"][0]
    assert therapy["verdict"] == verdict
    assert {f["rule"] for f in therapy["findings"]} == rules
    for finding in therapy["findings"]:
        assert finding["references"], "every finding cites its references"
        assert finding["triggered_by"]
    if verdict == "no-known-concerns":
        assert response.json()["coverage"]["unrecognised"] == []


def test_form_gives_the_same_verdicts_as_the_api(client):
    for args, payload, verdict, rules in CASES:
        form = {
            "medicines": "\n".join(payload.get("medicines", [])),
            "conditions": "\n".join(payload.get("conditions", [])),
        }
        if payload.get("procedures"):
            form["surgery_planned"] = "on"
            form["surgery_date"] = payload["procedures"][0]["date"]
        if "dose_mg" in payload:
            form["dose_mg"] = str(payload["dose_mg"])
        form["time_zone"] = "Europe/London"
        response = client.post(f"/therapies/{LDN}/check/", form)
        assert response.status_code == 200, (args, response.content[:500])
        page = response.context["result"]
        assert page.therapy_results[0]["verdict"] == verdict, args
        assert {f["rule"] for f in page.therapy_results[0]["findings"]} == rules


def test_every_ldn_rule_fires_with_its_citations(client):
    payload = {
        "therapies": [LDN],
        "medicines": ["oxycodone", "tacrolimus", "levothyroxine"],
        "conditions": ["Hashimoto's thyroiditis", "liver disease", "IBS"],
        "procedures": [{"type": "surgery", "date": "2030-02-01"}],
        "dose_mg": 50,
    }
    therapy = api(client, payload).json()["therapies"][0]
    fired = {f["rule"]: f for f in therapy["findings"]}
    assert set(fired) == {
        "opioid-medicines", "surgery", "immunosuppressant-transplant-not-stated", "liver-disease-full-dose",
        "hashimotos-thyroid-hormone", "bowel-conditions",
    }
    assert fired["opioid-medicines"]["dates"] == {
        "kind": "wait-until-cleared", "wean_min_days": 10, "wean_max_days": 14,
        "wean_for": "daily opioid pain medicine",
    }
    assert fired["surgery"]["dates"]["stop_from"] == "2030-01-30"
    assert fired["surgery"]["dates"]["stop_no_later_than"] == "2030-01-31"
    assert {r["id"] for r in fired["opioid-medicines"]["references"]} == {"bihari2021"}
    assert therapy["verdict"] == "avoid"
    others = api(client, {"therapies": [LDN], "medicines": ["methadone", "Revia 50 mg"],
                          "conditions": ["liver transplant", "cirrhosis"]}).json()["therapies"][0]
    assert {f["rule"] for f in others["findings"]} == {
        "opioid-medicines", "opioid-dependence", "organ-transplant", "already-taking-naltrexone",
        "liver-disease-full-dose",
    }
    covered = set(fired) | {f["rule"] for f in others["findings"]}
    from carechoices.therapies.models import TherapyPage

    page = TherapyPage.objects.get(slug=LDN)
    assert {block.value["rule_id"] for block in page.contraindications} <= covered


def test_results_page_lists_unrecognised_inputs_with_suggestion_to_confirm(client):
    response = client.post(f"/therapies/{LDN}/check/", {"medicines": "tramadoll\nqqqzz"})
    html = response.content.decode()
    assert "Not checked — ask your pharmacist" in html
    assert "qqqzz" in html and "did you mean tramadol" in html
    assert "Yes, check “tramadol” instead of “tramadoll”" in html
    assert "Not fully checked" in html
    assert ">safe<" not in html.lower() and " safe " not in html.lower().replace("safety", "")


def test_confirming_a_suggestion_rescreens_with_it(client):
    response = client.post(f"/therapies/{LDN}/check/", {"medicines": "tramadoll"})
    choice = response.context["result"].suggestion_choices[0]
    response = client.post(f"/therapies/{LDN}/check/", choice.fields)
    assert response.context["result"].therapy_results[0]["verdict"] == "avoid"


def test_site_wide_screen_covers_all_therapies_and_unreviewed_ones_are_incomplete(client):
    response = client.post("/screen/", {"medicines": "ibuprofen"})
    results = {t["therapy"]: t["verdict"] for t in response.context["result"].therapy_results}
    assert len(results) == 7
    assert results["vitamin-d"] == "caution"  # NSAID rule
    assert results["melatonin"] == "incomplete"  # interactions not yet reviewed
    assert results[LDN] == "no-known-concerns"


def test_ambiguous_brand_is_screened_on_union_and_marked(client):
    body = api(client, {"therapies": [LDN], "medicines": ["Robitussin"]}).json()
    (item,) = body["inputs"]
    assert item["status"] == "ambiguous"
    assert len(item["ingredients"]) > 1


def test_openapi_documents_screen_and_plan(client):
    spec = client.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/screen", "/api/v1/plan", "/api/v1/plan.ics", "/api/v1/plan.pdf"):
        assert path in spec["paths"], path
        assert "requestBody" in spec["paths"][path]["post"]


def test_partly_recognised_name_is_not_fully_checked(client):
    body = api(client, {"therapies": [LDN], "medicines": ["hydrocodon/APAP"]}).json()
    assert body["therapies"][0]["verdict"] == "incomplete"
    assert any("hydrocodon" in note for note in body["coverage"]["unrecognised"])


def test_common_combination_product_is_fully_checked(client):
    body = api(client, {"therapies": ["vitamin-d"], "medicines": ["Percocet 5/325"]}).json()
    assert body["coverage"]["unrecognised"] == []
    assert body["therapies"][0]["verdict"] == "no-known-concerns"


def _as_documented(schema, data):
    """``data`` read through its documented response model and written back out."""
    return schema.model_validate(data).model_dump(mode="json", by_alias=True)


@pytest.mark.parametrize(("args", "payload", "verdict", "rules"), CASES)
def test_the_screen_answer_is_exactly_its_documented_model(client, args, payload, verdict, rules):
    """The endpoint writes the contract JSON itself: every key must be one the OpenAPI model
    declares (a key the model lacks would be dropped by reading it) and nothing the model
    declares may be missing (reading it would add the default)."""
    from carechoices.api.schemas import ScreenResult

    for body in (payload, {"therapies": [LDN], **payload}):
        data = api(client, body).json()
        assert _as_documented(ScreenResult, data) == data


def test_the_plan_answer_is_exactly_its_documented_model(client):
    import datetime

    from carechoices.api.schemas import PlanResult, plan_request_examples

    for name, example in plan_request_examples(datetime.date.today()).items():
        response = api(client, example["value"], path="/api/v1/plan")
        assert response.status_code == 200, (name, response.content[:300])
        data = response.json()
        assert _as_documented(PlanResult, data) == data, name
