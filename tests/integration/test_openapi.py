"""The OpenAPI document is valid OpenAPI 3.1, complete, and states the limits the API enforces.

Every ``$ref`` resolves; every example matches its schema and every request example is accepted;
each limit the document declares (counts, lengths, patterns, number ranges, unknown keys) is the
validator's own, at the limit and one past it; and ``/api/v1/docs`` loads only our static files.
"""

from __future__ import annotations

import datetime
import json
from html.parser import HTMLParser

import pytest
from jsonschema import Draft202012Validator
from ninja.openapi.schema import REF_TEMPLATE
from ninja.schema import NinjaGenerateJsonSchema
from openapi_spec_validator import OpenAPIV31SpecValidator, validate

from carechoices.api.api import REQUEST_MODELS, api
from carechoices.plans.limits import PLAN_FIELDS
from carechoices.screening.limits import FIELDS, PROCEDURE_FIELDS, known_time_zones

pytestmark = pytest.mark.django_db

POSTS = ("/api/v1/screen", "/api/v1/plan", "/api/v1/plan.ics", "/api/v1/plan.pdf")
PLANS = POSTS[1:]
LDN = "low-dose-naltrexone"


@pytest.fixture
def spec(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def post(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


def resolve(spec, ref):
    assert ref.startswith("#/"), ref
    node = spec
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def refs(node):
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs(value)


def body_schema(spec, path):
    ref = spec["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    return resolve(spec, ref)


def validator(spec, schema):
    """A JSON Schema 2020-12 validator (formats checked) of ``schema`` inside the document."""
    return Draft202012Validator(
        {**schema, "components": spec["components"]}, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


# --- the document ---------------------------------------------------------------------------


def test_document_is_valid_openapi_3_1(spec):
    assert spec["openapi"].startswith("3.1.")
    validate(spec, cls=OpenAPIV31SpecValidator)


def test_every_ref_resolves(spec):
    found = sorted(set(refs(spec)))
    assert "#/components/schemas/ScreenRequestIn" in found
    assert "#/components/schemas/ProcedureIn" in found
    for ref in found:
        assert isinstance(resolve(spec, ref), dict), ref


def _definitions(model, mode):
    schema = model.model_json_schema(ref_template=REF_TEMPLATE, schema_generator=NinjaGenerateJsonSchema, mode=mode)
    definitions = schema.pop("$defs", {})
    if mode == "validation":  # a response model is ninja's wrapper around the named models
        definitions[model.__name__] = schema
    return definitions


def test_no_two_schemas_share_a_component_name():
    """Components are one namespace for the whole API, and ninja lets a later model replace an
    earlier one of the same name: every endpoint would then be documented with the other shape."""
    seen: dict[str, tuple[str, str]] = {}
    clashes = []
    models = [(model, "validation") for model in REQUEST_MODELS]
    for router in api._get_bound_routers():
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                models += [
                    (model, "serialization")
                    for model in operation.response_models.values()
                    if isinstance(model, type)
                ]
    for model, mode in models:
        for name, definition in _definitions(model, mode).items():
            text = json.dumps(definition, sort_keys=True)
            where = f"{model.__module__}.{model.__qualname__}"
            if name in seen and seen[name][1] != text:
                clashes.append(f"{name}: {seen[name][0]} and {where}")
            seen.setdefault(name, (where, text))
    assert not clashes, clashes


def test_request_bodies_declare_exactly_the_validators_fields(spec):
    screen, plan = body_schema(spec, "/api/v1/screen"), body_schema(spec, "/api/v1/plan")
    procedure = spec["components"]["schemas"]["ProcedureIn"]
    assert tuple(screen["properties"]) == FIELDS
    assert tuple(procedure["properties"]) == PROCEDURE_FIELDS
    assert set(plan["properties"]) == set(PLAN_FIELDS)
    assert plan["required"] == ["therapy", "start_date"]
    assert procedure["required"] == ["type"]
    for schema in (screen, plan, procedure):
        assert schema["additionalProperties"] is False
    for path in PLANS:
        assert body_schema(spec, path) == plan


def test_every_post_documents_its_errors_and_its_answer(spec):
    for path in POSTS:
        operation = spec["paths"][path]["post"]
        assert operation["requestBody"]["required"] is True
        assert operation["requestBody"]["content"]["application/json"]["examples"]
        for status in ("200", "400", "413", "422"):
            response = operation["responses"][status]
            assert response["headers"]["Cache-Control"]["required"] is True
            if status != "200":
                media = response["content"]["application/json"]
                assert media["schema"] == {"$ref": "#/components/schemas/FieldError"}
                assert media["examples"]
    media = {path: set(spec["paths"][path]["post"]["responses"]["200"]["content"]) for path in POSTS}
    assert media == {
        "/api/v1/screen": {"application/json"},
        "/api/v1/plan": {"application/json"},
        "/api/v1/plan.ics": {"text/calendar"},
        "/api/v1/plan.pdf": {"application/pdf"},
    }
    for path in ("/api/v1/plan.ics", "/api/v1/plan.pdf"):
        assert spec["paths"][path]["post"]["responses"]["200"]["headers"]["Content-Disposition"]["required"]


def test_every_example_matches_its_schema(spec):
    checked = 0
    for path in POSTS:
        operation = spec["paths"][path]["post"]
        media_types = [operation["requestBody"]["content"]["application/json"]]
        media_types += [
            response["content"]["application/json"]
            for response in operation["responses"].values()
            if "application/json" in response.get("content", {})
        ]
        for media in media_types:
            check = validator(spec, media["schema"])
            for name, example in media.get("examples", {}).items():
                errors = [error.message for error in check.iter_errors(example["value"])]
                assert not errors, (path, name, errors)
                checked += 1
    assert checked >= 20


def test_request_examples_are_accepted(client, spec):
    for path in POSTS:
        examples = spec["paths"][path]["post"]["requestBody"]["content"]["application/json"]["examples"]
        for name, example in examples.items():
            response = post(client, path, example["value"])
            assert response.status_code == 200, (path, name, response.content[:300])
    # Dated from the day the document is served, so they stay valid.
    plan = spec["paths"]["/api/v1/plan"]["post"]["requestBody"]["content"]["application/json"]["examples"]
    assert all(example["value"]["start_date"] >= datetime.date.today().isoformat() for example in plan.values())


# --- each declared limit is the validator's -----------------------------------------------------


def _property(schema, name):
    """The non-null branch of a property's schema."""
    prop = schema["properties"][name]
    branches = [branch for branch in prop.get("anyOf", [prop]) if branch.get("type") != "null"]
    assert len(branches) == 1, prop
    return branches[0]


def assert_refused(client, path, body, field):
    response = post(client, path, body)
    assert response.status_code == 422, (body if len(json.dumps(body)) < 300 else field, response.content)
    assert response.json()["error"]["field"] == field


def assert_accepted(client, path, body):
    response = post(client, path, body)
    assert response.status_code == 200, response.content[:300]


def test_screen_counts_are_the_validators(client, spec):
    schema = body_schema(spec, "/api/v1/screen")
    one = {"medicines": ["ibuprofen"]}
    for name, item, base in (
        ("medicines", "ibuprofen", {}),
        ("conditions", "Hashimoto's", {}),
        ("procedures", {"type": "surgery"}, {}),
        ("therapies", LDN, one),
    ):
        limit = schema["properties"][name]["maxItems"]
        assert_accepted(client, "/api/v1/screen", {**base, name: [item] * limit})
        assert_refused(client, "/api/v1/screen", {**base, name: [item] * (limit + 1)}, name)
    assert schema["properties"]["therapies"]["minItems"] == 1
    assert_refused(client, "/api/v1/screen", {**one, "therapies": []}, "therapies")
    # At least one medicine, condition or procedure (the document's anyOf).
    assert {tuple(branch["required"]) for branch in schema["anyOf"]} == {("medicines",), ("conditions",), ("procedures",)}
    assert_refused(client, "/api/v1/screen", {"therapies": [LDN]}, "medicines")
    assert_refused(client, "/api/v1/screen", {"medicines": []}, "medicines")


def test_texts_are_limited_as_declared(client, spec):
    text = _property(body_schema(spec, "/api/v1/screen"), "cancer_type")
    assert text == body_schema(spec, "/api/v1/screen")["properties"]["medicines"]["items"]
    limit = text["maxLength"]
    check = validator(spec, text)
    for body_field, wrap in (("medicines", lambda t: [t]), ("cancer_type", lambda t: t)):
        field = "medicines[0]" if body_field == "medicines" else "cancer_type"
        base = {} if body_field == "medicines" else {"medicines": ["ibuprofen"]}
        assert_accepted(client, "/api/v1/screen", {**base, body_field: wrap("a" * limit)})
        for bad in ("a" * (limit + 1), "", "   ", "a\tb", "a\nb", "line\u2028separator", "bell\x07", "\x85"):
            assert not check.is_valid(bad), repr(bad)
            assert_refused(client, "/api/v1/screen", {**base, body_field: wrap(bad)}, field)
    for good in (" Percocet 5/325 ", "Hashimoto’s", "甲状腺", "x"):
        assert check.is_valid(good)


def test_numbers_are_limited_as_declared(client, spec):
    screen, plan = body_schema(spec, "/api/v1/screen"), body_schema(spec, "/api/v1/plan")
    dose = _property(screen, "dose_mg")
    assert _property(plan, "dose_mg") == dose == _property(plan, "start_dose_mg")
    low, high = dose["exclusiveMinimum"], dose["maximum"]
    one = {"medicines": ["ibuprofen"]}
    assert_accepted(client, "/api/v1/screen", {**one, "dose_mg": high})
    assert_accepted(client, "/api/v1/screen", {**one, "dose_mg": low + 0.001})
    for bad in (low, low - 1, high + 0.001):
        assert_refused(client, "/api/v1/screen", {**one, "dose_mg": bad}, "dose_mg")
    start = {"therapy": LDN, "start_date": datetime.date.today().isoformat(), "protocol": "weekly-1-mg-steps"}
    assert_accepted(client, "/api/v1/plan", {**start, "start_dose_mg": 1})
    for bad in (low, high + 0.5):
        assert_refused(client, "/api/v1/plan", {**start, "start_dose_mg": bad}, "start_dose_mg")


def test_plan_texts_are_limited_as_declared(client, spec):
    plan = body_schema(spec, "/api/v1/plan")
    base = {"therapy": LDN, "start_date": datetime.date.today().isoformat()}
    decision = _property(plan, "prescriber_decision")
    limit = decision["maxLength"]
    minimum = next(branch["minLength"] for branch in decision["anyOf"] if "minLength" in branch)
    check = validator(spec, decision)
    accepted = ("Dr Lee agreed on 2 December.\n" * 40)[:limit]
    assert check.is_valid(accepted) and check.is_valid("") and check.is_valid("  ")
    assert_accepted(client, "/api/v1/plan", {**base, "prescriber_decision": accepted})
    assert_accepted(client, "/api/v1/plan", {**base, "prescriber_decision": "  "})
    for bad in ("x" * (limit + 1), "x" * (minimum - 1), "Dr Lee\tagreed on 2 December"):
        assert not check.is_valid(bad)
        assert_refused(client, "/api/v1/plan", {**base, "prescriber_decision": bad}, "prescriber_decision")
    protocol = _property(plan, "protocol")
    for bad in ("x" * (protocol["maxLength"] + 1), "   "):
        assert not validator(spec, protocol).is_valid(bad)
        assert_refused(client, "/api/v1/plan", {**base, "protocol": bad}, "protocol")
    for path in PLANS:
        assert_refused(client, path, {"start_date": base["start_date"]}, "therapy")
        assert_refused(client, path, {"therapy": LDN}, "start_date")


def test_patterns_are_the_validators(client, spec):
    screen = body_schema(spec, "/api/v1/screen")
    date = _property(spec["components"]["schemas"]["ProcedureIn"], "date")
    slug = screen["properties"]["therapies"]["items"]
    zone = _property(screen, "time_zone")
    plan = body_schema(spec, "/api/v1/plan")
    for same in (plan["properties"]["start_date"], _property(plan, "opioid_free_from")):
        assert (same["pattern"], same["format"]) == (date["pattern"], date["format"]) == ("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "date")
    one = {"medicines": ["ibuprofen"]}
    today = datetime.date.today()
    assert_accepted(client, "/api/v1/screen", {**one, "procedures": [{"type": "surgery", "date": today.isoformat()}]})
    for bad in (f"{today.year}-1-05", f"{today.year}-02-30", today.strftime("%Y%m%d"), today.isoformat() + "T00:00", "tomorrow", "٢٠٢٦-١٢-٠١"):
        assert not validator(spec, date).is_valid(bad), bad
        assert_refused(client, "/api/v1/screen", {**one, "procedures": [{"type": "surgery", "date": bad}]}, "procedures[0].date")
    for bad in ("Low-Dose-Naltrexone", "low_dose", "-ldn", "ldn-", "low--dose"):
        assert not validator(spec, slug).is_valid(bad)
        assert_refused(client, "/api/v1/screen", {**one, "therapies": [bad]}, "therapies[0]")
    # Every real zone fits the declared shape, so the document refuses none the API accepts.
    check = validator(spec, zone)
    assert [name for name in known_time_zones() if not check.is_valid(name)] == []
    assert_refused(client, "/api/v1/screen", {**one, "time_zone": "Europe/London "}, "time_zone")


def test_unknown_keys_are_refused_as_declared(client):
    today = datetime.date.today().isoformat()
    assert_refused(client, "/api/v1/screen", {"medicines": ["ibuprofen"], "dose": 4.5}, "dose")
    assert_refused(client, "/api/v1/screen", {"procedures": [{"type": "surgery", "when": today}]}, "procedures[0].when")
    for path in PLANS:
        assert_refused(client, path, {"therapy": LDN, "start_date": today, "therapies": [LDN]}, "therapies")


def test_errors_keep_their_statuses(client):
    assert client.post("/api/v1/screen", "{", content_type="application/json").status_code == 400
    assert client.post("/api/v1/screen", "[]", content_type="application/json").json() == {
        "error": {"field": "body", "message": "must be a JSON object"}
    }
    big = json.dumps({"medicines": ["x" * 1000] * 1100})
    response = client.post("/api/v1/screen", big, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["error"]["field"] == "body"


# --- the docs page ------------------------------------------------------------------------------


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.urls += [value for name, value in attrs if name in ("src", "href") and value]


def test_docs_page_loads_only_our_own_static_files(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    parser = _Links()
    parser.feed(html)
    assert parser.urls, "the page names its scripts and styles"
    assert all(url.startswith("/static/") for url in parser.urls), parser.urls
    assert "://" not in html and 'src="//' not in html and 'href="//' not in html
    assert any(url.endswith("swagger-ui-bundle.js") for url in parser.urls)
    for url in parser.urls:
        asset = client.get(url)
        assert asset.status_code == 200, url
        asset.close()
    start = html.index('id="swagger-settings">') + len('id="swagger-settings">')
    settings = json.loads(html[start : html.index("</script>", start)])
    assert settings["url"] == "/api/v1/openapi.json"
    assert settings["validatorUrl"] is None  # no badge fetched from validator.swagger.io


def test_the_served_document_has_no_duplicated_key(client):
    # ninja keys responses by int and openapi_extra by str: both side by side once served
    # "200" twice, which Swagger UI refuses ("duplicated mapping key").
    duplicated: list[tuple[str, ...]] = []

    def no_duplicates(pairs):
        keys = [key for key, _ in pairs]
        duplicated.extend(tuple(keys) for key in set(keys) if keys.count(key) > 1)
        return dict(pairs)

    json.loads(client.get("/api/v1/openapi.json").content, object_pairs_hook=no_duplicates)
    assert duplicated == []


def test_an_operation_with_extra_responses_keeps_both_descriptions(spec):
    bundle = spec["paths"]["/api/v1/fhir/therapies/{slug}"]["get"]["responses"]
    assert set(bundle) >= {"200", "304", "400", "404"}
    assert "application/fhir+json" in bundle["200"]["content"]
