"""The published content generation: what cached pages and compiled content are keyed by.

A number kept in the database (``PublishedContentState``) that any publish, unpublish, move or
delete of a page and any save or delete of a reference, glossary term, person or site raises in
the same transaction (``editorial.signals``). An edit is visible at the next request, no signal
has to know which pages cite what, and nothing reverts when a cache entry times out or is evicted.

Within a request the generation is read once (:func:`request_scope`); :class:`PerGeneration`
keeps a value built from the database (the reference library, the glossary) once per
generation per process.
"""

from __future__ import annotations

import contextvars
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

from django.db.models import F, Value
from django.db.models.functions import Greatest

STATE_ID = 1
T = TypeVar("T")
_request: contextvars.ContextVar[dict | None] = contextvars.ContextVar("content_generation", default=None)


def read() -> int:
    """The generation in the database now (one primary-key query); 0 before any change.

    Every request that reads content asks this first, so it is one statement rather than a
    queryset: the ORM's compiling costs more than the query. It goes to the database the ORM
    would route the read to, and raises Django's ``OperationalError`` when that is down.
    Where queries are being logged or wrapped (``assertNumQueries``, ``DEBUG``,
    ``execute_wrapper``) it runs through Django's cursor, so it counts; otherwise straight on
    the connection's DB-API cursor (:func:`execute_direct`), which costs a third as much: a
    request's first query finds Django's cursor code out of the CPU caches.
    """
    from django.db import connections, router

    from .models import PublishedContentState

    connection = connections[router.db_for_read(PublishedContentState)]
    if connection.queries_logged or connection.execute_wrappers:
        with connection.cursor() as cursor:
            cursor.execute(_read_sql(connection), [STATE_ID])
            row = cursor.fetchone()
    else:
        row = execute_direct(connection, _read_sql(connection, direct=True), (STATE_ID,))
    return (row[0] if row else 0) or 0


def execute_direct(connection, sql: str, params: tuple) -> tuple | None:
    """One row of ``sql`` on the DB-API connection under ``connection`` (Django's), with what
    Django's cursor would do first (health check, connect, refuse a broken transaction) and its
    errors turned into Django's."""
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_no_broken_transaction()
    with connection.wrap_database_errors:
        cursor = connection.connection.cursor()
        try:
            cursor.execute(sql, params)
            return cursor.fetchone()
        finally:
            cursor.close()


_sql: dict[tuple[str, bool], str] = {}


def _read_sql(connection, *, direct: bool = False) -> str:
    """The statement in Django's placeholder style or, ``direct``, in the driver's own."""
    key = (connection.vendor, direct)
    if key not in _sql:
        from .models import PublishedContentState

        meta = PublishedContentState._meta
        quote = connection.ops.quote_name
        # SQLite's driver takes "?", psycopg "%s" as Django does.
        placeholder = "?" if direct and connection.vendor == "sqlite" else "%s"
        # Names from the model's own metadata, quoted by the backend; the id is a parameter.
        _sql[key] = (
            f"SELECT {quote(meta.get_field('generation').column)} FROM {quote(meta.db_table)} "  # noqa: S608
            f"WHERE {quote(meta.pk.column)} = {placeholder}"
        )
    return _sql[key]


def current() -> int:
    """The generation this request works with: read once per request, at its first use."""
    scope = _request.get()
    if scope is None:
        return read()
    if "generation" not in scope:
        scope["generation"] = read()
    return scope["generation"]


@contextmanager
def request_scope(generation: int | None = None) -> Iterator[None]:
    """Read the generation at most once in this block (``generation`` if already read)."""
    token = _request.set({} if generation is None else {"generation": generation})
    try:
        yield
    finally:
        _request.reset(token)


def bump(**_signal_kwargs) -> None:
    """A change pages show: every cached page and compiled value made before it is out of date."""
    from .models import PublishedContentState

    # Microseconds since the epoch, and always above the last value: a generation is never
    # reused, even if the row was deleted and made again (a flushed database).
    now = time.time_ns() // 1000
    updated = PublishedContentState.objects.filter(pk=STATE_ID).update(
        generation=Greatest(F("generation") + 1, Value(now))
    )
    if not updated:
        PublishedContentState.objects.get_or_create(pk=STATE_ID, defaults={"generation": now})
    scope = _request.get()
    if scope is not None:
        scope.pop("generation", None)  # this request's later reads see its own change


_kept: list = []
_forget_hooks: list[Callable[[], None]] = []


def on_forget(hook: Callable[[], None]) -> Callable[[], None]:
    """Register a process cache of values keyed by generation, cleared by :func:`forget_all`."""
    _forget_hooks.append(hook)
    return hook


def forget_all() -> None:
    """Drop every value kept per generation in this process.

    Only tests need it: a rolled-back test can leave the generation where it was, with other
    content behind it.
    """
    for kept in _kept:
        kept.forget()
    for hook in _forget_hooks:
        hook()


#: Generations a process cache keeps values for: the newest two. A request that began before a
#: publish still asks with the generation it read; its values are kept beside the new ones, and
#: it never evicts them (generations only rise, but a bump rolled back with its transaction
#: leaves one behind that nobody reads again, so it must not push out the one in use either).
KEPT_GENERATIONS = 2


def keep_newest(by_generation: dict) -> None:
    for old in sorted(by_generation)[:-KEPT_GENERATIONS]:
        del by_generation[old]


class PerGeneration(Generic[T]):
    """A value built from the database once per content generation, shared by the process."""

    def __init__(self, build: Callable[[], T]) -> None:
        _kept.append(self)
        self._build = build
        self._lock = threading.Lock()
        self._values: dict[int, T] = {}

    def forget(self) -> None:
        with self._lock:
            self._values = {}

    def get(self) -> T:
        generation = current()
        with self._lock:
            if generation in self._values:
                return self._values[generation]
        value = self._build()
        with self._lock:
            self._values[generation] = value
            keep_newest(self._values)
        return value


class PerGenerationMap(Generic[T]):
    """Values by key, each built once per content generation; older generations are dropped."""

    def __init__(self, max_entries: int = 256) -> None:
        _kept.append(self)
        self._lock = threading.Lock()
        self._values: dict[int, dict] = {}
        self._max_entries = max_entries

    def forget(self) -> None:
        with self._lock:
            self._values = {}

    def get(self, key, build: Callable[[], T]) -> T:
        generation = current()
        with self._lock:
            values = self._values.get(generation)
            if values is not None and key in values:
                return values[key]
        value = build()
        with self._lock:
            values = self._values.setdefault(generation, {})
            if len(values) >= self._max_entries:
                values.clear()
            values[key] = value
            keep_newest(self._values)
        return value
