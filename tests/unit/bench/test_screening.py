"""The screen sections: one realistic request and its baselines, reported as ratios.

Only the parts that need no database are tested here; `make bench` runs the rest. No test
checks a time.
"""

from __future__ import annotations

import datetime
import json
import time
from pathlib import Path

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
                                        service=lambda: time.sleep(0.0002))

    figures = measured.figures
    assert (figures["medicines"], figures["therapies"], figures["runs"]) == (
        20, len(ALL_THERAPIES), 1)
    assert figures["rules"] == sum(len(therapy.rules) for therapy in ALL_THERAPIES)
    assert sum(figures["inputs"].values()) == 20
    assert set(figures["verdicts"]) == {therapy.slug for therapy in ALL_THERAPIES}
    assert figures["ratio_to_lookups"] is not None and figures["ratio_to_json_dumps"] is not None
    statuses = [name.removeprefix("lookups:") for name in figures["times_ms"] if ":" in name]
    assert list(figures["times_ms"]) == ["engine", "lookups", *(f"lookups:{s}" for s in statuses),
                                         "json_dumps", "service", "service_cold"]
    assert figures["times_ms"]["service_cold"]["samples"] == 10  # runs × 10, each after eviction
    assert figures["service_cold_ratio_to_service"] > 0  # a service that takes time has one
    assert any(note.startswith("Caches evicted before each call") for note in measured.notes)
    (title, _, rows), = measured.tables
    assert f"20 medicines × {len(ALL_THERAPIES)} therapies" in title
    assert [row[0] for row in rows[:2]] == [screening.LABELS["engine"], screening.LABELS["lookups"]]
    assert rows[0][3] == "1×"
    part_rows = [row for row in rows if row[0].startswith("  of which")]
    assert len(part_rows) == len(statuses)
    assert all(row[3].endswith("% of lookups") for row in part_rows)


def test_without_the_service_there_is_no_cold_figure() -> None:
    request = parse_request(json.loads(screening.request_body()))

    figures = screening.measure_screen(request, ALL_THERAPIES, FakeVocabulary(), today=TODAY,
                                       runs=1).figures

    assert "service_cold" not in figures["times_ms"]
    assert figures["service_cold_ratio_to_service"] is None


def test_the_eviction_size_is_twice_the_largest_cache_listed(tmp_path: Path) -> None:
    for index, size in enumerate(["48K", "1024K", "32768K", "8M"]):
        (tmp_path / f"index{index}").mkdir()
        (tmp_path / f"index{index}" / "size").write_text(size + "\n")

    assert screening.evict_bytes(tmp_path) == 2 * 32768 * 1024
    assert screening.evict_bytes(tmp_path / "missing") == screening.FALLBACK_EVICT_BYTES


def test_eviction_writes_every_cache_line_of_the_buffer() -> None:
    buffer = bytearray(b"\x01" * (screening.CACHE_LINE * 5 + 3))

    screening.evict_caches(buffer)

    written = [i for i, value in enumerate(buffer) if value == 0]
    assert written == [screening.CACHE_LINE * line for line in range(6)]


def test_a_cold_call_is_timed_once_per_call_without_the_eviction() -> None:
    calls = []

    samples = screening.time_cold(lambda: calls.append(1), 7)

    assert len(samples) == len(calls) == 7
    assert all(isinstance(sample, int) and sample >= 0 for sample in samples)
