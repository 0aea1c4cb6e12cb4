"""The CDS Hooks bench section: its request is a valid hook call (no time is checked)."""

from __future__ import annotations

import datetime
import json

from bench import screening
from bench.__main__ import SECTIONS
from bench.screening import SCREEN_MEDICINES
from carechoices.cds import reading
from carechoices.cds.schemas import CdsRequest
from carechoices.cds.services import REQUIRED_PREFETCH


def test_the_request_is_order_sign_with_twenty_active_medicines_and_every_required_key():
    request = CdsRequest.model_validate(screening.order_sign_request())
    assert request.hook == "order-sign"
    prefetch = reading.require_prefetch(request.prefetch, REQUIRED_PREFETCH)

    chart = reading.read_chart(prefetch, patient_id="bench-patient", today=datetime.date(2026, 12, 1))
    assert [m.label for m in chart.medicines] == list(SCREEN_MEDICINES)
    assert chart.gaps == []

def test_the_screen_baseline_asks_the_same_question():
    assert json.loads(screening.screen_body()) == {
        "therapies": ["low-dose-naltrexone"], "medicines": list(SCREEN_MEDICINES), "dose_mg": 4.5
    }

def test_the_section_is_listed():
    assert SECTIONS["cds-hooks"][1] is screening.run_cds
