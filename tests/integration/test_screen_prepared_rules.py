"""The service prepares the live rules once per mapping of live reviews, and anew for a new one.

``live_therapies()`` gives the same mapping until the published content changes (then a new
one), so the rules prepared for it stand for exactly that content.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest

from carechoices.screening import service
from carechoices.screening.models import ScreenRequest
from tests.unit.screening.sample_rules import ALL_THERAPIES, LDN

TODAY = datetime.date(2026, 11, 1)
REQUEST = ScreenRequest(medicines=("tramadol",))


@pytest.fixture
def prepared(monkeypatch):
    calls = []
    real = service.prepare_rules

    def counting(rules):
        calls.append([therapy.slug for therapy in rules])
        return real(rules)

    monkeypatch.setattr(service, "prepare_rules", counting)
    monkeypatch.setattr(service, "_prepared", None)
    return calls


def _live(therapies) -> dict:
    return {therapy.slug: SimpleNamespace(rules=therapy) for therapy in therapies}


def test_the_same_live_reviews_are_prepared_once(prepared):
    live = _live(ALL_THERAPIES)

    first = service.screen_request(REQUEST, therapies=live, today=TODAY)
    again = service.screen_request(REQUEST, therapies=live, today=TODAY)

    assert prepared == [[therapy.slug for therapy in ALL_THERAPIES]]
    assert again.to_json() == first.to_json()


def test_new_live_reviews_are_prepared_afresh_and_screened_on(prepared):
    service.screen_request(REQUEST, therapies=_live(ALL_THERAPIES), today=TODAY)

    only_ldn = service.screen_request(REQUEST, therapies=_live([LDN]), today=TODAY)

    assert prepared[-1] == [LDN.slug]
    assert [therapy.therapy for therapy in only_ldn.therapies] == [LDN.slug]
