"""Progress for the long commands: a bar per phase on a terminal, nothing anywhere else."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Protocol


class Progress(Protocol):
    """Something that shows how far a phase has got."""

    def task(self, description: str, total: int) -> Callable[[], None]:
        """Start a phase of ``total`` steps; the returned function marks one step done."""


class Silent:
    """No progress shown (the API, tests)."""

    def task(self, description: str, total: int) -> Callable[[], None]:
        return lambda: None


class _RichProgress:
    def __init__(self, progress) -> None:
        self._progress = progress

    def task(self, description: str, total: int) -> Callable[[], None]:
        task_id = self._progress.add_task(description, total=total)
        return lambda: self._progress.advance(task_id)


@contextmanager
def terminal_progress() -> Iterator[Progress]:
    """rich progress bars on stderr, shown only when stderr is a terminal."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as RichProgress

    console = Console(stderr=True)
    with RichProgress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, disable=not sys.stderr.isatty(),
    ) as progress:
        yield _RichProgress(progress)
