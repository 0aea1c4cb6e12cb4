"""Wagtail's database search backend, given only clean queries.

``WAGTAILSEARCH_BACKENDS`` points here. :func:`SearchBackend` returns the backend Wagtail would
pick for the database (FTS5 on SQLite, full text on PostgreSQL) with one change: every query
string, from the site's search and the back office's alike, passes through
:func:`carechoices.search.query.clean_query` first. Without it a ``"`` gives a 500 on SQLite
(wagtail/wagtail#13227, open) and a NUL character one on PostgreSQL.
"""

from __future__ import annotations

from modelsearch.backends.base import EmptySearchResults
from modelsearch.backends.database import SearchBackend as _database_backend
from modelsearch.query import SearchQuery

from .query import clean_query


def _cleaned(query):
    if isinstance(query, str):
        return clean_query(query).text
    if isinstance(query, SearchQuery) and isinstance(getattr(query, "query_string", None), str):
        query.query_string = clean_query(query.query_string).text
    return query


class _NoResults(EmptySearchResults):
    """No results, still knowing its model (the back office's listing asks for it)."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def _clone(self):
        return self.__class__(self.model)


class _CleanQueries:
    """Mixed into the backend class Wagtail chose: clean the query, then search as usual."""

    def _search(self, query_compiler_class, query, model_or_queryset, **kwargs):
        query = _cleaned(query)
        if query == "" or getattr(query, "query_string", None) == "":
            model = getattr(model_or_queryset, "model", model_or_queryset)
            return _NoResults(model)
        return super()._search(query_compiler_class, query, model_or_queryset, **kwargs)


_classes: dict[type, type] = {}


def SearchBackend(params):  # noqa: N802 - the name Wagtail looks for in a backend module
    backend = _database_backend(params)
    base = type(backend)
    cls = _classes.get(base)
    if cls is None:
        cls = _classes[base] = type(f"Clean{base.__name__}", (_CleanQueries, base), {})
    backend.__class__ = cls
    return backend
