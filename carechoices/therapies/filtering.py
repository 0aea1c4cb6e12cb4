"""The therapy index's filters: a plain GET form whose state lives in the URL, with counts.

Each filter narrows the list; the count beside each value is how many reviews the list would
show with that value chosen and the other filters as they are. A value the site does not know
is reported next to its filter and ignored, never an error page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from carechoices.cancertypes.evidence import GRADE_ORDER

from .models import CATEGORY_CHOICES
from .summaries import NO_GRADE, Summary

GRADE_LABELS = {g.value: g.label for g in GRADE_ORDER}


@dataclass
class Option:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facet:
    name: str
    label: str
    options: list[Option] = field(default_factory=list)
    error: str = ""
    clear_url: str = ""

    @property
    def selected(self) -> Option | None:
        return next((o for o in self.options if o.selected), None)


@dataclass
class Filtered:
    therapies: list[Summary]
    facets: list[Facet]
    total: int
    active: bool


def _facet_defs(cancer_types: list[tuple[str, str]]) -> list[tuple[str, str, list[tuple[str, str]], Callable[[Summary], set[str]]]]:
    return [
        ("category", "Kind of therapy", list(CATEGORY_CHOICES), lambda s: {s.category}),
        ("cancer_type", "Cancer type (studies in it)", cancer_types, lambda s: {slug for slug, _n in s.cancer_types}),
        ("grade", "Strongest evidence", [*GRADE_LABELS.items(), (NO_GRADE, "Not yet graded")],
         lambda s: {s.grade_value}),
        ("safety", "Safety rating (0 lowest, 5 highest)",
         [*((str(n), f"{n} of 5") for n in range(5, -1, -1)), ("none", "Not yet rated")],
         lambda s: {"none" if s.safety_rating is None else str(s.safety_rating)}),
        ("completeness", "Review", [("full", "Full review"), ("partial", "Partial review")],
         lambda s: {"partial" if s.partial else "full"}),
    ]


def apply_filters(summaries: list[Summary], params: Mapping[str, str], cancer_types: list[tuple[str, str]]) -> Filtered:
    defs = _facet_defs(cancer_types)
    chosen: dict[str, str] = {}
    errors: dict[str, str] = {}
    for name, _label, options, _values in defs:
        raw = (params.get(name) or "").strip()
        if not raw:
            continue
        if raw in {v for v, _l in options}:
            chosen[name] = raw
        else:
            shown = raw if len(raw) <= 40 else raw[:40] + "…"
            errors[name] = f"“{shown}” is not one of the choices, so this filter is not applied."

    def matches(summary: Summary, skip: str | None = None) -> bool:
        return all(value in values(summary) for name, _l, _o, values in defs
                   if name in chosen and name != skip for value in (chosen[name],))

    facets = []
    for name, label, options, values in defs:
        pool = [s for s in summaries if matches(s, skip=name)]
        facet = Facet(name, label, error=errors.get(name, ""),
                      clear_url="?" + urlencode({k: v for k, v in chosen.items() if k != name}))
        for value, option_label in options:
            count = sum(1 for s in pool if value in values(s))
            if count or chosen.get(name) == value:
                facet.options.append(Option(value, option_label, count, chosen.get(name) == value))
        facets.append(facet)
    shown = [s for s in summaries if matches(s)]
    return Filtered(shown, facets, len(summaries), bool(chosen))
