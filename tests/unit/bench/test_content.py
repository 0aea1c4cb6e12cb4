"""Export and search figures from what the children report, and the generated corpora's rules."""

from __future__ import annotations

import sqlite3

import pytest

from bench import content, corpus
from bench.content import SAMPLE, export_figures, review_phase, summarise_export


def child(corpus_name: str, reviews: int, *, export_s: float, peak_kib: int = 143360,
          **extra) -> dict:
    """A child's report as ``run_export`` passes it on."""
    return {"corpus": corpus_name, "counts": {"reviews": reviews}, "files": reviews + 15,
            "bytes": reviews * 22_000, "setup_s": 3.0, "export_s": export_s, "child_s": 8.0,
            "rss_before_kib": 102400, "hwm_after_kib": peak_kib, "steps": [], **extra}


def test_step_recorder_notes_time_and_memory_at_every_step() -> None:
    ticks, memory = iter([10.0, 10.5, 11.25]), iter([1000, 1100])
    recorder = content.StepRecorder(clock=lambda: next(ticks), memory=lambda: next(memory))

    step = recorder.task("Exporting", 2)
    step()
    step()

    assert recorder.phases == [{"description": "Exporting", "total": 2, "start": 10.0,
                                "steps": [(0.5, 1000), (1.25, 1100)]}]


def test_review_phase_leaves_the_first_review_out_of_the_steady_time() -> None:
    # Ten reviews: the first takes 1 s (imports), then 0.1 s each; then four library steps.
    steps = [(1.0 + 0.1 * i, 100 * 1024 + i) for i in range(10)] + [(2.5, 200 * 1024)] * 4

    phase = review_phase(steps, 10)

    assert (phase["first_review_s"], phase["reviews_s"]) == (1.0, pytest.approx(1.9))
    assert phase["steady_s_per_review"] == pytest.approx(0.1)
    assert phase["rss_early_mib"] == pytest.approx(100)  # after the first tenth: review 1
    assert phase["rss_last_review_mib"] == pytest.approx(100 + 9 / 1024)
    assert phase["rss_max_during_reviews_mib"] == phase["rss_last_review_mib"]
    assert review_phase([], 3) == {}
    assert review_phase([(0.2, None), (0.3, None)], 1) == {"first_review_s": 0.2, "reviews_s": 0.2}


def test_export_figures_from_a_child_report_judge_the_goal_on_export_and_whole_command() -> None:
    figures = export_figures(child(SAMPLE, 7, export_s=2.9, dumps_s=0.02, dumps_files=20))

    assert figures["with_start_up_s"] == 5.9
    assert figures["s_per_review"] == pytest.approx(2.9 / 7)
    assert (figures["peak_rss_mib"], figures["rss_before_export_mib"]) == (140.0, 100.0)
    assert figures["peak_above_start_mib"] == 40.0
    assert figures["goal_met"] == {"export": True, "with_start_up": False}
    assert "goal_met" not in export_figures(child("100", 107, export_s=4.0))
    no_proc = child("100", 107, export_s=4.0, hwm_after_kib=None)
    assert "peak_rss_mib" not in export_figures(no_proc)


def test_summarise_export_sets_the_large_corpus_against_the_small_and_the_sample_against_json_dumps(
) -> None:
    by_corpus = {
        SAMPLE: export_figures(child(SAMPLE, 7, export_s=2.0, dumps_s=0.02, dumps_files=20)),
        "100": export_figures(child("100", 107, export_s=4.28, peak_kib=140 * 1024)),
        "1000": export_figures(child("1000", 1007, export_s=30.21, peak_kib=147 * 1024)),
    }
    built = {"1000": {"file": "var/bench-1000.sqlite3", "action": "build", "seconds": 103}}

    measured = summarise_export(by_corpus, built)

    ratios = measured.figures["ratios"]
    assert ratios["s_per_review_large_to_small"] == 0.75  # 30 ms against 40 ms
    assert ratios["peak_rss_large_to_small"] == 1.05
    assert ratios["peak_above_start_large_to_small"] == pytest.approx(1.18, abs=0.01)
    assert ratios["sample_export_to_json_dumps"] == 100.0
    (_, _, rows), (_, _, ratio_rows) = measured.tables
    assert [row[0] for row in rows] == ["sample", "100 generated", "1,000 generated"]
    assert rows[2][-1] == "≤ 60 s: met (with start-up: met)"
    assert ratio_rows[0][:2] == ("time per review, 1,000 generated ÷ 100 generated",
                                 "0.75× (1/1.33)")
    assert ratio_rows[-1][:2] == ("sample export ÷ json.dumps of its 20 files (20 ms)", "100×")
    assert any("var/bench-1000.sqlite3 build this run in 103 s" in note for note in measured.notes)


