"""Sections run in order; a skipped or failing one is reported and never stops the rest."""

from __future__ import annotations

from bench.registry import (
    FAILED,
    MEASURED,
    NOT_AVAILABLE,
    SKIPPED,
    BenchOptions,
    Measured,
    Section,
    SectionSkipped,
    run_sections,
)


def measured(options: BenchOptions) -> Measured:
    return Measured(figures={"requests": options.requests})


def missing_binary(options: BenchOptions) -> Measured:
    raise SectionSkipped("wrk not found")


def unwritten_module(options: BenchOptions) -> Measured:
    raise SectionSkipped("not written yet", status=NOT_AVAILABLE)


def broken(options: BenchOptions) -> Measured:
    raise RuntimeError("page answered 500")


def test_run_sections_reports_every_outcome_in_order() -> None:
    sections = [
        Section("broken", "Broken", broken),
        Section("skipped", "Skipped", missing_binary),
        Section("unwritten", "Unwritten", unwritten_module),
        Section("fine", "Fine", measured),
    ]

    outcomes = run_sections(sections, BenchOptions(requests=3))

    assert [outcome.status for outcome in outcomes] == [FAILED, SKIPPED, NOT_AVAILABLE, MEASURED]
    assert outcomes[0].reason == "RuntimeError: page answered 500"
    assert "Traceback" in outcomes[0].detail
    assert outcomes[1].reason == "wrk not found"
    assert outcomes[3].figures == {"requests": 3}


def test_outcomes_without_measurement_carry_no_figures() -> None:
    outcomes = run_sections(
        [Section("broken", "Broken", broken), Section("skipped", "Skipped", missing_binary)],
        BenchOptions(),
    )

    assert [outcome.as_json()["figures"] for outcome in outcomes] == [{}, {}]
    assert "detail" in outcomes[0].as_json()
    assert "detail" not in outcomes[1].as_json()
