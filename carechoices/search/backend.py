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


# SQLite: find the matches first ----------------------------------------------------------------
def _fts_first(compiler_class: type) -> type:
    """A SQLite query compiler that runs the full-text match once, on its own.

    modelsearch's SQLite query joins the FTS5 table to the index entries filtered by content type,
    and SQLite's planner then evaluates the MATCH once per index entry of that type (and again in
    the relevance subquery per result): with 100 reviews a one-word search took 17–37 ms. Here
    the MATCH runs alone (FTS5 drives the join, one evaluation), the content type is checked in
    Python, and the caller's queryset, relevance order and slicing are applied to the matching
    ids. The same match and the same BM25 ranking expression as the engine's; negated and
    match-all queries go to the engine unchanged.
    """
    from django.db.models import Case, FloatField, Value, When
    from modelsearch.backends.database.sqlite.query import MatchExpression, normalize
    from modelsearch.backends.database.sqlite.sqlite import SQLiteFTSIndexEntry
    from modelsearch.query import MatchAll, Not
    from modelsearch.utils import get_descendants_content_types_pks

    class FtsFirst(compiler_class):
        def search(self, config, start, stop, score_field=None):
            normalized = normalize(self.query)
            if isinstance(normalized, (MatchAll, Not)):
                return super().search(config, start, stop, score_field=score_field)
            match = MatchExpression(self.fields or self.FTS_TABLE_FIELDS,
                                    self.build_search_query(normalized, config=config))
            rank = self._build_rank_expression(self.get_search_vectors(), config)
            types = set(get_descendants_content_types_pks(self.queryset.model))
            scores: dict[str, float] = {}
            rows = SQLiteFTSIndexEntry.objects.filter(match).annotate(score=rank).values_list(
                "index_entry__content_type_id", "index_entry__object_id", "score")
            for content_type, object_id, score in rows:
                if content_type in types and (object_id not in scores or score < scores[object_id]):
                    scores[object_id] = score
            if not scores:
                return self.queryset.none()
            queryset = self.queryset.filter(pk__in=list(scores))
            if not self.order_by_relevance:
                if not queryset.query.order_by:
                    queryset = queryset.order_by("-pk")
                return queryset[start:stop]
            pks = sorted(queryset.values_list("pk", flat=True), key=lambda pk: (scores[str(pk)], -pk))
            chosen = pks[start:stop]
            name = score_field or "_score"
            ordered = self.queryset.filter(pk__in=chosen)
            if chosen:
                ordered = ordered.annotate(**{name: Case(
                    *(When(pk=pk, then=Value(scores[str(pk)])) for pk in chosen), output_field=FloatField())})
                ordered = ordered.order_by(name, "-pk")
            return ordered

    FtsFirst.__name__ = f"FtsFirst{compiler_class.__name__}"
    return FtsFirst


_original_backend = SearchBackend


def SearchBackend(params):  # noqa: N802, F811 - the name Wagtail looks for in a backend module
    backend = _original_backend(params)
    if all(c.__module__ != "modelsearch.backends.database.sqlite.sqlite" for c in type(backend).__mro__):
        return backend  # PostgreSQL (or SQLite without FTS5): the engine as it is
    from modelsearch.backends.database.sqlite.sqlite import SQLiteSearchBackend

    if isinstance(backend, SQLiteSearchBackend):
        backend.query_compiler_class = _fts_first(backend.query_compiler_class)
        backend.autocomplete_query_compiler_class = _fts_first(backend.autocomplete_query_compiler_class)
    return backend
