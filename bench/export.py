"""Section: ``carechoices export`` of the sample corpus and of 100 and 1,000 generated reviews.

Each export runs in a fresh interpreter (``export_run``) on its own database, with the bench's
production settings, and reports its time and its peak memory (``VmHWM``). The figures are set
against baselines from the same run:

* time per review with 1,000 generated reviews against with 100: about 1 when the export's
  time grows linearly with the corpus;
* peak memory with 1,000 against with 100, and the resident set at the last review against at
  a tenth of them: about 1 when memory does not grow with the corpus (the export compiles,
  writes and drops one review at a time);
* the sample export against the canonical ``json.dumps`` of the very data it wrote (parsed
  back): how many times the bare serialising the export costs (compiling, validating against
  the schemas, the database and the writes are the rest).

The goals (the "Open data" issue): the sample export within 5 s and 1,000 reviews within 60 s;
each is judged on the export itself and on the whole command (Python and Django starting too). The generated corpora (``corpus.py``) are SQLite files under var/, built once
(a few minutes for 1,000 reviews) and reused; ``--rebuild-database`` rebuilds them.

Importing this module does not import Django; the section does when it runs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from bench import corpus, database
from bench.registry import BenchOptions, FigureTable, Measured, Section
from bench.stats import format_ratio, ratio

SAMPLE: Final = "sample"
#: The goals, seconds of a whole ``carechoices export`` (start-up included), by corpus.
GOALS_S: Final = {SAMPLE: 5.0, "1000": 60.0}
#: Where the resident set is read for the "during the reviews" ratio: after this share of them.
EARLY_SHARE: Final = 0.1
CHILD_TIMEOUT_S: Final = 900
MIB: Final = 1024


def corpus_label(name: str) -> str:
    """How a corpus is named in the tables: ``sample`` or ``1,000 generated``."""
    return name if name == SAMPLE else f"{int(name):,} generated"


def review_phase(steps: Sequence[Sequence[Any]], reviews: int) -> dict[str, Any]:
    """What the progress steps of the reviews say: steady time per review, resident set as it went.

    ``steps`` are (seconds since the phase began, resident KiB or None) after each review, then
    after the library, glossary, people and manifest; the first ``reviews`` are the reviews.
    The first review pays for imports and caches, so the steady time per review is taken from
    the first review's end to the last's.
    """
    if reviews < 1 or len(steps) < reviews:
        return {}
    review_steps = steps[:reviews]
    phase: dict[str, Any] = {"first_review_s": review_steps[0][0], "reviews_s": review_steps[-1][0]}
    if reviews > 1:
        phase["steady_s_per_review"] = (review_steps[-1][0] - review_steps[0][0]) / (reviews - 1)
    resident = [step[1] for step in review_steps]
    if all(value is not None for value in resident):
        early = resident[min(reviews - 1, max(0, int(reviews * EARLY_SHARE) - 1))]
        phase.update(
            rss_early_mib=early / MIB,
            rss_last_review_mib=resident[-1] / MIB,
            rss_max_during_reviews_mib=max(resident) / MIB,
        )
    return phase


def corpus_figures(result: Mapping[str, Any], *, command_s: float) -> dict[str, Any]:
    """One export's figures from what its child reported (``export_run``)."""
    reviews = int(result["counts"]["reviews"])
    figures: dict[str, Any] = {
        "reviews": reviews,
        "files": result["files"],
        "bytes": result["bytes"],
        "export_s": round(result["export_s"], 3),
        "setup_s": round(result["setup_s"], 3),
        "with_start_up_s": round(result["setup_s"] + result["export_s"], 3),
        "child_process_s": round(command_s, 3),
        "s_per_review": result["export_s"] / reviews if reviews else None,
        **review_phase(result.get("steps") or [], reviews),
    }
    before, peak = result.get("rss_before_kib"), result.get("hwm_after_kib")
    if before is not None and peak is not None:  # no /proc: no trustworthy figure, none at all
        figures.update(rss_before_export_mib=before / MIB, peak_rss_mib=peak / MIB,
                       peak_above_start_mib=(peak - before) / MIB)
    if "dumps_s" in result:
        figures.update(json_dumps_s=result["dumps_s"], json_dumps_files=result["dumps_files"],
                       json_dumps_bytes=result["dumps_bytes"])
    return figures


