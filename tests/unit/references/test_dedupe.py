"""Duplicate detection rules, table-driven: identifiers, then title + first author + year, then similarity."""

from __future__ import annotations

import pytest

from carechoices.references.importing import Status, plan_import
from carechoices.references.importing.dedupe import (
    POSSIBLE_THRESHOLD,
    DuplicateIndex,
    Verdict,
    entry_from_csl,
    similarity,
)

BOLTON = {
    "type": "article-journal",
    "title": "Serious adverse events reported in placebo randomised controlled trials of oral naltrexone",
    "author": [{"family": "Bolton", "given": "M"}, {"family": "Hodkinson", "given": "A"}],
    "container-title": "BMC Medicine",
    "issued": {"date-parts": [[2019, 1, 15]]},
}


def entry(ref="lib", *, doi="", pmid="", pmcid="", **changes):
    csl = dict(BOLTON)
    for name, value in changes.items():
        name = name.replace("_", "-")
        if value is None:
            csl.pop(name, None)
        else:
            csl[name] = value
    return entry_from_csl(ref, csl, doi=doi, pmid=pmid, pmcid=pmcid)


def year(y):
    return {"date-parts": [[y]]}


CASES = [
    # (case, library entry, incoming entry, verdict, reason contains)
    ("same DOI, everything else different", entry(doi="10.1/a"),
     entry("in", doi="10.1/a", title="Something else entirely", author=[{"family": "Zed"}], issued=year(1990)),
     Verdict.DUPLICATE, "same DOI 10.1/a as lib"),
    ("same PMID", entry(pmid="30642329"), entry("in", pmid="30642329", title="Other"),
     Verdict.DUPLICATE, "same PMID"),
    ("same PMCID", entry(pmcid="PMC1"), entry("in", pmcid="PMC1", title="Other"), Verdict.DUPLICATE, "same PMCID"),
    ("same DOI but different PMID still duplicate, conflict named", entry(doi="10.1/a", pmid="1"),
     entry("in", doi="10.1/a", pmid="2"), Verdict.DUPLICATE, "but PMID differ"),
    ("same title (case, punctuation, accents), first author and year", entry(),
     entry("in", title="SERIOUS adverse-events reported in placébo randomised controlled trials of oral naltrexone."),
     Verdict.DUPLICATE, "same title, first author and year"),
    ("same title, year one apart", entry(), entry("in", issued=year(2020)), Verdict.DUPLICATE, "same title"),
    ("same title, only one has a year", entry(), entry("in", issued=None), Verdict.DUPLICATE, "same title"),
    ("same title, first author's initial differs: not the same first author",
     entry(), entry("in", author=[{"family": "Bolton", "given": "Q"}]), Verdict.POSSIBLE, "looks like lib"),
    ("same title, first author and year but DOIs differ: possible only", entry(doi="10.1/a"),
     entry("in", doi="10.1/b"), Verdict.POSSIBLE, "different DOI"),
    ("same title, years three apart: neither rule", entry(), entry("in", issued=year(2022)),
     Verdict.NEW, "no match"),
    ("small title change, same authors, journal abbreviated", entry(),
     entry("in", title="Serious adverse events reported in placebo-controlled randomised trials of oral naltrexone",
           container_title="BMC Med"), Verdict.POSSIBLE, "similarity"),
    ("similar title but conflicting DOIs: not even possible", entry(doi="10.1/a"),
     entry("in", doi="10.1/b", title="Serious adverse events reported in placebo randomised controlled trials of naltrexone"),
     Verdict.NEW, "no match"),
    ("different work by the same authors in the same journal", entry(),
     entry("in", title="Low dose naltrexone for fibromyalgia pain: an open-label pilot study"), Verdict.NEW, "no match"),
    ("no authors on either, same title and year", entry(author=None), entry("in", author=None),
     Verdict.DUPLICATE, "same title"),
    ("authors on one only, same title: possible", entry(author=None), entry("in"), Verdict.POSSIBLE, "looks like"),
]


@pytest.mark.parametrize(("library", "incoming", "verdict", "reason"),
                         [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_duplicate_rules(library, incoming, verdict, reason) -> None:
    match = DuplicateIndex([library]).classify(incoming)
    assert match.verdict == verdict, match.reason
    assert reason in match.reason
    if verdict != Verdict.NEW:
        assert match.other == "lib"


def test_similarity_weights_and_threshold() -> None:
    a = entry()
    assert similarity(a, a) == 1.0
    # Title identical, everything else missing on one side: only the title counts.
    assert similarity(a, entry("b", author=None, container_title=None, issued=None)) == 1.0
    other_year = entry("b", issued=year(2030))
    assert similarity(a, other_year) == pytest.approx((3 + 2.5 + 2 + 0) / 8.5)
    assert similarity(a, entry("b", title=None)) == 0.0
    assert POSSIBLE_THRESHOLD == 0.75


def test_the_best_of_several_candidates_is_named() -> None:
    near = entry("near", title=BOLTON["title"].replace("oral", "oral low dose"))
    far = entry("far", title=BOLTON["title"].replace("Serious adverse events", "Harms"))
    match = DuplicateIndex([far, near]).classify(entry("in", title=BOLTON["title"] + " revisited"))
    assert (match.verdict, match.other) == (Verdict.POSSIBLE, "near")


def test_within_the_file_and_against_the_library() -> None:
    ris = """TY  - JOUR\nTI  - A sample title about sample things\nAU  - Roe, R.\nPY  - 2020\nDO  - 10.1234/x\nER  - \n
TY  - JOUR\nTI  - A sample title about sample things\nAU  - Roe, R.\nPY  - 2020\nER  - \n
TY  - JOUR\nTI  - Another sample\nAU  - Poe, P.\nPY  - 2020\nAN  - 123\nDB  - PubMed\nER  - \n"""
    library = [entry_from_csl("poe2020", {"title": "Different title", "issued": year(2001)}, pmid="123")]
    plan = plan_import([("a.ris", ris)], library, {"poe2020"})
    assert [row.status for row in plan.rows] == [Status.NEW, Status.DUPLICATE, Status.DUPLICATE]
    assert plan.rows[1].other == "record 1" and "same title" in plan.rows[1].reason
    assert plan.rows[2].other == "poe2020" and "same PMID 123" in plan.rows[2].reason
    assert plan.counts == {Status.NEW: 1, Status.DUPLICATE: 2, Status.POSSIBLE: 0, Status.INVALID: 0}


def test_a_plan_made_in_parts_equals_the_plan_made_at_once() -> None:
    from bench.references_import import export_file, library
    from carechoices.references.importing.dedupe import entry_from_csl as entry_of

    entries = library(300)
    text, _ = export_file(entries, 250)
    lib = [entry_of(f"lib{n}", {"title": e.title, "author": [{"family": f, "given": g} for f, g in e.authors],
                                "issued": {"date-parts": [[e.year]]}}, pmid=e.pmid) for n, e in enumerate(entries)]
    whole = plan_import([("f.nbib", text)], lib, set())
    outcomes: list = []
    while True:
        part = plan_import([("f.nbib", text)], lib, set(), until=len(outcomes) + 60, resume=outcomes)
        assert part.total == 250
        outcomes = part.outcomes()
        if part.complete:
            break
        assert len(part.rows) == len(outcomes) and len(outcomes) % 60 == 0
    assert outcomes == whole.outcomes()
    assert [r.record for r in part.rows] == [r.record for r in whole.rows]
    assert whole.counts[Status.DUPLICATE] > 0 and whole.counts[Status.POSSIBLE] > 0
