"""The import bench's generated data overlaps the library as planted, and the rules find it."""

from __future__ import annotations

from bench import references_import


def test_planted_overlaps_are_found() -> None:
    figures = references_import.measure(library_size=400, file_size=300, runs=1)
    counts, planted = figures["counts"], figures["planted"]
    assert planted == {"pmid": 30, "title": 15, "reworded": 15}
    assert counts["invalid"] == 0
    assert sum(counts.values()) == 300
    # Every repeated PMID and repeated title is a duplicate; every reworded title at least possible.
    assert counts["duplicate"] >= planted["pmid"] + planted["title"]
    assert counts["duplicate"] + counts["possible duplicate"] >= sum(planted.values())
    assert counts["new"] >= 300 - sum(planted.values()) - 3  # a few generated titles may collide


def test_the_generated_file_is_deterministic() -> None:
    entries = references_import.library(50)
    assert references_import.export_file(entries, 40) == references_import.export_file(entries, 40)
