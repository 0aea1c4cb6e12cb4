"""The screen sections: one realistic request, its baselines, reported as ratios.

Only the parts that need no database are tested here; `make bench` runs the rest. No test
checks a time.
"""

from __future__ import annotations

import datetime
import json

from bench import screening
from carechoices.screening.limits import parse_request
from tests.unit.screening.fakes import FakeVocabulary
from tests.unit.screening.sample_rules import ALL_THERAPIES

TODAY = datetime.date(2026, 11, 26)


def test_screen_medicines_are_twenty_distinct_entries() -> None:
    medicines = screening.SCREEN_MEDICINES

    assert len(medicines) == 20
    assert len({name.casefold() for name in medicines}) == 20


def test_request_body_is_the_payload_and_passes_the_api_validation() -> None:
    payload = json.loads(screening.request_body())
    request = parse_request(payload, therapy_slugs=[therapy.slug for therapy in ALL_THERAPIES])

    assert payload == {"medicines": list(screening.SCREEN_MEDICINES)}
    assert request.medicines == screening.SCREEN_MEDICINES
    assert request.therapies is None  # every therapy is screened


def test_screening_actions_time_the_engine_and_its_baselines_in_table_order() -> None:
    vocabulary = FakeVocabulary()
    request = parse_request(json.loads(screening.request_body()))

    actions, result = screening.screening_actions(request, ALL_THERAPIES, vocabulary, today=TODAY)
    before = vocabulary.lookups
    actions["lookups"]()

    parts = [f"lookups:{status}" for status in screening.medicines_by_status(result)]
    assert list(actions) == ["engine", "lookups", *parts, "json_dumps"]
    assert len(result["therapies"]) == len(ALL_THERAPIES)
    assert vocabulary.lookups - before == 20
    assert json.loads(actions["json_dumps"]()) == result  # type: ignore[arg-type]


def test_summarise_screening_divides_the_engine_by_each_baseline() -> None:
    samples = {
        "engine": [40_000_000, 42_000_000, 44_000_000],
        "lookups": [20_000_000, 21_000_000, 22_000_000],
        "lookups:recognised": [1_000_000] * 3,
        "lookups:suggested": [19_950_000] * 3,
        "json_dumps": [100_000, 105_000, 110_000],
    }
    result = {
        "inputs": [{"kind": "medicine", "input": "Ultram", "status": "recognised"},
                   {"kind": "medicine", "input": "Advil", "status": "recognised"},
                   {"kind": "medicine", "input": "tramadoll", "status": "suggested"}],
        "therapies": [
            {"therapy": "low-dose-naltrexone", "verdict": "avoid", "findings": [{}, {}]},
            {"therapy": "melatonin", "verdict": "incomplete", "findings": []},
        ],
    }

    measured = screening.summarise_screening(
        samples, result, {"medicines": 3, "therapies": 2, "rules": 6, "runs": 1})

    figures = measured.figures
    assert figures["times_ms"]["engine"]["median_ms"] == 42.0
    assert (figures["ratio_to_lookups"], figures["ratio_to_json_dumps"]) == (2.0, 400.0)
    assert figures["inputs"] == {"recognised": 2, "suggested": 1}
    assert figures["findings"] == 2
    assert figures["verdicts"] == {"low-dose-naltrexone": "avoid", "melatonin": "incomplete"}
    title, _, rows = measured.tables[0]
    assert "3 medicines × 2 therapies (6 rules), 1 runs of 3 calls" in title
    assert [(row[0], row[3]) for row in rows] == [
        ("engine: screen() for the whole request", "1×"),
        ("baseline: vocabulary lookups alone", "2×"),
        ("  of which the 2 recognised names", "5% of lookups"),
        ("  of which the 1 suggested names", "95% of lookups"),
        ("baseline: json.dumps(result)", "400×"),
    ]


def test_medicines_by_status_groups_medicine_inputs_in_order() -> None:
    result = {
        "inputs": [
            {"kind": "medicine", "input": "Ultram", "status": "recognised"},
            {"kind": "condition", "input": "liver disease", "status": "recognised"},
            {"kind": "medicine", "input": "tramadoll", "status": "suggested"},
            {"kind": "medicine", "input": "Advil", "status": "recognised"},
        ]
    }

    assert screening.medicines_by_status(result) == {
        "recognised": ["Ultram", "Advil"],
        "suggested": ["tramadoll"],
    }