def test_search_summary_sets_each_query_and_all_together_against_the_health_check() -> None:
    samples = {query: [2_000_000, 4_000_000, 6_000_000] for query in content.QUERIES}
    samples[content.QUERIES[0]] = [10_000_000] * 3
    samples["/healthz"] = [1_000_000] * 3

    figures = content.summarise_search(samples)

    assert figures["/healthz"]["median_ms"] == 1.0
    assert figures[content.QUERIES[0]]["ratio_to_healthz"] == 10.0
    assert figures[content.QUERIES[1]]["median_ms"] == 4.0
    assert figures["all queries"]["samples"] == 3 * len(content.QUERIES)
    assert figures["all queries"]["p95_ms"] == 10.0


def test_a_copy_keeps_the_content_under_a_new_slug_and_title() -> None:
    review = {"slug": "melatonin", "title": "Melatonin", "tagline": "Sleep hormone"}

    assert corpus.copy_of(review, 7) == {"slug": "melatonin-copy-0007",
                                         "title": "Melatonin (copy 7)", "tagline": "Sleep hormone"}
    assert review["slug"] == "melatonin"  # the sample's own content is not changed
    assert [corpus.source_for(n, "abc") for n in range(1, 8)] == list("abcabca")
    with pytest.raises(ValueError, match="no sample"):
        corpus.source_for(1, [])


@pytest.mark.parametrize(
    ("status", "rebuild", "action"),
    [
        (corpus.CorpusStatus(exists=False), False, corpus.BUILD),
        (corpus.CorpusStatus(True, copies=1000), False, corpus.REUSE),
        (corpus.CorpusStatus(True, copies=1000), True, corpus.BUILD),
        (corpus.CorpusStatus(True, copies=400), False, corpus.BUILD),  # interrupted or older
        (corpus.CorpusStatus(True, copies=1000, pending_migrations=2), False, corpus.MIGRATE),
    ],
    ids=["missing", "ready", "rebuild", "wrong-size", "new-migrations"],
)
def test_a_corpus_is_built_once_then_reused(status, rebuild, action) -> None:
    assert corpus.decide(status, 1000, rebuild=rebuild) == action


def test_corpus_status_reads_the_file_without_django(tmp_path) -> None:
    path = tmp_path / "bench-3.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE django_migrations (app TEXT, name TEXT)")
        connection.execute("INSERT INTO django_migrations VALUES ('therapies', '0001_initial')")
        connection.execute("CREATE TABLE wagtailcore_page (slug TEXT, live BOOLEAN)")
        connection.executemany("INSERT INTO wagtailcore_page VALUES (?, ?)", [
            ("melatonin", 1), ("melatonin-copy-0001", 1), ("melatonin-copy-0002", 1),
            ("vitamin-d-copy-0003", 0)])
    connection.close()

    status = corpus.corpus_status(path, {("therapies", "0001_initial"), ("therapies", "0002_x")})

    assert status == corpus.CorpusStatus(exists=True, copies=2, pending_migrations=1)
    assert not corpus.corpus_status(tmp_path / "missing.sqlite3", set()).exists
    (tmp_path / "junk.sqlite3").write_text("not a database")
    assert not corpus.corpus_status(tmp_path / "junk.sqlite3", set()).exists
