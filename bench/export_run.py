"""One ``carechoices export`` in a fresh interpreter, measured: ``python -m bench.export_run DIR``.

The export section starts this once per corpus with the bench's settings and ``DATABASE_URL``
in the environment, so each export's memory is its own: ``VmHWM`` (the peak resident set of
this process's address space, which exec started afresh) is read from ``/proc/self/status``
after Django is set up and again after the export. A progress recorder passed to the export
notes the time and the resident set (``/proc/self/statm``) after every review, which shows
whether memory climbs while the reviews are written. With ``--baseline`` it then times the
canonical ``json.dumps`` of every file it wrote, parsed back: the same data serialised with no
compiling, no validation and no database. It prints one JSON object on stdout.

Importing this module imports nothing from Django; ``main`` does.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def status_kib(status: str, field: str) -> int | None:
    """A ``kB`` figure (``VmHWM``, ``VmRSS``) from the text of ``/proc/<pid>/status``; None if absent."""
    for line in status.splitlines():
        name, _, value = line.partition(":")
        if name == field:
            number, _, unit = value.strip().partition(" ")
            if unit.strip() != "kB":
                raise ValueError(f"unexpected {field} unit: {value.strip()!r}")
            return int(number)
    return None


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="ascii") as file:
            return file.read()
    except OSError:
        return None


def resident_kib() -> int | None:
    """This process's resident set now, from ``/proc/self/statm`` (None without ``/proc``)."""
    statm = _read("/proc/self/statm")
    return int(statm.split()[1]) * PAGE_SIZE // 1024 if statm else None


class StepRecorder:
    """A ``Progress`` (``opendata.progress``) noting the time and resident set at every step."""

    def __init__(self, clock: Callable[[], float] = time.perf_counter,
                 memory: Callable[[], int | None] = resident_kib) -> None:
        self.clock, self.memory = clock, memory
        self.phases: list[dict[str, Any]] = []

    def task(self, description: str, total: int) -> Callable[[], None]:
        phase = {"description": description, "total": total, "start": self.clock(), "steps": []}
        self.phases.append(phase)

        def step() -> None:
            phase["steps"].append((self.clock() - phase["start"], self.memory()))

        return step


def main(argv: Sequence[str] | None = None) -> int:
    started = time.perf_counter()
    parser = argparse.ArgumentParser(prog="python -m bench.export_run")
    parser.add_argument("directory", type=Path)
    parser.add_argument("--baseline", action="store_true", help="also time json.dumps of the files written")
    arguments = parser.parse_args(argv)

    import django

    django.setup()
    from carechoices.opendata import manifest as layout
    from carechoices.opendata.export import export_to_directory

    ready = time.perf_counter()
    before = _read("/proc/self/status") or ""
    recorder = StepRecorder()
    summary = export_to_directory(arguments.directory, recorder)
    done = time.perf_counter()
    after = _read("/proc/self/status") or ""
    result: dict[str, Any] = {
        "counts": summary.counts,
        "files": summary.files,
        "bytes": summary.bytes,
        "setup_s": ready - started,
        "export_s": done - ready,
        "rss_before_kib": status_kib(before, "VmRSS"),
        "hwm_before_kib": status_kib(before, "VmHWM"),
        "hwm_after_kib": status_kib(after, "VmHWM"),
        "steps": recorder.phases[0]["steps"] if recorder.phases else [],
    }
    if arguments.baseline:
        documents = [
            json.loads(path.read_bytes())
            for path in sorted(arguments.directory.rglob("*.json"))
        ]
        start = time.perf_counter()
        written = sum(len(layout.dumps(document)) for document in documents)
        result["dumps_s"] = time.perf_counter() - start
        result["dumps_files"] = len(documents)
        result["dumps_bytes"] = written
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
