"""The benchmark's sections: what each one measured, skipped or failed.

A section is a name, a title and a callable taking :class:`BenchOptions` and returning
:class:`Measured` figures. A section that cannot run on this machine (a binary is missing, a
module is not written yet) raises :class:`SectionSkipped` with the reason, so the report says why
instead of showing a number nobody measured. Any other exception marks the section "failed" and
the remaining sections still run.

Plain Python: importing this module does not import Django.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Final

# Statuses a section can end with; only "measured" carries figures.
MEASURED: Final = "measured"
SKIPPED: Final = "skipped"
NOT_AVAILABLE: Final = "not available"
FAILED: Final = "failed"


class SectionSkipped(Exception):
    """Raised by a section that cannot run here; the message is shown to the reader.

    ``status`` is "skipped" for a missing tool or a choice on the command line and
    "not available" for a part of the project that does not exist yet.
    """

    def __init__(self, reason: str, *, status: str = SKIPPED) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


@dataclass(frozen=True)
class BenchOptions:
    """What the person asked for on the command line; every section reads the same options."""

    requests: int = 20  # in-process renders per page
    duration_s: int = 5  # wrk run per server
    threads: int = 2  # wrk threads
    connections: int = 50  # wrk connections
    workers: int = 2  # gunicorn workers (and nginx worker processes, to compare like with like)
    # Runs of the screening engine: with the real vocabulary one run takes tens of ms (the
    # fuzzy suggestions for misspelt names dominate), so the package's default of 200 is slow.
    screening_runs: int = 30
    rebuild_database: bool = False
    prepare_database: bool = False  # also migrate/load a database the person named in DATABASE_URL


@dataclass(frozen=True)
class FigureTable:
    """A table of already formatted figures, printed as is (the JSON keeps the raw numbers)."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass
class Measured:
    """What a section measured: raw figures for the JSON, tables and notes for the reader."""

    figures: dict[str, Any]
    tables: list[FigureTable] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class SectionOutcome:
    """One section's result in the report, whatever happened to it."""

    name: str
    title: str
    status: str
    seconds: float
    figures: dict[str, Any] = field(default_factory=dict)
    tables: list[FigureTable] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    reason: str = ""
    detail: str = ""  # the traceback of a failed section, for whoever fixes it

    def as_json(self) -> dict[str, Any]:
        """The outcome as JSON-ready data (tables are left out: they repeat the figures)."""
        return {
            "title": self.title,
            "status": self.status,
            "reason": self.reason,
            **({"detail": self.detail} if self.detail else {}),
            "seconds": round(self.seconds, 2),
            "notes": self.notes,
            "figures": self.figures,
        }


@dataclass(frozen=True)
class Section:
    """A named measurement the benchmark runs in registration order."""

    name: str
    title: str
    run: Callable[[BenchOptions], Measured]


def run_sections(sections: Iterable[Section], options: BenchOptions) -> list[SectionOutcome]:
    """Run every section in turn; one that fails or skips never stops the others."""
    outcomes = []
    for section in sections:
        start = time.perf_counter()
        try:
            measured = section.run(options)
        except SectionSkipped as skipped:
            outcomes.append(
                SectionOutcome(
                    section.name,
                    section.title,
                    skipped.status,
                    time.perf_counter() - start,
                    reason=skipped.reason,
                )
            )
        except Exception as error:  # noqa: BLE001 - reported, and the next section still runs
            outcomes.append(
                SectionOutcome(
                    section.name,
                    section.title,
                    FAILED,
                    time.perf_counter() - start,
                    reason=f"{type(error).__name__}: {error}",
                    detail="".join(traceback.format_exception(error)),
                )
            )
        else:
            outcomes.append(
                SectionOutcome(
                    section.name,
                    section.title,
                    MEASURED,
                    time.perf_counter() - start,
                    figures=measured.figures,
                    tables=measured.tables,
                    notes=measured.notes,
                )
            )
    return outcomes
