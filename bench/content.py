"""Sections export and search, run in fresh interpreters on generated corpora (``corpus``).

``export`` runs ``carechoices export`` once per corpus (``python -m bench.content export DIR``),
so each export's time and memory (``VmHWM``; the resident set after every review, through the
export's progress hook) are its own. ``search`` times the site search round robin with
``/healthz``, here on the sample content and in a fresh interpreter on the 100-review corpus
(``python -m bench.content search ROUNDS``). Importing this module does not import Django.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from bench import common, corpus
from bench.common import HEALTHZ, Result, format_ratio, prepare, ratio, summarise_ms

SAMPLE: Final = "sample"
EXPORT_GOALS_S: Final = {SAMPLE: 5.0, "1000": 60.0}  # a whole `carechoices export`, by corpus
EARLY_SHARE: Final = 0.1  # the resident set "early" is read after this share of the reviews
SEARCH_COPIES: Final = 100
SEARCH_GOAL_P95_MS: Final = 30.0
MIB: Final = 1024
#: What people type: a name, synonyms, a typo (so "did you mean" runs), a symptom, a cancer
#: type, a DOI, a PMID, and a query that finds nothing.
QUERIES: Final = ("ldn", "naltrexon", "naltrexome", "vivid dreams", "brain cancer",
                  "10.1186/s12916-018-1242-0", "8236504", "xyzzyqq")


def review_phase(steps: Sequence[Sequence[Any]], reviews: int) -> dict[str, Any]:
    """Steady time per review and the resident set as the reviews were written.

    ``steps`` are (seconds since the phase began, resident KiB or None) after each review, then
    after the library, glossary, people and manifest. The first review pays for imports and
    caches, so the steady time runs from the first review's end to the last's.
    """
    if reviews < 1 or len(steps) < reviews:
        return {}
    done = steps[:reviews]
    phase: dict[str, Any] = {"first_review_s": done[0][0], "reviews_s": done[-1][0]}
    if reviews > 1:
        phase["steady_s_per_review"] = (done[-1][0] - done[0][0]) / (reviews - 1)
    resident = [step[1] for step in done]
    if None not in resident:
        early = resident[min(reviews - 1, max(0, int(reviews * EARLY_SHARE) - 1))]
        phase.update(rss_early_mib=early / MIB, rss_last_review_mib=resident[-1] / MIB,
                     rss_max_during_reviews_mib=max(resident) / MIB)
    return phase


def export_figures(result: Mapping[str, Any]) -> dict[str, Any]:
    """One export's figures from what its child reported."""
    reviews = int(result["counts"]["reviews"])
    figures = {key: result[key] for key in ("files", "bytes", "setup_s", "export_s", "child_s")
               if key in result}
    figures.update(reviews=reviews, with_start_up_s=result["setup_s"] + result["export_s"],
                   s_per_review=result["export_s"] / reviews if reviews else None,
                   **review_phase(result.get("steps") or [], reviews))
    before, peak = result.get("rss_before_kib"), result.get("hwm_after_kib")
    if before is not None and peak is not None:  # no /proc: no memory figure at all
        figures.update(rss_before_export_mib=before / MIB, peak_rss_mib=peak / MIB,
                       peak_above_start_mib=(peak - before) / MIB)
    figures.update({key: result[key] for key in ("dumps_s", "dumps_files") if key in result})
    goal = EXPORT_GOALS_S.get(str(result.get("corpus")))
    if goal is not None:  # judged on the export, and on the whole command (start-up too)
        figures["goal_met"] = {"export": figures["export_s"] <= goal,
                               "with_start_up": figures["with_start_up_s"] <= goal}
    return figures


def label(name: str) -> str:
    return name if name == SAMPLE else f"{int(name):,} generated"


