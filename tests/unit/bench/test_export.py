"""The export section's pure parts: what a child reports, the ratios, the goals and the tables."""

from __future__ import annotations

import pytest

from bench import corpus
from bench.export import (
    SAMPLE,
    corpus_figures,
    corpus_label,
    goal_verdicts,
    review_phase,
    summarise,
)
from bench.export_run import StepRecorder, status_kib

STATUS = "Name:\tpython\nVmPeak:\t  300000 kB\nVmHWM:\t  143360 kB\nVmRSS:\t  102400 kB\n"


def child(reviews: int, *, export_s: float, peak_kib: int = 143360, steps=None, **extra) -> dict:
    """A report as ``export_run`` prints it."""
    return {
        "counts": {"reviews": reviews, "references": 40, "glossary": 19, "people": 4},
        "files": reviews + 15,
        "bytes": reviews * 22_000,
        "setup_s": 3.0,
        "export_s": export_s,
        "rss_before_kib": 102400,
        "hwm_before_kib": 102400,
        "hwm_after_kib": peak_kib,
        "steps": steps if steps is not None else [],
        **extra,
    }


def test_status_kib_reads_kilobyte_lines_and_none_when_missing() -> None:
    assert status_kib(STATUS, "VmHWM") == 143360
    assert status_kib(STATUS, "VmRSS") == 102400
    assert status_kib("Name:\tkthread\n", "VmHWM") is None
    with pytest.raises(ValueError, match="unit"):
        status_kib("VmHWM:\t 12 MB\n", "VmHWM")


def test_step_recorder_notes_time_and_memory_at_every_step() -> None:
    ticks = iter([10.0, 10.5, 11.25])
    memory = iter([1000, 1100])
    recorder = StepRecorder(clock=lambda: next(ticks), memory=lambda: next(memory))

    step = recorder.task("Exporting", 2)
    step()
    step()

    assert recorder.phases == [{"description": "Exporting", "total": 2, "start": 10.0,
                                "steps": [(0.5, 1000), (1.25, 1100)]}]


def test_review_phase_leaves_the_first_review_out_of_the_steady_time() -> None:
    # Ten reviews: the first takes 1 s (imports), then 0.1 s each; then four library steps.
    steps = [(1.0 + 0.1 * i, 100 * 1024 + i) for i in range(10)] + [(2.5, 200 * 1024)] * 4

    phase = review_phase(steps, 10)

    assert phase["first_review_s"] == 1.0
    assert phase["reviews_s"] == pytest.approx(1.9)
    assert phase["steady_s_per_review"] == pytest.approx(0.1)
    assert phase["rss_early_mib"] == pytest.approx(100)  # after the first tenth: review 1
    assert phase["rss_last_review_mib"] == pytest.approx(100 + 9 / 1024)
    assert phase["rss_max_during_reviews_mib"] == phase["rss_last_review_mib"]  # library steps not counted


def test_review_phase_without_memory_or_steps_gives_what_it_can() -> None:
    assert review_phase([], 3) == {}
    assert review_phase([(0.2, None), (0.3, None)], 1) == {"first_review_s": 0.2, "reviews_s": 0.2}


def test_corpus_figures_from_a_child_report() -> None:
    figures = corpus_figures(child(100, export_s=4.0, dumps_s=0.02, dumps_files=20, dumps_bytes=5), command_s=8.0)

    assert figures["reviews"] == 100
    assert figures["with_start_up_s"] == 7.0
    assert figures["child_process_s"] == 8.0
    assert figures["s_per_review"] == pytest.approx(0.04)
    assert figures["peak_rss_mib"] == 140.0
    assert figures["rss_before_export_mib"] == 100.0
    assert figures["peak_above_start_mib"] == 40.0
    assert figures["json_dumps_s"] == 0.02


def test_corpus_figures_leave_memory_out_without_proc() -> None:
    report = child(7, export_s=1.0)
    report["hwm_after_kib"] = None

    assert "peak_rss_mib" not in corpus_figures(report, command_s=2.0)


def test_goals_are_judged_on_the_export_and_on_the_whole_command() -> None:
    assert goal_verdicts(SAMPLE, {"export_s": 2.9, "with_start_up_s": 7.5}) == {
        "export": True, "with_start_up": False}
    assert goal_verdicts("1000", {"export_s": 30.0, "with_start_up_s": 34.0}) == {
        "export": True, "with_start_up": True}
    assert goal_verdicts("100", {"export_s": 4.0, "with_start_up_s": 8.0}) is None


