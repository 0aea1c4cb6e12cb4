"""The review's pages render from its compiled record, whose citations were walked once.

The pages, the API and the reference exports read one ``ReviewRecord`` per live revision
(``therapies.compile``), so a reference has one number everywhere; a preview compiles its own.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser

from carechoices.therapies import compile as compile_module
from carechoices.therapies.compile import CompiledReview, build_record, live_records
from carechoices.therapies.models import TherapyPage

pytestmark = pytest.mark.django_db

PROJECT = Path(__file__).resolve().parents[2]
LDN = "low-dose-naltrexone"
SUBPAGES = ("", "research/", "safety/", "expert-use/", "professionals/", "costs/", "references/")


def _numbers_in(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<a href="#ref-(\d+)"', html)]


def _rule_item(html: str, rule_id: str) -> str:
    match = re.search(rf'<li class="record severity-\w+" id="rule-{re.escape(rule_id)}">(.*?)</li>', html, re.S)
    assert match, rule_id
    return match.group(1)


def test_pages_api_and_exports_number_references_from_one_walk(client, monkeypatch):
    # Arrange: count the citation walks, per review.
    walks: list[str] = []
    real_walk = compile_module.review_citation_order

    def counting_walk(page, evidence=None):
        walks.append(page.slug)
        return real_walk(page, evidence)

    monkeypatch.setattr(compile_module, "review_citation_order", counting_walk)
    page = TherapyPage.objects.get(slug=LDN)

    # Act
    api = client.get(f"/api/v1/therapies/{LDN}").json()
    pages = {suffix: client.get(page.url + suffix).content.decode() for suffix in SUBPAGES}
    exported = json.loads(client.get(f"{page.url}references/export.csl.json").content)

    # Assert: one walk for this review, shared by every page, the API and the export ...
    assert walks.count(LDN) == 1
    numbers = {reference["id"]: reference["number"] for reference in api["references"]}
    assert [item["id"] for item in exported] == sorted(numbers, key=numbers.get)
    # ... and the pages print the API's numbers: every reference is listed under it ...
    listed = [int(n) for n in re.findall(r'<li id="ref-(\d+)" value="\1">', pages["references/"])]
    assert listed == sorted(numbers.values())
    # ... and each rule and side effect cites its references by them.
    safety = pages["safety/"]
    for rule in api["rules"]:
        action = re.search(r'<p class="action">(.*?)</p>', _rule_item(safety, rule["rule_id"]), re.S).group(1)
        assert _numbers_in(action) == sorted(numbers[key] for key in rule["references"]), rule["rule_id"]
    cited_on_safety = {number for effect in api["side_effects"] for number in map(numbers.get, effect["references"])}
    assert cited_on_safety <= set(_numbers_in(safety))


def test_live_page_renders_the_cached_record_not_the_page_blocks(client, monkeypatch):
    # Arrange: the cached record says something the page's blocks do not.
    page = TherapyPage.objects.get(slug=LDN)
    compiled = live_records()
    real = compiled[LDN].record
    first = real.contraindications[0]
    changed = dataclasses.replace(
        first, plain_text="Text only the record holds [@elsegood2016].", action="Only the record says this."
    )
    record = dataclasses.replace(real, contraindications=(changed, *real.contraindications[1:]))
    real_compiled_review = compile_module.compiled_review

    def faked(page, *, url=None):
        if page.slug == LDN:
            return CompiledReview(compiled[LDN].page, record)
        return real_compiled_review(page, url=url)

    monkeypatch.setattr(compile_module, "compiled_review", faked)

    # Act
    html = client.get(page.url + "safety/").content.decode()

    # Assert: the record's text, its marker numbered as the record numbers it.
    item = _rule_item(html, first.rule_id)
    assert "Text only the record holds" in item and "Only the record says this." in item
    assert f'aria-label="reference {record.citations.numbers["elsegood2016"]}"' in item
    assert "[@elsegood2016]" not in item
    assert first.plain_text.split("[@")[0].strip() not in item


def _count_builds(monkeypatch) -> list[str]:
    built: list[str] = []
    real_build = compile_module.build_record

    def counting_build(page, **kwargs):
        built.append(page.slug)
        return real_build(page, **kwargs)

    monkeypatch.setattr(compile_module, "build_record", counting_build)
    return built


def test_the_first_page_after_a_publish_compiles_only_its_own_review(client, monkeypatch):
    from carechoices.editorial import generation

    page = TherapyPage.objects.get(slug=LDN)
    generation.bump()  # as a publish does: every compiled record is out of date
    built = _count_builds(monkeypatch)

    for suffix in SUBPAGES:
        assert client.get(page.url + suffix).status_code == 200

    assert built == [LDN]  # not every live review, and once for all seven sub-pages


def test_a_page_shown_first_shares_its_record_with_the_api(client, monkeypatch):
    from carechoices.editorial import generation

    page = TherapyPage.objects.get(slug=LDN)
    generation.bump()
    built = _count_builds(monkeypatch)

    client.get(page.url + "safety/")
    client.get(f"/api/v1/therapies/{LDN}")
    client.get("/api/v1/therapies")

    assert built.count(LDN) == 1
    assert sorted(built) == sorted(live_records())  # the API compiled the others, once each


def test_preview_renders_the_drafts_own_record(client, rf, ldn):
    # Arrange: a draft that changes a rule's text, previewed (as the back office does).
    draft = ldn.get_latest_revision_as_object()
    blocks = draft.contraindications.get_prep_value()
    blocks[0]["value"]["plain_text"] = "Draft wording of the rule [@bihari2021]."
    draft.contraindications = blocks
    request = rf.get(ldn.url + "safety/")
    request.user = AnonymousUser()
    request.is_preview = True

    # Act
    preview = draft.safety(request).render().content.decode()
    live = client.get(ldn.url + "safety/").content.decode()

    # Assert
    rule_id = blocks[0]["value"]["rule_id"]
    number = build_record(draft).citations.numbers["bihari2021"]
    assert "Draft wording of the rule" in _rule_item(preview, rule_id)
    assert f'aria-label="reference {number}"' in _rule_item(preview, rule_id)
    assert "Draft wording of the rule" not in live


def test_review_that_cannot_compile_still_renders_its_pages(client):
    # Arrange: a rule the screen cannot read and a protocol saved without an id.
    page = TherapyPage.objects.get(slug=LDN)
    rules = page.contraindications.get_prep_value()
    rules[0]["value"]["any_of"][0]["kind"] = "no-such-kind"
    page.contraindications = rules
    protocols = page.dosing_protocols.get_prep_value()
    broken_protocol = protocols[0]["value"]["name"]
    protocols[0]["value"]["protocol_id"] = ""
    page.dosing_protocols = protocols
    page.save()
    assert live_records()[LDN].record is None  # the screen, plan and API say it cannot compile

    # Act
    responses = {suffix: client.get(page.url + suffix) for suffix in SUBPAGES}

    # Assert: every page renders; the rule is still shown, the unusable protocol is not.
    assert {suffix: r.status_code for suffix, r in responses.items()} == dict.fromkeys(SUBPAGES, 200)
    assert f'id="rule-{rules[0]["value"]["rule_id"]}"' in responses["safety/"].content.decode()
    expert_use = responses["expert-use/"].content.decode()
    assert broken_protocol not in expert_use
    assert protocols[1]["value"]["name"] in expert_use


def test_a_review_that_cannot_compile_is_compiled_for_its_page_once(client, monkeypatch, django_user_model):
    page = TherapyPage.objects.get(slug=LDN)
    rules = page.contraindications.get_prep_value()
    rules[0]["value"]["any_of"][0]["kind"] = "no-such-kind"
    page.contraindications = rules
    page.save()
    # A signed-in reader: past the page store, so every request reaches the page's code.
    client.force_login(django_user_model.objects.create_user("reader", password="x" * 20))
    built = _count_builds(monkeypatch)

    for suffix in SUBPAGES:
        assert client.get(page.url + suffix).status_code == 200

    # The strict compile that fails, then the page's lenient one: once each, not per request.
    assert built == [LDN, LDN]


def test_compiling_a_record_needs_no_page_presenter(ldn, monkeypatch):
    # Arrange: importing the presenter now fails.
    monkeypatch.setitem(sys.modules, "carechoices.therapies.presenters", None)

    # Act
    record = build_record(ldn)

    # Assert
    assert record.references and record.citations.numbers
    assert [r.number for r in record.references] == [record.citations.numbers[r.key] for r in record.references]


def test_compile_module_does_not_import_the_presenter():
    # Not at import time ...
    code = (
        "import sys, django\n"
        "django.setup()\n"
        "import carechoices.therapies.compile\n"
        "print('carechoices.therapies.presenters' in sys.modules)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
    # ... nor inside a function.
    tree = ast.parse((PROJECT / "carechoices/therapies/compile.py").read_text())
    imported = {
        ("." * node.level) + (node.module or "") for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
    } | {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    assert not imported & {".presenters", "carechoices.therapies.presenters"}