def goal_verdicts(name: str, figures: Mapping[str, Any]) -> dict[str, bool] | None:
    """Whether the export, and the whole command (start-up included), kept within the goal."""
    goal = GOALS_S.get(name)
    if goal is None:
        return None
    return {"export": figures["export_s"] <= goal, "with_start_up": figures["with_start_up_s"] <= goal}


def _goal(name: str, figures: Mapping[str, Any]) -> str:
    verdicts = goal_verdicts(name, figures)
    if verdicts is None:
        return ""
    word = {True: "met", False: "MISSED"}
    return f"≤ {GOALS_S[name]:g} s: {word[verdicts['export']]} (with start-up: {word[verdicts['with_start_up']]})"


def _mib(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}"


def ratios(by_corpus: Mapping[str, Mapping[str, Any]], small: str, large: str) -> dict[str, float | None]:
    """The section's ratios: ``large`` against ``small`` corpus, and the sample against json.dumps."""
    a, b = by_corpus.get(small, {}), by_corpus.get(large, {})
    sample = by_corpus.get(SAMPLE, {})
    return {
        "s_per_review_large_to_small": ratio(b.get("s_per_review"), a.get("s_per_review")),
        "steady_s_per_review_large_to_small": ratio(b.get("steady_s_per_review"), a.get("steady_s_per_review")),
        "peak_rss_large_to_small": ratio(b.get("peak_rss_mib"), a.get("peak_rss_mib")),
        "peak_above_start_large_to_small": ratio(b.get("peak_above_start_mib"), a.get("peak_above_start_mib")),
        "rss_last_to_early_review_large": ratio(b.get("rss_last_review_mib"), b.get("rss_early_mib")),
        "sample_export_to_json_dumps": ratio(sample.get("export_s"), sample.get("json_dumps_s")),
    }


