"""The screen sections: one realistic request and its baselines, reported as ratios.

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


def test_the_request_is_twenty_distinct_entries_and_passes_the_api_validation() -> None:
    payload = json.loads(screening.request_body())
    request = parse_request(payload, therapy_slugs=[therapy.slug for therapy in ALL_THERAPIES])

    assert len({name.casefold() for name in screening.SCREEN_MEDICINES}) == 20
    assert payload == {"medicines": list(screening.SCREEN_MEDICINES)}
    assert request.medicines == screening.SCREEN_MEDICINES
    assert request.therapies is None  # every therapy is screened


def test_the_engine_is_set_against_each_baseline_and_the_lookups_split_by_status() -> None:
    vocabulary = FakeVocabulary()
    request = parse_request(json.loads(screening.request_body()))

    measured = screening.measure_screen(request, ALL_THERAPIES, vocabulary, today=TODAY, runs=1,
                                        service=lambda: None)

    figures = measured.figures
    assert (figures["medicines"], figures["therapies"], figures["runs"]) == (
        20, len(ALL_THERAPIES), 1)
    assert figures["rules"] == sum(len(therapy.rules) for therapy in ALL_THERAPIES)
    assert sum(figures["inputs"].values()) == 20
    assert set(figures["verdicts"]) == {therapy.slug for therapy in ALL_THERAPIES}
    assert figures["ratio_to_lookups"] is not None and figures["ratio_to_json_dumps"] is not None
    statuses = [name.removeprefix("lookups:") for name in figures["times_ms"] if ":" in name]
    assert list(figures["times_ms"]) == ["engine", "lookups", *(f"lookups:{s}" for s in statuses),
                                         "json_dumps", "service"]
    (title, _, rows), = measured.tables
    assert f"20 medicines × {len(ALL_THERAPIES)} therapies" in title
    assert [row[0] for row in rows[:2]] == [screening.LABELS["engine"], screening.LABELS["lookups"]]
    assert rows[0][3] == "1×"
    part_rows = [row for row in rows if row[0].startswith("  of which")]
    assert len(part_rows) == len(statuses)
    assert all(row[3].endswith("% of lookups") for row in part_rows)
