"""The screen sections: one realistic request, timed round robin, reported as ratios.

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
    body = screening.request_body()

    payload = json.loads(body)
    request = parse_request(payload, therapy_slugs=[therapy.slug for therapy in ALL_THERAPIES])

    assert payload == screening.screen_payload() == {"medicines": list(screening.SCREEN_MEDICINES)}
    assert request.medicines == screening.SCREEN_MEDICINES
    assert request.therapies is None  # every therapy is screened


def test_time_round_robin_warms_up_once_then_runs_each_action_in_turn_in_batches() -> None:
    calls: list[str] = []
    actions = {"a": lambda: calls.append("a"), "b": lambda: calls.append("b")}

    samples = screening.time_round_robin(actions, runs=3, batch=2)

    assert calls == ["a", "b"] + ["a", "a", "b", "b"] * 3
    assert {name: len(values) for name, values in samples.items()} == {"a": 6, "b": 6}
    assert all(value >= 0 for values in samples.values() for value in values)


def test_screening_actions_time_the_engine_and_both_baselines() -> None:
    vocabulary = FakeVocabulary()
    request = parse_request(screening.screen_payload())

    actions, result = screening.screening_actions(request, ALL_THERAPIES, vocabulary, today=TODAY)
    before = vocabulary.lookups
    actions["lookups"]()

    assert {"engine", "lookups", "json_dumps"} <= set(actions)
    assert {name.removeprefix("lookups:") for name in actions if ":" in name} == set(
        screening.medicines_by_status(result)
    )
    assert len(result["therapies"]) == len(ALL_THERAPIES)
    assert vocabulary.lookups - before == 20
    assert json.loads(actions["json_dumps"]()) == result  # type: ignore[arg-type]


def test_summarise_screening_divides_the_engine_by_each_baseline() -> None:
    samples = {
        "engine": [40_000_000, 42_000_000, 44_000_000],
        "lookups": [20_000_000, 21_000_000, 22_000_000],
        "json_dumps": [100_000, 105_000, 110_000],
    }
    result = {
        "inputs": [
            {"status": "recognised"},
            {"status": "recognised"},
            {"status": "suggested"},
            {"status": "unrecognised"},
        ],
        "therapies": [
            {"therapy": "low-dose-naltrexone", "verdict": "avoid", "findings": [{}, {}]},
            {"therapy": "melatonin", "verdict": "incomplete", "findings": []},
        ],
    }

    measured = screening.summarise_screening(samples, result, medicines=4, therapies=2, rules=6)

    figures = measured.figures
    assert figures["times_ms"]["engine"]["median_ms"] == 42.0
    assert figures["ratio_to_lookups"] == 2.0
    assert figures["ratio_to_json_dumps"] == 400.0
    assert figures["inputs"] == {"recognised": 2, "suggested": 1, "unrecognised": 1}
    assert figures["findings"] == 2
    assert figures["verdicts"] == {"low-dose-naltrexone": "avoid", "melatonin": "incomplete"}
    assert figures["runs"] == 3
    assert [row[3] for row in measured.tables[0].rows] == ["1×", "2×", "400×"]
    assert "4 medicines × 2 therapies (6 rules)" in measured.tables[0].title


def test_input_statuses_counts_an_empty_result_as_nothing() -> None:
    assert screening.input_statuses({}) == {}


def test_summarise_screening_puts_the_lookup_parts_under_the_lookups_as_shares() -> None:
    samples = {
        "engine": [40_000_000],
        "lookups": [20_000_000],
        "json_dumps": [100_000],
        "lookups:recognised": [1_000_000],
        "lookups:suggested": [19_000_000],
    }
    result = {
        "inputs": [
            {"kind": "medicine", "input": "Ultram", "status": "recognised"},
            {"kind": "medicine", "input": "tramadoll", "status": "suggested"},
        ]
    }

    rows = (
        screening.summarise_screening(samples, result, medicines=2, therapies=1, rules=1)
        .tables[0]
        .rows
    )

    assert [row[0] for row in rows] == [
        "engine: screen() for the whole request",
        "baseline: vocabulary lookups alone",
        "  of which the 1 recognised names",
        "  of which the 1 suggested names",
        "baseline: json.dumps(result)",
    ]
    assert [row[3] for row in rows[2:4]] == ["5% of lookups", "95% of lookups"]


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