def test_summarise_sets_the_large_corpus_against_the_small_and_the_sample_against_json_dumps() -> None:
    by_corpus = {
        SAMPLE: corpus_figures(child(7, export_s=2.0, dumps_s=0.02, dumps_files=20, dumps_bytes=9), command_s=6),
        "100": corpus_figures(child(107, export_s=4.28, peak_kib=140 * 1024), command_s=9),
        "1000": corpus_figures(child(1007, export_s=30.21, peak_kib=147 * 1024), command_s=35),
    }

    measured = summarise(by_corpus, {"1000": {"file": "var/bench-1000.sqlite3", "action": "build", "seconds": 103}})

    ratios = measured.figures["ratios"]
    assert ratios["s_per_review_large_to_small"] == 0.75  # 30 ms against 40 ms
    assert ratios["peak_rss_large_to_small"] == 1.05
    assert ratios["peak_above_start_large_to_small"] == pytest.approx(1.18, abs=0.01)
    assert ratios["sample_export_to_json_dumps"] == 100.0
    assert measured.figures["goals_met"] == {
        SAMPLE: {"export": True, "with_start_up": True}, "1000": {"export": True, "with_start_up": True}}
    table, ratio_table = measured.tables
    assert [row[0] for row in table.rows] == ["sample", "100 generated", "1,000 generated"]
    assert table.rows[2][-1] == "≤ 60 s: met (with start-up: met)"
    assert ratio_table.rows[0][:2] == ("time per review, 1,000 generated ÷ 100 generated", "0.75× (1/1.33)")
    assert any("var/bench-1000.sqlite3 build this run in 103 s" in note for note in measured.notes)


def test_corpus_label() -> None:
    assert corpus_label(SAMPLE) == "sample"
    assert corpus_label("1000") == "1,000 generated"


# The generated corpora ------------------------------------------------------------------------
def test_a_copy_keeps_the_content_under_a_new_slug_and_title() -> None:
    content = {"slug": "melatonin", "title": "Melatonin", "tagline": "Sleep hormone", "ratings": [1]}

    copy = corpus.copy_of(content, 7)

    assert copy == {"slug": "melatonin-copy-0007", "title": "Melatonin (copy 7)", "tagline": "Sleep hormone",
                    "ratings": [1]}
    assert content["slug"] == "melatonin"  # the sample's own content is not changed


def test_copies_go_round_the_samples_in_order() -> None:
    samples = ["a", "b", "c"]

    assert [corpus.source_for(n, samples) for n in range(1, 8)] == ["a", "b", "c", "a", "b", "c", "a"]
    with pytest.raises(ValueError, match="no sample"):
        corpus.source_for(1, [])


@pytest.mark.parametrize(
    ("status", "rebuild", "action"),
    [
        (corpus.CorpusStatus(exists=False), False, corpus.BUILD),
        (corpus.CorpusStatus(True, copies=1000), False, corpus.REUSE),
        (corpus.CorpusStatus(True, copies=1000), True, corpus.BUILD),
        (corpus.CorpusStatus(True, copies=400), False, corpus.BUILD),  # an interrupted or older build
        (corpus.CorpusStatus(True, copies=1000, pending_migrations=2), False, corpus.MIGRATE),
    ],
    ids=["missing", "ready", "rebuild", "wrong-size", "new-migrations"],
)
def test_a_corpus_is_built_once_then_reused(status, rebuild, action) -> None:
    assert corpus.decide(status, 1000, rebuild=rebuild) == action


def test_corpus_status_reads_the_file_without_django(tmp_path) -> None:
    import sqlite3

    path = tmp_path / "bench-3.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE django_migrations (app TEXT, name TEXT)")
        connection.execute("INSERT INTO django_migrations VALUES ('therapies', '0001_initial')")
        connection.execute("CREATE TABLE wagtailcore_page (slug TEXT, live BOOLEAN)")
        connection.executemany("INSERT INTO wagtailcore_page VALUES (?, ?)", [
            ("melatonin", 1), ("melatonin-copy-0001", 1), ("melatonin-copy-0002", 1), ("vitamin-d-copy-0003", 0),
        ])
    connection.close()

    status = corpus.corpus_status(path, {("therapies", "0001_initial"), ("therapies", "0002_more")})

    assert status == corpus.CorpusStatus(exists=True, copies=2, pending_migrations=1)
    assert corpus.corpus_status(tmp_path / "missing.sqlite3", set()) == corpus.CorpusStatus(exists=False)
    (tmp_path / "junk.sqlite3").write_text("not a database")
    assert corpus.corpus_status(tmp_path / "junk.sqlite3", set()) == corpus.CorpusStatus(exists=False)
