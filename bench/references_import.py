"""Section references-import: 5,000 PubMed records against a 5,000-entry library.

Timed: the preview an editor waits for (``references.importing.plan_import``: reading the
MEDLINE file, normalising and classifying each record; not the write). The baseline, in the
same runs, is reading the file alone (``read_records``); the goal (issue 12) is 10 s. The data
is generated from a seed: 10 % of the file repeats a library entry by PMID, 5 % by title, first
author and year (duplicates both), 5 % rewords a library title (a possible duplicate); the rest
is new, its titles drawn from the same words. No Django import.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Final

from bench.common import Result, format_ratio, ratio

LIBRARY_SIZE: Final = 5_000
FILE_SIZE: Final = 5_000
GOAL_S: Final = 10.0
RUNS: Final = 3
SEED: Final = 12

_WORDS = (
    "low dose naltrexone melatonin curcumin vitamin mistletoe ginseng omega fatty acids cancer "
    "breast prostate colorectal lung pancreatic ovarian glioma lymphoma survival fatigue pain "
    "quality life randomised controlled trial cohort pilot study systematic review meta analysis "
    "phase safety toxicity immune response chemotherapy radiotherapy adjuvant supportive care "
    "patients women men older adults outcomes effect association risk"
).split()
_FAMILIES = ("Smith", "Lee", "Kumar", "Garcia", "Okafor", "Bolton", "Nuñez", "Lindqvist", "Müller",
             "Chen", "Wang", "Rossi", "Dubois", "Novak", "Sato", "Ibrahim", "Kowalski", "Silva")
_JOURNALS = (("Sample Oncol", "Sample oncology"),
             ("Integr Sample Ther", "Integrative sample therapies"), ("BMC Sample", "BMC sample"),
             ("J Sample Support Care", "Journal of sample supportive care"))


@dataclass(frozen=True)
class _Item:
    title: str
    authors: tuple[tuple[str, str], ...]
    journal: tuple[str, str]
    year: int
    pmid: str | None


def _item(rng: random.Random, serial: int, pmid: int) -> _Item:
    authors = tuple((rng.choice(_FAMILIES), rng.choice("ABCDEFGHJKLMNPRS"))
                    for _ in range(rng.randint(1, 6)))
    title = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(7, 15))).capitalize()
    return _Item(f"{title} (sample {serial})", authors, rng.choice(_JOURNALS),
                 rng.randint(1985, 2026), str(pmid))


def library(size: int = LIBRARY_SIZE, seed: int = SEED) -> list[_Item]:
    rng = random.Random(seed)
    return [_item(rng, n, 10_000_000 + n) for n in range(size)]


def _medline(item: _Item) -> str:
    title = item.title + "."
    cut = title.rfind(" ", 0, 70) if len(title) > 70 else len(title)  # PubMed wraps between words
    lines = [f"PMID- {item.pmid}"] if item.pmid else []
    lines += [f"TI  - {title[:cut]}", *([f"      {title[cut + 1:]}"] if cut < len(title) else [])]
    for family, initial in item.authors:
        lines += [f"FAU - {family}, {initial}", f"AU  - {family} {initial}"]
    return "\n".join([*lines, f"DP  - {item.year} Mar", f"TA  - {item.journal[0]}",
                      f"JT  - {item.journal[1]}", "PT  - Journal Article"])


def export_file(entries: Sequence[_Item], size: int = FILE_SIZE, seed: int = SEED + 1
                ) -> tuple[str, dict[str, int]]:
    """A MEDLINE file of ``size`` records overlapping ``entries`` as the module docstring says."""
    rng = random.Random(seed)
    picks = rng.sample(range(len(entries)), k=size * 20 // 100)
    by_pmid, by_title = picks[: size // 10], picks[size // 10: size * 15 // 100]
    reworded = picks[size * 15 // 100:]
    records = [_medline(entries[n]) for n in by_pmid]
    records += [_medline(replace(entries[n], pmid=None)) for n in by_title]
    for n in reworded:
        words = entries[n].title.split()
        position = rng.randrange(1, len(words) - 2)
        words[position] = rng.choice(_WORDS)
        records.append(_medline(replace(entries[n], title=" ".join(words), pmid=None)))
    records += [_medline(_item(rng, 100_000 + n, 40_000_000 + n))
                for n in range(size - len(records))]
    rng.shuffle(records)
    return "\n\n".join(records) + "\n", {"pmid": len(by_pmid), "title": len(by_title),
                                         "reworded": len(reworded)}


def measure(library_size: int = LIBRARY_SIZE, file_size: int = FILE_SIZE,
            runs: int = RUNS) -> dict[str, Any]:
    """The preview's times over ``runs`` runs, its counts, and what was planted."""
    from carechoices.references.importing import plan_import, read_records
    from carechoices.references.importing.dedupe import entry_from_csl

    entries = library(library_size)
    text, planted = export_file(entries, file_size)
    existing = [entry_from_csl(f"lib{n}", {
        "title": item.title, "author": [{"family": f, "given": g} for f, g in item.authors],
        "container-title": item.journal[1], "issued": {"date-parts": [[item.year]]}},
        pmid=item.pmid) for n, item in enumerate(entries)]
    keys = {entry.ref for entry in existing}
    timings, reading, counts = [], [], {}
    for _ in range(runs):
        started = time.perf_counter()
        read_records("bench.nbib", text)
        reading.append(time.perf_counter() - started)
        started = time.perf_counter()
        counts = plan_import([("bench.nbib", text)], existing, keys).counts
        timings.append(time.perf_counter() - started)
    median = statistics.median(timings)
    return {"library": library_size, "records": file_size, "file_bytes": len(text.encode()),
            "runs": runs, "median_s": round(median, 3), "max_s": round(max(timings), 3),
            "records_per_s": round(file_size / median),
            "read_median_s": round(statistics.median(reading), 3),
            "ratio_to_reading": ratio(median, statistics.median(reading)), "goal_s": GOAL_S,
            "counts": counts, "planted": planted}


def run(options: Any) -> Result:
    """The preview's time against the goal, and what it found against what was planted."""
    figures = measure()
    counts, planted = figures["counts"], figures["planted"]
    rows = [
        ("median of 3 runs", f"{figures['median_s']:.2f} s (goal ≤ {GOAL_S:.0f} s)"),
        ("slowest run", f"{figures['max_s']:.2f} s"),
        ("baseline: reading the file alone", f"{figures['read_median_s']:.2f} s"),
        ("preview ÷ reading", format_ratio(figures["ratio_to_reading"])),
        ("records per second", f"{figures['records_per_s']:,}"),
        ("file size", f"{figures['file_bytes'] / 1e6:.1f} MB"),
        ("new / duplicate / possible / invalid", f"{counts['new']:,} / {counts['duplicate']:,} / "
         f"{counts['possible duplicate']:,} / {counts['invalid']:,}"),
        ("planted: same PMID / same title / reworded",
         f"{planted['pmid']:,} / {planted['title']:,} / {planted['reworded']:,}"),
    ]
    return Result(figures, [("Import preview: 5,000 PubMed records against a 5,000-entry library",
                             ("what", "figure"), rows)])