def summarise(by_corpus: Mapping[str, Mapping[str, Any]], databases: Mapping[str, Any] | None = None) -> Measured:
    """The figures, the tables and the notes from every corpus's figures (``corpus_figures``)."""
    generated = sorted((name for name in by_corpus if name != SAMPLE), key=int)
    small, large = (generated[0], generated[-1]) if generated else (SAMPLE, SAMPLE)
    computed = ratios(by_corpus, small, large)
    rows = []
    for name, figures in by_corpus.items():
        rows.append((
            corpus_label(name),
            f"{figures['reviews']:,}",
            f"{figures['bytes'] / MIB / MIB:,.1f}",
            f"{figures['export_s']:.2f}",
            f"{figures['with_start_up_s']:.2f}",
            f"{figures['steady_s_per_review'] * 1000:.1f}" if figures.get("steady_s_per_review") else "n/a",
            _mib(figures.get("peak_rss_mib")),
            _mib(figures.get("peak_above_start_mib")),
            _goal(name, figures),
        ))
    small_label, large_label = corpus_label(small), corpus_label(large)
    sample = by_corpus.get(SAMPLE, {})
    ratio_rows = [
        (f"time per review, {large_label} ÷ {small_label}", format_ratio(computed["s_per_review_large_to_small"]),
         "about 1: time grows linearly with the corpus"),
        (f"steady time per review, {large_label} ÷ {small_label}",
         format_ratio(computed["steady_s_per_review_large_to_small"]), "the same without the first review"),
        (f"peak memory, {large_label} ÷ {small_label}", format_ratio(computed["peak_rss_large_to_small"]),
         "about 1: memory does not grow with the corpus"),
        (f"peak above the start, {large_label} ÷ {small_label}",
         format_ratio(computed["peak_above_start_large_to_small"]), "what the export itself added"),
        (f"resident at the last review ÷ at {EARLY_SHARE:.0%} of them ({large_label})",
         format_ratio(computed["rss_last_to_early_review_large"]), "about 1: flat while the reviews are written"),
    ]
    if "json_dumps_s" in sample:
        ratio_rows.append((
            f"sample export ÷ json.dumps of its {sample['json_dumps_files']} files "
            f"({sample['json_dumps_s'] * 1000:.0f} ms)",
            format_ratio(computed["sample_export_to_json_dumps"]),
            "what compiling, validating and writing cost over bare serialising",
        ))
    notes = [
        "Each export ran in a fresh interpreter (production settings, DEBUG off) on its own SQLite "
        "database: the sample content (7 reviews), or it plus N generated copies of its reviews. "
        "'export s' is the export itself; 'with start-up' adds Python and Django starting, as a "
        "`carechoices export` command pays it. Peak = VmHWM of that process; 'above start' = "
        "peak − resident set once Django was set up.",
        "Steady ms per review leaves the first review out (imports, schemas and caches load then).",
    ]
    for name, prepared in (databases or {}).items():
        if prepared.get("action") != corpus.REUSE:
            notes.append(f"{corpus_label(name)}: database {prepared['file']} {prepared['action']} this run "
                         f"in {prepared['seconds']:.0f} s (not part of any figure).")
    return Measured(
        figures={"corpora": dict(by_corpus), "ratios": computed, "goals_s": GOALS_S,
                 "goals_met": {name: goal_verdicts(name, figures) for name, figures in by_corpus.items()
                               if name in GOALS_S},
                 "databases": dict(databases or {})},
        tables=[
            FigureTable(
                title="carechoices export, each in a fresh process",
                columns=("corpus", "reviews", "MiB out", "export s", "with start-up s", "steady ms/review",
                         "peak MiB", "above start MiB", "goal"),
                rows=tuple(rows),
            ),
            FigureTable(title="Ratios (same run)", columns=("ratio", "value", "reading"), rows=tuple(ratio_rows)),
        ],
        notes=notes,
    )


def run_child(database_url: str, *, baseline: bool) -> tuple[dict[str, Any], float]:
    """Export the corpus at ``database_url`` in a fresh interpreter; its report and wall time."""
    with tempfile.TemporaryDirectory(prefix="carechoices-bench-export-") as scratch:
        command = [sys.executable, "-m", "bench.export_run", str(Path(scratch) / "export")]
        if baseline:
            command.append("--baseline")
        started = time.perf_counter()
        completed = subprocess.run(  # noqa: S603 - our own interpreter and module
            command, cwd=database.BASE_DIR, capture_output=True, text=True, check=False,
            timeout=CHILD_TIMEOUT_S, env={**os.environ, **database.server_environment(database_url)},
        )
        wall = time.perf_counter() - started
    if completed.returncode != 0:
        raise RuntimeError(f"the export of {database.redact_url(database_url)} failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1]), wall


def run(options: BenchOptions) -> Measured:
    """Export the sample corpus, then the generated ones, each in its own process."""
    prepared = database.prepare(rebuild=options.rebuild_database, prepare_named=options.prepare_database)
    from django.db import connections

    connections.close_all()  # the children read the same SQLite file
    source = database.BENCH_DATABASE if prepared.owned else None
    corpora = {SAMPLE: prepared.url}
    databases: dict[str, Any] = {SAMPLE: {"file": database.redact_url(prepared.url), "action": corpus.REUSE}}
    for copies in corpus.COPIES:
        built = corpus.ensure(copies, rebuild=options.rebuild_database, source=source)
        corpora[str(copies)] = built.url
        databases[str(copies)] = built.as_json()
    by_corpus = {}
    for name, url in corpora.items():
        result, wall = run_child(url, baseline=name == SAMPLE)
        by_corpus[name] = corpus_figures(result, command_s=wall)
    return summarise(by_corpus, databases)


SECTION: Final = Section("export", "Open-data export: sample, 100 and 1,000 generated reviews", run)
