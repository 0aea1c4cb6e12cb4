"""Sections export and search, on the sample content and on generated corpora.

``export`` runs ``carechoices export`` once per corpus in a fresh interpreter (``python -m
bench.content export DIR``), so each export's time and memory are its own. ``search`` times the
site search round robin with ``/healthz``, on the sample content here and on the 100-review
corpus in a child (``… search ROUNDS``). A corpus is the sample content plus N copies of the
sample reviews (their content as the export writes it, read back by ``build_review``, under a
new slug and title), built once by a child (``… build TARGET N [SOURCE]``) into
``TARGET.partial`` with fsync off and renamed when complete. Importing this does not import Django.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from bench import common
from bench.common import HEALTHZ, Result, format_ratio, prepare, ratio, summarise_ms, timing_row

SAMPLE: Final = "sample"
COPIES: Final = (100, 1000)  # the export's corpora; search uses the 100
QUICK_COPIES: Final = (10, 100)  # --quick: the same code on corpora built in seconds
SEARCH_COPIES: Final = 100
EXPORT_GOALS_S: Final = {SAMPLE: 5.0, "1000": 60.0}  # a whole `carechoices export`, by corpus
SEARCH_GOAL_P95_MS: Final = 30.0
COPY_MARKER: Final = "-copy-"
BATCH: Final = 50  # pages published per transaction while building
MIB: Final = 1024
#: What people type: a name, synonyms, a typo (so "did you mean" runs), a symptom, a cancer
#: type, a DOI, a PMID, and a query that finds nothing.
QUERIES: Final = ("ldn", "naltrexon", "naltrexome", "vivid dreams", "brain cancer",
                  "10.1186/s12916-018-1242-0", "8236504", "xyzzyqq")
_built: set[Path] = set()  # built by this run (export and search share the 100-review corpus)


def copy_of(samples: Sequence[Mapping[str, Any]], number: int) -> dict[str, Any]:
    """Copy ``number`` (from 1): the samples in turn, each under a new slug and title."""
    content = samples[(number - 1) % len(samples)]
    return {**content, "slug": f"{content['slug']}{COPY_MARKER}{number:04d}",
            "title": f"{content['title']} (copy {number})"}


def corpus_path(copies: int, migrations: Sequence[tuple[str, str]]) -> Path:
    """``var/bench-<N>-<hash of the migrations>.sqlite3``: a new migration means a new corpus."""
    names = " ".join(sorted(f"{app}.{name}" for app, name in migrations))
    return common.VAR_DIR / f"bench-{copies}-{hashlib.sha256(names.encode()).hexdigest()[:8]}.sqlite3"


def ensure_corpus(copies: int, options: Any, sample_url: str) -> tuple[str, dict]:
    """The corpus's database URL, built first unless it exists, and what that took."""
    from django.db.migrations.loader import MigrationLoader

    path = corpus_path(copies, list(MigrationLoader(None, ignore_no_migrations=True).disk_migrations))
    started, build = time.perf_counter(), not path.exists() or (
        options.rebuild_database and path not in _built)
    if build:
        for older in common.VAR_DIR.glob(f"bench-{copies}-*.sqlite3"):
            common.remove_sqlite(older)
        print(f"Building {path} with {copies:,} generated reviews (once; up to a few minutes)…",
              file=sys.stderr)
        source = [str(common.BENCH_DATABASE)] if sample_url == common.BENCH_URL else []
        common.run_child(["-m", "bench.content", "build", str(path), str(copies), *source])
        _built.add(path)
    return f"sqlite:///{path}", {"file": str(path.relative_to(common.BASE_DIR)), "built": build,
                                 "seconds": round(time.perf_counter() - started)}


