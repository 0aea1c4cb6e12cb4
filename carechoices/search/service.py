"""Site search: one query over reviews, cancer types, the glossary, references and people.

Wagtail's search backend finds the records (whole words, and the last word as a prefix through
``autocomplete``, so "naltrexon" finds naltrexone on SQLite, which does not stem); this module
groups them, says on which sub-page of a review the words were found, and highlights them. A
query that finds nothing is retried with the nearest known names ("did you mean"). The page
(``views``) and ``GET /api/v1/search`` both return :func:`search`'s results.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.safestring import mark_safe
from wagtail.search.backends import get_search_backend

from carechoices.editorial.generation import PerGeneration
from carechoices.references.identifiers import identifier_in

from .query import clean_query
from .snippets import best_snippet, find_terms, plain
from .suggest import Suggester

#: A review's long fields, read only when its sub-page texts are first needed.
TEXT_FIELDS = ("at_a_glance", "research_summary", "safety_overview", "side_effects", "contraindications",
               "expert_uses", "dosing_protocols", "mechanisms", "preclinical", "costs_access", "evidence",
               "grades", "keep_reading")
#: Results kept per group.
PER_GROUP = 10
GROUPS = (
    ("therapies", "Therapies"),
    ("cancer-types", "Cancer types"),
    ("glossary", "Glossary"),
    ("references", "References"),
    ("people", "People"),
)


@dataclass
class Hit:
    title: str
    url: str
    snippet: str  # HTML: escaped text with <mark> around the matched words
    found_on: str = ""  # the sub-page, for a review
    found_on_url: str = ""

    def as_json(self) -> dict:
        return {"title": self.title, "url": self.url, "snippet": str(self.snippet),
                "found_on": self.found_on or None, "found_on_url": self.found_on_url or None}


@dataclass
class Group:
    kind: str
    label: str
    hits: list[Hit] = field(default_factory=list)


@dataclass
class Results:
    typed: str
    query: str
    truncated: bool = False
    suggestion: str | None = None
    groups: list[Group] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(g.hits) for g in self.groups)

    @property
    def searched(self) -> str:
        """What the results are for: the suggestion when the query as typed found nothing."""
        return self.suggestion or self.query

    def as_json(self) -> dict:
        return {
            "query": self.query, "truncated": self.truncated, "suggestion": self.suggestion,
            "count": self.count,
            "groups": [{"kind": g.kind, "label": g.label, "hits": [h.as_json() for h in g.hits]}
                       for g in self.groups if g.hits],
        }


def _find(queryset, query: str, limit: int = PER_GROUP) -> list:
    """Records matching every word (or, failing that, any word), best first; failing both, the
    records whose names start with the words (the last one as a prefix: "naltrexon")."""
    backend = get_search_backend()
    found = list(backend.search(query, queryset, operator="and")[:limit])
    if not found and len(query.split()) > 1:
        found = list(backend.search(query, queryset, operator="or")[:limit])
    if not found and queryset.model.get_autocomplete_search_fields():
        seen = {obj.pk for obj in found}
        for obj in backend.autocomplete(query, queryset, operator="and")[:limit]:
            if obj.pk not in seen and len(found) < limit:
                found.append(obj)
                seen.add(obj.pk)
    return found


def _therapy_hits(query: str, terms: list[str]) -> list[Hit]:
    from carechoices.therapies.models import TherapyPage

    from .subpages import page_url, subpage_texts

    # The long fields stay in the database: a hit's sub-page texts are kept per live revision.
    pages = TherapyPage.objects.live().public().defer(*TEXT_FIELDS)
    hits = []
    for page in _find(pages, query):
        url = page_url(page)
        texts = subpage_texts(page)
        names = best_snippet([("", f"{page.title} {page.synonyms}")], terms)
        if names is not None and names.matches >= len(terms):
            texts = texts[:1]  # the therapy's own name: the overview is where to start
        snippet = best_snippet([(label, text) for label, _path, text, _f in texts], terms,
                               folded=[f for _l, _p, _t, f in texts])
        if snippet is None:
            hits.append(Hit(page.title, url, mark_safe(plain(page.tagline)), "Overview", url))  # noqa: S308
            continue
        path = next(p for label, p, _t, _f in texts if label == snippet.name)
        hits.append(Hit(page.title, url, mark_safe(snippet.html), snippet.name, url + path))  # noqa: S308
    return hits


def _record_hits(objects, terms, title, url, texts) -> list[Hit]:
    hits = []
    for obj in objects:
        snippet = best_snippet([("", t) for t in texts(obj)], terms)
        shown = snippet.html if snippet else plain(texts(obj)[-1])
        hits.append(Hit(title(obj), url(obj), mark_safe(shown)))  # noqa: S308 - escaped in snippets
    return hits


def _cancer_type_hits(query, terms):
    from carechoices.cancertypes.models import CancerType

    return _record_hits(_find(CancerType.objects.all(), query), terms, lambda t: t.title,
                        lambda t: t.get_absolute_url(),
                        lambda t: [t.name, t.synonyms, t.description or t.name])


def _glossary_hits(query, terms):
    from carechoices.glossary.models import GlossaryTerm

    return _record_hits(_find(GlossaryTerm.objects.all(), query), terms, lambda t: t.term,
                        lambda t: t.get_absolute_url(), lambda t: [t.term, t.synonyms, t.definition])


_cited: tuple[object, dict[str, tuple[str, str]]] | None = None


def _citations() -> dict[str, tuple[str, str]]:
    """Citation key → (review title, link to it in that review's references), live reviews only.

    Worked out again only when a review changes (the compiled records are then new).
    """
    global _cited
    from carechoices.therapies.compile import live_records

    from .subpages import page_url

    records = live_records()
    if _cited is not None and _cited[0] is records:
        return _cited[1]
    cited: dict[str, tuple[str, str]] = {}
    for compiled in records.values():
        if compiled.record is None:
            continue
        url = page_url(compiled.page)
        for ref in compiled.record.references:
            cited.setdefault(ref.key, (compiled.record.title, f"{url}references/#ref-{ref.number}"))
    _cited = (records, cited)
    return cited


def _reference_texts(reference) -> list[str]:
    ids = " ".join(filter(None, [f"doi:{reference.doi}" if reference.doi else "",
                                 f"PMID {reference.pmid}" if reference.pmid else ""]))
    return [reference.title_text, reference.authors_text, ids,
            " · ".join(filter(None, [reference.authors_text, reference.container_title_text, ids]))]


def _reference_hits(query, typed, terms):
    """References cited by a live review (the public library), each linked where it is cited."""
    from carechoices.references.models import Reference

    cited = _citations()
    public = Reference.objects.filter(key__in=list(cited))
    identifier = identifier_in(typed)
    if identifier is not None:
        kind, value = identifier
        found = list(public.filter(**{kind: value})[:PER_GROUP])
        terms = find_terms(value)
    else:
        found = _find(public, query)
    hits = _record_hits(found, terms, lambda r: r.title_text or r.key, lambda r: cited[r.key][1], _reference_texts)
    for hit, reference in zip(hits, found, strict=True):
        hit.found_on, hit.found_on_url = f"Cited in {cited[reference.key][0]}", cited[reference.key][1]
    return hits


def _people_hits(query, terms):
    from carechoices.people.models import Person

    return _record_hits(_find(Person.objects.all(), query), terms, lambda p: p.display_name,
                        lambda p: p.get_absolute_url(), lambda p: [p.name, p.role, p.bio])


def known_names() -> list[str]:
    """The names "did you mean" may suggest: therapies, cancer types, glossary terms."""
    from carechoices.cancertypes.models import CancerType
    from carechoices.glossary.models import GlossaryTerm
    from carechoices.therapies.models import TherapyPage

    names: list[str] = []
    for title, synonyms in TherapyPage.objects.live().public().values_list("title", "synonyms"):
        names += [title, synonyms]
    names += [n for row in CancerType.objects.values_list("name", "synonyms") for n in row]
    names += [n for row in GlossaryTerm.objects.values_list("term", "synonyms") for n in row]
    return names


#: "Did you mean" over the known names, built once per content generation (a publish or a
#: change to a cancer type or glossary term raises it).
_suggester: PerGeneration[Suggester] = PerGeneration(lambda: Suggester(known_names()))


def _run(query: str, typed: str) -> list[Group]:
    terms = find_terms(query)
    found = {
        "therapies": _therapy_hits(query, terms),
        "cancer-types": _cancer_type_hits(query, terms),
        "glossary": _glossary_hits(query, terms),
        "references": _reference_hits(query, typed, terms),
        "people": _people_hits(query, terms),
    }
    return [Group(kind, label, found[kind]) for kind, label in GROUPS]


def search(typed: object) -> Results:
    """Everything matching what was typed, grouped; never raises on odd input."""
    raw = typed if isinstance(typed, str) else ""
    cleaned = clean_query(raw)
    results = Results(typed=raw, query=cleaned.text, truncated=cleaned.truncated)
    if not cleaned:
        return results
    results.groups = _run(cleaned.text, raw)
    if results.count == 0:
        suggestion = _suggester.get().suggest(cleaned.text)
        if suggestion:
            results.suggestion = suggestion
            results.groups = _run(suggestion, suggestion)
    return results