def summarise_export(by_corpus: Mapping[str, Mapping[str, Any]],
                     databases: Mapping[str, Any] | None = None) -> Result:
    """The tables and notes from every corpus's figures, with the ratios between corpora."""
    generated = sorted((name for name in by_corpus if name != SAMPLE), key=int)
    small, large = (generated[0], generated[-1]) if generated else (SAMPLE, SAMPLE)
    a, b, sample = by_corpus.get(small, {}), by_corpus.get(large, {}), by_corpus.get(SAMPLE, {})
    of = f"{label(large)} ÷ {label(small)}"
    specs = [  # (key, what, reading, value, baseline)
        ("s_per_review_large_to_small", f"time per review, {of}",
         "about 1: time grows linearly with the corpus", "s_per_review", "s_per_review"),
        ("steady_s_per_review_large_to_small", f"steady time per review, {of}",
         "the same without the first review", "steady_s_per_review", "steady_s_per_review"),
        ("peak_rss_large_to_small", f"peak memory, {of}",
         "about 1: memory does not grow with the corpus", "peak_rss_mib", "peak_rss_mib"),
        ("peak_above_start_large_to_small", f"peak above the start, {of}",
         "what the export itself added", "peak_above_start_mib", "peak_above_start_mib"),
    ]
    ratios = {key: ratio(b.get(value), a.get(base)) for key, _, _, value, base in specs}
    ratios["rss_last_to_early_review_large"] = ratio(b.get("rss_last_review_mib"),
                                                     b.get("rss_early_mib"))
    ratios["sample_export_to_json_dumps"] = ratio(sample.get("export_s"), sample.get("dumps_s"))
    ratio_rows = [(what, format_ratio(ratios[key]), reading) for key, what, reading, *_ in specs]
    ratio_rows.append((f"resident at the last review ÷ at {EARLY_SHARE:.0%} of them "
                       f"({label(large)})", format_ratio(ratios["rss_last_to_early_review_large"]),
                       "about 1: flat while the reviews are written"))
    if "dumps_s" in sample:
        ratio_rows.append((f"sample export ÷ json.dumps of its {sample['dumps_files']} files "
                           f"({sample['dumps_s'] * 1000:.0f} ms)",
                           format_ratio(ratios["sample_export_to_json_dumps"]),
                           "what compiling, validating and writing cost over bare serialising"))
    word = {True: "met", False: "MISSED"}

    def mib(value: float | None) -> str:
        return "n/a" if value is None else f"{value:,.1f}"

    def goal(name: str, met: Mapping[str, bool] | None) -> str:
        return (f"≤ {EXPORT_GOALS_S[name]:g} s: {word[met['export']]} (with start-up: "
                f"{word[met['with_start_up']]})" if met else "")

    rows = [(label(name), f"{f['reviews']:,}", f"{f['bytes'] / MIB / MIB:,.1f}",
             f"{f['export_s']:.2f}", f"{f['with_start_up_s']:.2f}",
             f"{f['steady_s_per_review'] * 1000:.1f}" if f.get("steady_s_per_review") else "n/a",
             mib(f.get("peak_rss_mib")), mib(f.get("peak_above_start_mib")),
             goal(name, f.get("goal_met"))) for name, f in by_corpus.items()]
    notes = ["'export s' is the export itself; 'with start-up' adds Python and Django starting, "
             "as a `carechoices export` command pays it. Peak = VmHWM of that process; 'above "
             "start' = peak − resident set once Django was set up. Steady ms per review leaves "
             "the first review out (imports, schemas and caches load then)."]
    notes += [f"{label(name)}: database {built['file']} {built['action']} this run in "
              f"{built['seconds']:.0f} s (not part of any figure)."
              for name, built in (databases or {}).items() if built.get("action") != corpus.REUSE]
    return Result(
        {"corpora": dict(by_corpus), "ratios": ratios, "goals_s": EXPORT_GOALS_S,
         "databases": dict(databases or {})},
        [("carechoices export, each in a fresh process",
          ("corpus", "reviews", "MiB out", "export s", "with start-up s", "steady ms/review",
           "peak MiB", "above start MiB", "goal"), rows),
         ("Ratios (same run)", ("ratio", "value", "reading"), ratio_rows)],
        notes,
    )


def run_export(options: Any) -> Result:
    """Export the sample corpus, then the generated ones, each in its own process."""
    database = prepare(options)
    common.close_connections()  # the children read the same SQLite file
    source = common.BENCH_DATABASE if database.owned else None
    urls = {SAMPLE: database.url}
    databases: dict[str, Any] = {
        SAMPLE: {"file": common.redact_url(database.url), "action": corpus.REUSE}}
    for copies in corpus.QUICK_COPIES if options.quick else corpus.COPIES:
        built = corpus.ensure(copies, rebuild=options.rebuild_database, source=source)
        urls[str(copies)], databases[str(copies)] = built.url, built.as_json()
    by_corpus = {}
    for name, url in urls.items():
        with tempfile.TemporaryDirectory(prefix="carechoices-bench-export-") as scratch:
            command = ["-m", "bench.content", "export", str(Path(scratch) / "export")]
            started = time.perf_counter()
            result = common.run_child(command + (["--baseline"] if name == SAMPLE else []),
                                      env=common.server_environment(url))
        by_corpus[name] = export_figures({**result, "corpus": name,
                                          "child_s": time.perf_counter() - started})
    return summarise_export(by_corpus, databases)