def build_corpus(target: Path, copies: int, source: Path | None) -> None:
    """In the child: ``target`` from a copy of ``source`` (or from nothing), plus the copies."""
    partial = target.with_name(target.name + ".partial")
    common.remove_sqlite(partial)
    if source is not None:
        with contextlib.closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as src, \
                contextlib.closing(sqlite3.connect(partial)) as dst:
            src.backup(dst)
    os.environ.update(common.server_environment(f"sqlite:///{partial}"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from wagtail.signal_handlers import disable_reference_index_auto_update

    from carechoices.demo.loader import build_review, load_sample_content
    from carechoices.opendata.content import PageLinks, ensure_snippets_registered
    from carechoices.opendata.export import review_content
    from carechoices.therapies.models import TherapyIndexPage, TherapyPage

    with common.quiet_writes(fsync=False):
        call_command("migrate", interactive=False, verbosity=0)
        load_sample_content()  # a no-op on a copy of the sample bench database
        ensure_snippets_registered()
        index = TherapyIndexPage.objects.live().first()
        links = PageLinks({}, lambda pk: None)  # a link to another page becomes a plain link
        contents = [review_content(page, links) for page in TherapyPage.objects.live()
                    .exclude(slug__contains=COPY_MARKER).order_by("path")]
        for start in range(1, copies + 1, BATCH):
            # Wagtail's reference index, which the export does not read, is left out (half the time).
            with transaction.atomic(), disable_reference_index_auto_update():
                for number in range(start, min(start + BATCH, copies + 1)):
                    page = build_review(copy_of(contents, number))
                    index.add_child(instance=page)
                    page.save_revision().publish()
            print(f"  {min(start + BATCH - 1, copies):,} of {copies:,} reviews", file=sys.stderr)
    common.remove_sqlite(target, ("-journal", "-wal", "-shm"))
    os.replace(partial, target)


class StepRecorder:
    """A ``Progress`` (``opendata.progress``) noting the seconds at every step."""

    def __init__(self) -> None:
        self.steps: list[float] = []

    def task(self, description: str, total: int) -> Callable[[], None]:
        start = time.perf_counter()
        return lambda: self.steps.append(time.perf_counter() - start)


def export_child(directory: Path, *, baseline: bool, started: float) -> dict[str, Any]:
    """One export in this fresh process, measured; with ``baseline`` also ``json.dumps`` of the
    files it wrote, parsed back (the same data without compiling, validation or database)."""
    import django

    django.setup()
    from carechoices.opendata import manifest
    from carechoices.opendata.export import export_to_directory

    ready, before, recorder = time.perf_counter(), common.proc_status(), StepRecorder()
    summary = export_to_directory(directory, recorder)
    result = {"counts": summary.counts, "files": summary.files, "bytes": summary.bytes,
              "setup_s": ready - started, "export_s": time.perf_counter() - ready,
              "rss_before_kib": common.status_kib(before, "VmRSS"),
              "hwm_after_kib": common.status_kib(common.proc_status(), "VmHWM"),
              "steps": recorder.steps}
    if baseline:
        documents = [json.loads(path.read_bytes()) for path in sorted(directory.rglob("*.json"))]
        start = time.perf_counter()
        for document in documents:
            manifest.dumps(document)
        result.update(dumps_s=time.perf_counter() - start, dumps_files=len(documents))
    return result


def export_figures(result: Mapping[str, Any]) -> dict[str, Any]:
    """One export's figures from what its child reported.

    ``steps`` are the seconds after each review, then after the library, glossary, people and
    manifest; the steady time per review leaves the first review (imports, caches) out.
    """
    reviews, steps = int(result["counts"]["reviews"]), result.get("steps") or []
    figures = {key: result[key] for key in ("files", "bytes", "setup_s", "export_s", "child_s",
                                            "dumps_s", "dumps_files") if key in result}
    figures.update(reviews=reviews, with_start_up_s=result["setup_s"] + result["export_s"],
                   s_per_review=result["export_s"] / reviews if reviews else None)
    if reviews and len(steps) >= reviews:
        figures.update(first_review_s=steps[0], reviews_s=steps[reviews - 1])
        if reviews > 1:
            figures["steady_s_per_review"] = (steps[reviews - 1] - steps[0]) / (reviews - 1)
    before, peak = result.get("rss_before_kib"), result.get("hwm_after_kib")
    if before is not None and peak is not None:  # no /proc: no memory figure at all
        figures.update(rss_before_export_mib=before / MIB, peak_rss_mib=peak / MIB,
                       peak_above_start_mib=(peak - before) / MIB)
    if (goal := EXPORT_GOALS_S.get(str(result.get("corpus")))) is not None:
        figures["goal_met"] = {"export": figures["export_s"] <= goal,
                               "with_start_up": figures["with_start_up_s"] <= goal}
    return figures


def label(name: str) -> str:
    return name if name == SAMPLE else f"{int(name):,} generated"


def summarise_export(by_corpus: Mapping[str, Mapping[str, Any]],
                     databases: Mapping[str, Mapping[str, Any]]) -> Result:
    """The table of every corpus's figures, and the ratios between corpora."""
    generated = sorted((name for name in by_corpus if name != SAMPLE), key=int) or [SAMPLE]
    small, large, sample = by_corpus[generated[0]], by_corpus[generated[-1]], by_corpus[SAMPLE]
    of = f"{label(generated[-1])} ÷ {label(generated[0])}"
    specs = {  # key: (what, value, baseline)
        "steady_s_per_review_large_to_small": (f"steady time per review, {of}",
                                               large.get("steady_s_per_review"),
                                               small.get("steady_s_per_review")),
        "peak_rss_large_to_small": (f"peak memory, {of}", large.get("peak_rss_mib"),
                                    small.get("peak_rss_mib")),
        "sample_export_to_json_dumps": (f"sample export ÷ json.dumps of its "
                                        f"{sample.get('dumps_files')} files",
                                        sample.get("export_s"), sample.get("dumps_s"))}
    ratios = {key: ratio(value, baseline) for key, (_, value, baseline) in specs.items()}
    word = {True: "met", False: "MISSED"}
    rows = [(label(name), f"{f['reviews']:,}", f"{f['bytes'] / MIB / MIB:,.1f}",
             f"{f['export_s']:.2f}", f"{f['with_start_up_s']:.2f}",
             *(f"{f[key] * scale:,.1f}" if f.get(key) else "n/a" for key, scale in (
                 ("steady_s_per_review", 1000), ("peak_rss_mib", 1), ("peak_above_start_mib", 1))),
             f"≤ {EXPORT_GOALS_S[name]:g} s: {word[met['export']]} (with start-up: "
             f"{word[met['with_start_up']]})" if (met := f.get("goal_met")) else "")
            for name, f in by_corpus.items()]
    return Result(
        {"corpora": dict(by_corpus), "ratios": ratios, "goals_s": EXPORT_GOALS_S,
         "databases": dict(databases)},
        [("carechoices export, each in a fresh process",
          ("corpus", "reviews", "MiB out", "export s", "with start-up s", "steady ms/review",
           "peak MiB", "above start MiB", "goal"), rows),
         ("Ratios (same run)", ("ratio", "value"),
          [(what, format_ratio(ratios[key])) for key, (what, _, _) in specs.items()])],
        ["'with start-up' adds Python and Django starting, as a `carechoices export` command "
         "pays it. Peak = VmHWM; 'above start' = peak − resident set once Django was set up."]
        + [f"{label(name)}: {built['file']} built this run in {built['seconds']} s (in no figure)."
           for name, built in databases.items() if built.get("built")],
    )


def run_export(options: Any) -> Result:
    """Export the sample corpus, then the generated ones, each in its own process."""
    database_url = prepare(options)
    common.close_connections()  # the children read the same SQLite file
    urls, databases = {SAMPLE: database_url}, {SAMPLE: {"file": common.redact_url(database_url)}}
    for copies in QUICK_COPIES if options.quick else COPIES:
        urls[str(copies)], databases[str(copies)] = ensure_corpus(copies, options, database_url)
    by_corpus = {}
    for name, url in urls.items():
        with tempfile.TemporaryDirectory(prefix="carechoices-bench-export-") as scratch:
            started = time.perf_counter()
            result = common.run_child(["-m", "bench.content", "export", f"{scratch}/export",
                                       *(["baseline"] if name == SAMPLE else [])],
                                      env=common.server_environment(url))
        by_corpus[name] = export_figures({**result, "corpus": name,
                                          "child_s": time.perf_counter() - started})
    return summarise_export(by_corpus, databases)


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
    every = [sample for query in QUERIES for sample in samples[query]]
    out = {name: summarise_ms(values) for name, values in
           [(HEALTHZ, samples[HEALTHZ]), *((q, samples[q]) for q in QUERIES), ("all queries", every)]}
    for figures in out.values():
        figures["ratio_to_healthz"] = ratio(figures["median_ms"], out[HEALTHZ]["median_ms"])
    return out


def run_search(options: Any) -> Result:
    """The search on the sample content here, then on the 100-review corpus in a fresh process."""
    database_url = prepare(options)
    from django.core.management import call_command

    call_command("update_index", verbosity=0)  # the bench database may predate new fields
    sample = summarise_search(time_search(options.requests))
    common.close_connections()
    url, built = ensure_corpus(SEARCH_COPIES, options, database_url)
    child = common.run_child(["-m", "bench.content", "search", str(options.requests)],
                             env=common.server_environment(url))
    generated = summarise_search(child["samples"])
    p95 = generated["all queries"]["p95_ms"]
    rows = [(content, *timing_row(what, f, f["ratio_to_healthz"]))
            for content, figures in (("sample", sample), (f"{child['reviews']} reviews", generated))
            for what, f in figures.items()]
    return Result(
        {"sample": sample, "generated": {"reviews": child["reviews"], "corpus": built,
                                         "figures": generated}, "goal_p95_ms": SEARCH_GOAL_P95_MS},
        [(f"Site search in process, {options.requests} rounds of each query",
          ("content", "query", "median ms", "p95 ms", "× healthz"), rows)],
        [f"× healthz = median ÷ the health check's (same process, client and database). Goal: "
         f"p95 of all queries ≤ {SEARCH_GOAL_P95_MS:.0f} ms with {child['reviews']} reviews: "
         f"{p95:.1f} ms ({'met' if p95 <= SEARCH_GOAL_P95_MS else 'NOT met'})."],
    )


def main(argv: Sequence[str]) -> None:
    """The children: ``export DIR [baseline]``, ``search ROUNDS``, ``build TARGET N [SOURCE]``;
    each prints one JSON line."""
    started, (command, *arguments) = time.perf_counter(), argv
    if command == "export":
        result = export_child(Path(arguments[0]), baseline="baseline" in arguments, started=started)
    elif command == "search":
        import django

        django.setup()
        from carechoices.therapies.models import TherapyPage

        result = {"reviews": TherapyPage.objects.live().count(),
                  "samples": time_search(int(arguments[0]))}
    else:
        build_corpus(Path(arguments[0]), int(arguments[1]),
                     Path(arguments[2]) if len(arguments) > 2 else None)
        result = {"seconds": round(time.perf_counter() - started, 1)}
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
