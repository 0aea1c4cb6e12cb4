"""Export and search figures from what the children report, and the generated corpora's rules."""

from __future__ import annotations

import pytest

from bench import content
from bench.content import SAMPLE, export_figures, summarise_export


def child(name: str, reviews: int, *, export_s: float, peak_kib: int = 143360, **extra) -> dict:
    """A child's report as ``run_export`` passes it on: one step a second after the first."""
    steps = [1.0 + 0.1 * i for i in range(reviews)] + [9.0] * 4
    return {"corpus": name, "counts": {"reviews": reviews}, "files": reviews + 15,
            "bytes": reviews * 22_000, "setup_s": 3.0, "export_s": export_s, "child_s": 8.0,
            "rss_before_kib": 102400, "hwm_after_kib": peak_kib, "steps": steps, **extra}


def test_export_figures_judge_the_goal_on_the_export_and_on_the_whole_command() -> None:
    figures = export_figures(child(SAMPLE, 7, export_s=2.9, dumps_s=0.02, dumps_files=20))

    assert figures["with_start_up_s"] == 5.9
    assert figures["steady_s_per_review"] == pytest.approx(0.1)  # the first review left out
    assert (figures["first_review_s"], figures["reviews_s"]) == (1.0, pytest.approx(1.6))
    assert (figures["peak_rss_mib"], figures["peak_above_start_mib"]) == (140.0, 40.0)
    assert figures["goal_met"] == {"export": True, "with_start_up": False}
    assert "goal_met" not in export_figures(child("100", 107, export_s=4.0))
    assert "peak_rss_mib" not in export_figures(child("100", 107, export_s=4, hwm_after_kib=None))
    assert "steady_s_per_review" not in export_figures({**child("100", 3, export_s=1), "steps": []})


def test_summarise_export_sets_the_large_corpus_against_the_small_and_the_sample_against_json(
) -> None:
    by_corpus = {
        SAMPLE: export_figures(child(SAMPLE, 7, export_s=2.0, dumps_s=0.02, dumps_files=20)),
        "100": export_figures(child("100", 107, export_s=4.28, peak_kib=140 * 1024)),
        "1000": export_figures(child("1000", 1007, export_s=30.21, peak_kib=147 * 1024)),
    }
    built = {"1000": {"file": "var/bench-1000-x.sqlite3", "built": True, "seconds": 103}}

    measured = summarise_export(by_corpus, built)

    ratios = measured.figures["ratios"]
    assert ratios == {"steady_s_per_review_large_to_small": 1.0, "peak_rss_large_to_small": 1.05,
                      "sample_export_to_json_dumps": 100.0}
    (_, _, rows), (_, _, ratio_rows) = measured.tables
    assert [row[0] for row in rows] == ["sample", "100 generated", "1,000 generated"]
    assert rows[2][-1] == "≤ 60 s: met (with start-up: met)"
    assert ratio_rows[1] == ("peak memory, 1,000 generated ÷ 100 generated", "1.05×")
    assert any("var/bench-1000-x.sqlite3 built this run in 103 s" in note for note in measured.notes)


def test_search_summary_sets_each_query_and_all_together_against_the_health_check() -> None:
    samples = {query: [2_000_000, 4_000_000, 6_000_000] for query in content.QUERIES}
    samples[content.QUERIES[0]] = [10_000_000] * 3
    samples["/healthz"] = [1_000_000] * 3

    figures = content.summarise_search(samples)

    assert figures[content.QUERIES[0]]["ratio_to_healthz"] == 10.0
    assert figures[content.QUERIES[1]]["median_ms"] == 4.0
    assert figures["all queries"]["samples"] == 3 * len(content.QUERIES)
    assert figures["all queries"]["p95_ms"] == 10.0


def test_copies_go_round_the_samples_under_new_slugs_and_titles() -> None:
    samples = [{"slug": "melatonin", "title": "Melatonin", "tagline": "Sleep hormone"},
               {"slug": "vitamin-d", "title": "Vitamin D"}]

    assert content.copy_of(samples, 7) == {"slug": "melatonin-copy-0007",
                                           "title": "Melatonin (copy 7)", "tagline": "Sleep hormone"}
    assert [content.copy_of(samples, n)["slug"][:3] for n in range(1, 5)] == ["mel", "vit"] * 2
    assert samples[0]["slug"] == "melatonin"  # the sample's own content is not changed


def test_a_new_migration_names_a_new_corpus() -> None:
    migrations = [("therapies", "0001_initial"), ("people", "0001_initial")]

    path = content.corpus_path(100, migrations)

    assert path.name.startswith("bench-100-") and path.suffix == ".sqlite3"
    assert content.corpus_path(100, list(reversed(migrations))) == path
    assert content.corpus_path(100, [*migrations, ("therapies", "0002_x")]) != path
    assert content.corpus_path(1000, migrations).name.startswith("bench-1000-")


def test_the_step_recorder_notes_the_seconds_of_every_step() -> None:
    recorder = content.StepRecorder()

    step = recorder.task("Exporting", 2)
    step()
    step()

    assert len(recorder.steps) == 2 and 0 <= recorder.steps[0] <= recorder.steps[1]