def resident_kib() -> int | None:
    """This process's resident set now, from ``/proc/self/statm`` (None without ``/proc``)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except OSError:
        return None
    return pages * os.sysconf("SC_PAGE_SIZE") // 1024


class StepRecorder:
    """A ``Progress`` (``opendata.progress``) noting the time and resident set at every step."""

    def __init__(self, clock: Callable[[], float] = time.perf_counter,
                 memory: Callable[[], int | None] = resident_kib) -> None:
        self.clock, self.memory = clock, memory
        self.phases: list[dict[str, Any]] = []

    def task(self, description: str, total: int) -> Callable[[], None]:
        phase = {"description": description, "total": total, "start": self.clock(), "steps": []}
        self.phases.append(phase)
        return lambda: phase["steps"].append((self.clock() - phase["start"], self.memory()))


def export_child(directory: Path, *, baseline: bool, started: float) -> dict[str, Any]:
    """One export in this (fresh) process, measured; with ``baseline`` also ``json.dumps``
    of the files it wrote, parsed back (the same data with no compiling, validation or database)."""
    import django

    django.setup()
    from carechoices.opendata import manifest
    from carechoices.opendata.export import export_to_directory

    ready, before, recorder = time.perf_counter(), common.proc_status(), StepRecorder()
    summary = export_to_directory(directory, recorder)
    done, after = time.perf_counter(), common.proc_status()
    result = {"counts": summary.counts, "files": summary.files, "bytes": summary.bytes,
              "setup_s": ready - started, "export_s": done - ready,
              "rss_before_kib": common.status_kib(before, "VmRSS"),
              "hwm_after_kib": common.status_kib(after, "VmHWM"),
              "steps": recorder.phases[0]["steps"] if recorder.phases else []}
    if baseline:
        documents = [json.loads(path.read_bytes()) for path in sorted(directory.rglob("*.json"))]
        start = time.perf_counter()
        for document in documents:
            manifest.dumps(document)
        result.update(dumps_s=time.perf_counter() - start, dumps_files=len(documents))
    return result


def time_search(rounds: int) -> dict[str, list[int]]:
    """Round robin over the queries and the baseline, ``rounds`` times each (after a warm-up)."""
    from django.test import Client

    from carechoices.search.service import search

    client = Client()
    actions: dict[str, Callable[[], object]] = {q: lambda q=q: search(q) for q in QUERIES}
    actions[HEALTHZ] = lambda: client.get(HEALTHZ)
    return common.time_round_robin(actions, rounds, batch=1)


def summarise_search(samples: Mapping[str, Sequence[int]]) -> dict[str, dict[str, Any]]:
    """Per query and for all queries together, each median against the health check's."""
    out: dict[str, dict[str, Any]] = {HEALTHZ: summarise_ms(samples[HEALTHZ])}
    every = [sample for query in QUERIES for sample in samples[query]]
    for name, values in [*((query, samples[query]) for query in QUERIES), ("all queries", every)]:
        out[name] = summarise_ms(values)
        out[name]["ratio_to_healthz"] = ratio(out[name]["median_ms"], out[HEALTHZ]["median_ms"])
    return out


def run_search(options: Any) -> Result:
    """The search on the sample content here, then on the 100-review corpus in a fresh process."""
    database = prepare(options)
    from django.core.management import call_command

    call_command("update_index", verbosity=0)  # the bench database may predate new fields
    sample = summarise_search(time_search(options.requests))
    common.close_connections()
    built = corpus.ensure(SEARCH_COPIES, rebuild=options.rebuild_database,
                          source=common.BENCH_DATABASE if database.owned else None)
    child = common.run_child(["-m", "bench.content", "search", str(options.requests)],
                             env=common.server_environment(built.url))
    generated = summarise_search(child["samples"])
    p95 = generated["all queries"]["p95_ms"]
    rows = [(content, what, f"{f['median_ms']:.2f}", f"{f['p95_ms']:.2f}",
             format_ratio(f["ratio_to_healthz"]) if what != HEALTHZ else "1×")
            for content, figures in (("sample", sample), (f"{child['reviews']} reviews", generated))
            for what, f in figures.items()]
    return Result(
        {"sample": sample, "generated": {"reviews": child["reviews"], "corpus": built.as_json(),
                                         "figures": generated}, "goal_p95_ms": SEARCH_GOAL_P95_MS},
        [(f"Site search in process, {options.requests} rounds of each query",
          ("content", "query", "median ms", "p95 ms", "× healthz"), rows)],
        [f"× healthz = median ÷ the health check's (same process, client and database). Goal: "
         f"p95 of all queries ≤ {SEARCH_GOAL_P95_MS:.0f} ms with {child['reviews']} reviews on "
         f"SQLite: {p95:.1f} ms ({'met' if p95 <= SEARCH_GOAL_P95_MS else 'NOT met'})."],
    )


def main(argv: Sequence[str] | None = None) -> int:
    """The children: ``export DIR [--baseline]`` or ``search ROUNDS``; one JSON line out."""
    started = time.perf_counter()
    parser = argparse.ArgumentParser(prog="python -m bench.content")
    commands = parser.add_subparsers(dest="command", required=True)
    export = commands.add_parser("export")
    export.add_argument("directory", type=Path)
    export.add_argument("--baseline", action="store_true", help="also time json.dumps")
    commands.add_parser("search").add_argument("rounds", type=int)
    arguments = parser.parse_args(argv)
    if arguments.command == "export":
        result = export_child(arguments.directory, baseline=arguments.baseline, started=started)
    else:
        import django

        django.setup()
        from carechoices.therapies.models import TherapyPage

        result = {"reviews": TherapyPage.objects.live().count(),
                  "samples": time_search(arguments.rounds)}
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
