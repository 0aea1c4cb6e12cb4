"""Offline medicine and condition vocabulary for the personal safety screen.

A person's free-text entry ("Percocet 5/325", "tramadoll", "Hashimoto's") is resolved to
generic ingredients and rule classes (medicines) or condition concepts (conditions),
with a status that the screen turns into findings or into "not checked":

* ``recognised``: the whole entry, or every meaningful part of it, matched a known name.
* ``ambiguous``: it matched, but the name covers several formulas (a brand family such
  as "Tylenol", or "T3"); ingredients are the union of all of them. A product or brand
  name that begins longer product names ("Coricidin HBP" and "Coricidin HBP Cough and
  Cold") means any of them.
* ``suggested``: nothing matched exactly; ``suggestions`` holds close spellings to
  confirm. Nothing is substituted silently.
* ``unrecognised``: nothing matched. The screen must report it as not checked.

Rule classes ("opioid", "immunosuppressant", ...) are decided per ingredient: *in*, *out*
or *undecided*. A curated row of ``rule_classes.tsv`` decides; an ingredient whose signals
(FDA pharmacologic classes, DEA schedules) match a class's neighbourhood
(``rule_class_signals.tsv``) but has no row for that class is *undecided* and reported in
``MedicineMatch.undecided``: the screen treats it as not checked. Ingredients with signals
outside every neighbourhood are *out*; those with neither a row nor a signal are
*unclassified* (``MedicineMatch.unclassified``). :meth:`MedicineVocabulary.coverage` reports
each class; the shipped data leaves nothing undecided.

Data (read lazily, once): ``data/drug_index.json.gz`` built from public-domain FDA files by
``tools/build_drug_index.py``, plus five hand-curated tables (``aliases.tsv``,
``rule_classes.tsv``, ``rule_class_signals.tsv``, ``conditions.tsv``,
``local_routes.tsv``), each row with its source. Standard library only; ``rapidfuzz`` is
imported the first time a suggestion is needed.
"""

from __future__ import annotations

import bisect
import csv
import gzip
import hashlib
import io
import json
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from types import ModuleType

from carechoices.core.records import quick_init
from carechoices.medicines.parsing import (
    BOUNDARY,
    BOUNDARY_CHARS,
    CONNECTOR_WORDS,
    DOSE,
    FORM_WORDS,
    MAX_INPUT_CHARS,
    NUMBER,
    RATE_WORDS,
    SALT_WORDS,
    TAG,
    UNIT_WORDS,
    WORD,
    Token,
    name_key,
    tokenise,
)
from carechoices.medicines.suggestions import CharacterCountIndex

__all__ = [
    "CLASS_IMPLIES",
    "CURATED_TABLES_DATE",
    "RULE_CLASSES",
    "STATUSES",
    "ClassCoverage",
    "ConditionMatch",
    "MedicineMatch",
    "MedicineVocabulary",
    "UndecidedClass",
    "load_vocabulary",
]

RECOGNISED = "recognised"
AMBIGUOUS = "ambiguous"
SUGGESTED = "suggested"
UNRECOGNISED = "unrecognised"
#: Every status a lookup can return.
STATUSES = frozenset({RECOGNISED, AMBIGUOUS, SUGGESTED, UNRECOGNISED})

#: A curated row with this class records an ingredient reviewed and found in no rule class:
#: it is decided *out* of every class, neighbourhood or not.
NO_RULE_CLASS = "none"

#: The rule classes the curated table may use; screening rules refer to these slugs.
RULE_CLASSES = frozenset(
    {
        "opioid",
        "opioid-antagonist",
        "transplant-immunosuppressant",
        "immunosuppressant",
        "thyroid-hormone",
        "nsaid",
        "corticosteroid",
    }
)
#: A class whose members all belong to other classes too: an ingredient decided *in*
#: ``transplant-immunosuppressant`` is in ``immunosuppressant`` by that same row, and the
#: wider class's neighbourhood includes the narrower one's.
CLASS_IMPLIES: Mapping[str, tuple[str, ...]] = {
    "transplant-immunosuppressant": ("immunosuppressant",),
}

#: Decisions of ``rule_classes.tsv``.
DECISION_IN = "in"
DECISION_OUT = "out"

#: Values of ``MedicineMatch.route``.
ROUTE_LOCAL = "local"
#: Words of an entry that name a form for local use: skin, eye, ear, nose or airways
#: ("tacrolimus ointment", "cyclosporine eye drops", "fluticasone inhaler"). A patch is
#: not local (the fentanyl patch), nor are a foam, an enema or a suppository.
LOCAL_FORM_WORDS = frozenset(
    {
        "ointment",
        "ointments",
        "oint",
        "cream",
        "creams",
        "lotion",
        "lotions",
        "gel",
        "topical",
        "topically",
        "eye",
        "eyes",
        "eyedrops",
        "ophthalmic",
        "ear",
        "ears",
        "otic",
        "nasal",
        "inhaler",
        "inhalers",
        "inhaled",
        "inhalation",
        "puffer",
        "nebuliser",
        "nebulizer",
        "shampoo",
    }
)
#: Words that say the medicine is taken into the body; with any of them an entry is never
#: read as local ("hydrocortisone cream and tablets").
SYSTEMIC_FORM_WORDS = frozenset(
    {
        "tablet",
        "tablets",
        "tab",
        "tabs",
        "capsule",
        "capsules",
        "cap",
        "caps",
        "caplet",
        "caplets",
        "softgel",
        "softgels",
        "gelcap",
        "gelcaps",
        "liquigels",
        "liquigel",
        "pill",
        "pills",
        "lozenge",
        "lozenges",
        "oral",
        "orally",
        "po",
        "syrup",
        "elixir",
        "injection",
        "injections",
        "injectable",
        "inj",
        "iv",
        "im",
        "sc",
        "subq",
        "subcutaneous",
        "intravenous",
        "infusion",
        "patch",
        "patches",
        "transdermal",
        "film",
        "suppository",
        "suppositories",
        "enema",
        "rectal",
        "vaginal",
        "sublingual",
        "buccal",
        "chewable",
        "effervescent",
        "sachet",
    }
)
#: What follows "/" in a strength given per day ("50 mg/day", "50mg/d"): such a dose is a
#: dose in milligrams. Other rates ("25 mcg/hr", "21 mg/24 hr") are not.
PER_DAY_WORDS = frozenset({"d", "day"})
#: Mass units of a strength, in milligrams.
MASS_UNIT_MG = {
    "mg": 1.0,
    "mgs": 1.0,
    "mcg": 0.001,
    "mcgs": 0.001,
    "ug": 0.001,
    "μg": 0.001,
    "g": 1000.0,
    "gm": 1000.0,
    "gram": 1000.0,
    "grams": 1000.0,
}
#: How an implication in ``conditions.tsv`` (``implied_by``) names a medicine class or a
#: condition: ``class:immunosuppressant``, ``condition:organ-transplant``.
IMPLIED_BY_CLASS = "class:"
IMPLIED_BY_CONDITION = "condition:"

#: Date of the last review of the curated tables (shown in the screen's coverage block).
CURATED_TABLES_DATE = "2026-12-01"

VIA_ALIAS = "curated alias"
#: Route of a ``local_routes.tsv`` row.
CURATED_ROUTE_LOCAL = "local"
VIA_FUZZY = "fuzzy suggestion"
VIA_CONDITION = "curated condition synonym"
#: How each index origin letter is reported (see ``name_origins`` in the index).
VIA_BY_ORIGIN = {
    "p": "FDA NDC product name",
    "s": "FDA NDC substance",
    "f": "FDA NDC brand family",
    "b": "FDA UNII brand name",
    "u": "FDA UNII substance name",
}

#: A matched part of a medicine entry is at most this many words; longer product names
#: are still found, but only when they are the whole entry.
MAX_SPAN_WORDS = 4
# How many of the vocabulary's own names ``MedicineVocabulary`` keeps resolved (``_name_profile``),
# least recently used first out: a few thousand bounded profiles, never a person's text.
NAME_PROFILES_KEPT = 4096
MAX_CONDITION_SPAN_WORDS = 6
#: Suggestions need at least this rapidfuzz ratio (0-100) and this many characters, or
#: (see ``_max_edits``) few enough edits counting a swap of two letters as one.
MEDICINE_SUGGESTION_MIN_SCORE = 88.0
CONDITION_SUGGESTION_MIN_SCORE = 85.0
MIN_SUGGESTION_QUERY_CHARS = 4
MAX_SUGGESTIONS = 5
#: Fuzzy matching only ever sees this much of an entry.
MAX_FUZZY_QUERY_CHARS = 64
#: Combinations of brand-family formulas beyond this count are merged into one union.
MAX_FORMULAS = 64

#: Words around a condition that do not change it ("history of", "I have").
CONDITION_FILLER_WORDS = frozenset(
    {
        "i",
        "im",
        "have",
        "has",
        "had",
        "having",
        "my",
        "history",
        "previous",
        "prior",
        "past",
        "diagnosed",
        "diagnosis",
        "known",
        "status",
        "on",
        "since",
        "for",
        "years",
        "year",
        "ago",
    }
)

#: Words that turn an entry into a description of a kind of medicine ("water pill",
#: "thyroid medication") rather than its name.
CATEGORY_MARKER_WORDS = frozenset(
    {"pill", "pills", "medicine", "medicines", "medication", "medications", "meds", "drug"}
)
#: Everyday words that, next to a marker, describe a kind of medicine: "water pill" is
#: a diuretic, not water, and "thyroid pill" could be any thyroid drug. Such entries are
#: left unrecognised so the screen asks, instead of matching the word as a substance.
COLLOQUIAL_CATEGORY_WORDS = frozenset(
    {
        "water",
        "thyroid",
        "heart",
        "sleeping",
        "sleep",
        "nerve",
        "nerves",
        "pain",
        "blood",
        "pressure",
        "sugar",
        "diabetes",
        "cholesterol",
        "allergy",
        "stomach",
        "birth",
        "control",
        "thinner",
        "anxiety",
        "depression",
        "cancer",
        "chemo",
    }
)

#: Words an entry may carry beyond the name it matched without saying anything about the
#: formula: dose forms and routes, directions, connectors, salts, units and words such as
#: "medicine". Any other word or bare number left out of the match ("dm" in "Benylin DM",
#: "ultra" in "Panadol Ultra", "1" in "Tylenol 1", "50" in "naltrexone 50") must be
#: accounted for by a product name the match was widened to, or it is reported in
#: ``MedicineMatch.unmatched``. The one-letter rate words ("d", "h") are not silent: "D"
#: in "Aleve D" names a decongestant.
SILENT_WORDS = (
    FORM_WORDS
    | CONNECTOR_WORDS
    | SALT_WORDS
    | UNIT_WORDS
    | (RATE_WORDS - {"d", "h"})
    | CATEGORY_MARKER_WORDS
)
#: A number followed by one of these words is a count or a frequency, not a strength or
#: part of a name ("2 tablets", "3 times a day", "every 4 hours"); so is one after "x" or
#: "every".
COUNT_WORDS = FORM_WORDS | RATE_WORDS
COUNT_PREFIX_WORDS = frozenset({"x", "every"})

Formula = tuple[str, ...]

_DATA_PACKAGE = "carechoices.medicines"
_INDEX_FILE = "drug_index.json.gz"
_CURATED_FILES = (
    "aliases.tsv",
    "rule_classes.tsv",
    "rule_class_signals.tsv",
    "conditions.tsv",
    "local_routes.tsv",
)


@dataclass(frozen=True)
class UndecidedClass:
    """An ingredient that a signal ties to a rule class no curated row decides for it.

    The screen treats it as *not checked* for that class, exactly like an unrecognised name.
    """

    ingredient: str
    rule_class: str
    signals: tuple[str, ...]
    """The signal strings (FDA pharmacologic classes, DEA schedules) that put the ingredient
    in the class's neighbourhood (``rule_class_signals.tsv``)."""


@quick_init
@dataclass(frozen=True)
class MedicineMatch:
    """What a medicine entry resolved to, and how."""

    input: str
    """Exactly what the person typed."""
    status: str
    """One of ``recognised``, ``ambiguous``, ``suggested``, ``unrecognised``."""
    matched: str
    """The name(s) that matched, folded; parts of a combination are joined by " + "."""
    via: str
    """How each part matched, e.g. "curated alias" or "FDA NDC product name"."""
    ingredients: tuple[str, ...]
    """Sorted lower-case generic ingredients (for ``ambiguous``, the union of all formulas)."""
    rule_classes: tuple[str, ...]
    """Sorted rule-class slugs of those ingredients."""
    unclassified: tuple[str, ...]
    """Ingredients with no row in the rule-class table and no signal (FDA class, DEA
    schedule): the screen must say they were not classified rather than imply they are
    harmless. (An ingredient with a signal but no decision for a class is in
    ``undecided`` instead.)"""
    suggestions: tuple[str, ...]
    """Names to offer as "did you mean", only for ``suggested`` and ``unrecognised``."""
    formulas: tuple[tuple[str, ...], ...]
    """Every ingredient set the entry can mean; more than one means ``ambiguous``. Past
    ``MAX_FORMULAS`` combinations, the first ones and the union of every ingredient."""
    unmatched: tuple[str, ...] = ()
    """Words of a recognised entry that matched nothing and are not strengths, dose forms
    or filler ("oxycodone and zzz" leaves "zzz"), and words or bare numbers that had to be
    left out to find the match and that no product name the match covers accounts for
    ("dm" in "Benylin DM", "50" in "naltrexone 50", "#1" in "Tylenol No. 1"). Non-empty
    means part of the entry was not checked."""
    undecided: tuple[UndecidedClass, ...] = ()
    """One per (ingredient, rule class) that a signal ties together and no curated row
    decides: that class was not checked for that ingredient. Empty for the shipped data
    (a test keeps it so)."""
    route: str = ""
    """``"local"`` when the entry names a form for local use (ointment, cream, lotion, gel,
    eye or ear drops, nasal spray, inhaler ...) or every FDA product of the matched name(s)
    (and of the product names a match was widened to) is for local use only, or a curated
    ``local_routes.tsv`` row says so; otherwise empty. An entry that names a form taken
    into the body (tablet, injection, oral, patch ...) is never local. Rows marked
    ``systemic_only`` do not put a local medicine in their class."""
    strengths_mg: tuple[tuple[str, float], ...] = ()
    """``(ingredient, milligrams per unit)``, only when the entry states it unambiguously:
    one formula of one ingredient and exactly one mass strength ("Revia 50 mg",
    "LDN 4.5mg", "500 mcg" = 0.5 mg); a dose per day counts as a dose ("50mg/day",
    "50 mg/d"). Ratios, other rates, concentrations and percentages give nothing."""
    implied_conditions: tuple[str, ...] = ()
    """Condition concept slugs that the entry's rule classes imply (``conditions.tsv``
    ``implied_by``), e.g. an ``immunosuppressant`` implies ``immunosuppressed``."""

    def with_input(self, text: str) -> MedicineMatch:
        """A copy of this answer for the entry ``text`` (everything else the same).

        Filled in directly rather than through ``dataclasses.replace``, which runs every
        field through ``__init__`` again: a quarter of the cost of a one-word lookup.
        """
        match = object.__new__(MedicineMatch)
        fields = match.__dict__
        fields.update(self.__dict__)
        fields["input"] = text
        return match


@quick_init
@dataclass(frozen=True)
class ConditionMatch:
    """What a condition entry resolved to, and how."""

    input: str
    status: str
    matched: str
    via: str
    concepts: tuple[str, ...]
    """Concept slugs: the matched concept(s) first, then every ancestor, nearest first
    (crohns-disease, inflammatory-bowel-disease). For ``ambiguous`` (a name such as
    "transplant" that means several concepts), the union of every meaning."""
    suggestions: tuple[str, ...]
    unmatched: tuple[str, ...] = ()
    implied: tuple[str, ...] = ()
    """Concepts the matched ones imply (``conditions.tsv`` ``implied_by``) that are not
    already among ``concepts``: a kidney transplant implies ``immunosuppressed``."""


@quick_init
@dataclass(frozen=True)
class _SpanHit:
    key: str
    formulas: tuple[Formula, ...]
    via: str
    names: tuple[str, ...] = ()
    """Other indexed names whose formulas were added (the product names that extend
    ``key``, see ``MedicineVocabulary._with_variants``)."""


@dataclass(frozen=True)
class _Profile:
    """What matched names mean together, whatever else the entry said: their formulas,
    ingredients and classes (with and without the members decided out for local use), and
    whether every name is for local use only. Only vocabulary data; see ``_name_profile``."""

    matched: str
    via: str
    parts: int
    """How many names matched (the parts of a combination)."""
    formulas: tuple[Formula, ...]
    ingredients: tuple[str, ...]
    classes: tuple[str, ...]
    local_classes: tuple[str, ...]
    """``classes`` without the members a curated row limits to systemic use."""
    implied: tuple[str, ...]
    local_implied: tuple[str, ...]
    unclassified: tuple[str, ...]
    undecided: tuple[UndecidedClass, ...]
    all_local: bool


@dataclass(frozen=True)
class RuleClassRow:
    """One row of ``rule_classes.tsv``: one decision for one ingredient and class."""

    ingredient: str
    rule_class: str
    fda_classes: str
    """The signal strings seen for the ingredient (the ``signals`` column), for reviewers."""
    note: str
    source: str
    decision: str = DECISION_IN
    """``in`` or ``out`` (a ``none`` row is always ``out``)."""
    systemic_only: bool = False
    """On an ``in`` row: local use (``MedicineMatch.route == "local"``) is decided out."""

    @property
    def signals(self) -> str:
        """The ``signals`` column (same as ``fda_classes``)."""
        return self.fda_classes


@dataclass(frozen=True)
class SignalPattern:
    """One row of ``rule_class_signals.tsv``: part of a rule class's neighbourhood."""

    rule_class: str
    pattern: str
    note: str
    source: str


@dataclass(frozen=True)
class ClassCoverage:
    """How completely one rule class is decided (see :meth:`MedicineVocabulary.coverage`)."""

    rule_class: str
    members: tuple[str, ...]
    """Ingredients decided *in* (their own row, or an ``in`` row of a narrower class)."""
    systemic_only: tuple[str, ...]
    """Members whose row decides local use out (a subset of ``members``)."""
    exclusions: tuple[str, ...]
    """Ingredients a curated row decides *out*: ``out`` rows of the class, and ``none``
    rows of ingredients in its neighbourhood."""
    undecided: tuple[UndecidedClass, ...]
    """Ingredients in the neighbourhood with no decision: each one is *not checked*."""
    neighbourhood: tuple[str, ...]
    """Every ingredient whose signals match the class's patterns."""
    implicitly_out: int
    """Ingredients with some signal, outside the neighbourhood and with no row."""


@dataclass(frozen=True)
class ConditionConcept:
    """One row of ``conditions.tsv``."""

    slug: str
    label: str
    synonyms: tuple[str, ...]
    parents: tuple[str, ...]
    source: str
    ambiguous_synonyms: tuple[str, ...] = ()
    """Names this concept shares on purpose with other concepts ("transplant"): an entry
    matching one is ``ambiguous`` and screened on every concept that lists it."""
    implied_by: tuple[str, ...] = ()
    """``class:SLUG`` (a medicine rule class) or ``condition:SLUG``: what implies this."""


@dataclass(frozen=True)
class _IngredientStanding:
    """How one ingredient stands with every rule class."""

    members: tuple[tuple[str, bool], ...]
    """``(rule_class, systemic_only)`` for every class it is decided in."""
    undecided: tuple[UndecidedClass, ...]
    unclassified: bool


class MedicineVocabulary:
    """Resolves medicine and condition entries; build it with :func:`load_vocabulary`."""

    def __init__(
        self,
        index: Mapping[str, object],
        alias_rows: Iterable[Mapping[str, str]],
        rule_class_rows: Iterable[Mapping[str, str]],
        condition_rows: Iterable[Mapping[str, str]],
        curated_version: str = "",
        signal_rows: Iterable[Mapping[str, str]] = (),
        local_route_rows: Iterable[Mapping[str, str]] = (),
    ) -> None:
        """Build the lookup tables from a parsed index and the curated tables."""
        names = index["names"]
        assert isinstance(names, dict)
        self._names: dict[str, list[list[str]]] = names
        origins = index["name_origins"]
        assert isinstance(origins, dict)
        codes = origins["codes"]
        if len(codes) != len(names):
            raise ValueError("drug index: name_origins does not match names")
        # JSON objects keep their order, and the build writes names sorted.
        self._origins = dict(zip(names, codes, strict=True))
        self._sorted_names: list[str] = list(names)
        self._generic_words = frozenset(index["generic_words"])  # type: ignore[arg-type]
        self._fda_classes: Mapping[str, list[str]] = index["ingredient_classes"]  # type: ignore[assignment]
        self._fda_classes_derived: Mapping[str, list[str]] = index.get(
            "ingredient_classes_from_combinations", {}
        )  # type: ignore[assignment]
        self._dea: Mapping[str, list[str]] = index.get("ingredient_dea_schedules", {})  # type: ignore[assignment]
        self._dea_derived: Mapping[str, list[str]] = index.get(
            "ingredient_dea_schedules_from_combinations", {}
        )  # type: ignore[assignment]
        routes = index.get("name_routes")
        route_codes = routes["codes"] if isinstance(routes, dict) else ""
        if route_codes and len(route_codes) != len(names):
            raise ValueError("drug index: name_routes does not match names")
        # Only the local-only names are kept: the lookup asks nothing else.
        self._local_names: frozenset[str] = frozenset(
            key for key, code in zip(names, route_codes, strict=False) if code == "l"
        )
        self.local_route_sources: dict[str, str] = {}
        for row in local_route_rows:
            key = name_key(row.get("name", ""))
            if row.get("route", "").strip() != CURATED_ROUTE_LOCAL or not key:
                raise ValueError(f"local_routes.tsv: unusable row {row!r}")
            if not row.get("source", "").strip():
                raise ValueError(f"local_routes.tsv: no source for {key!r}")
            if key not in names:
                raise ValueError(f"local_routes.tsv: {key!r} is not a name of the drug index")
            self.local_route_sources[key] = row["source"]
        # A curated route only fills in where no FDA NDC product has the name: where one
        # has, its route decides.
        for key, code in zip(names, route_codes, strict=False):
            if key in self.local_route_sources and code != "-":
                raise ValueError(
                    f"local_routes.tsv: {key!r} has FDA NDC products; their route decides"
                )
        self._curated_local_names = frozenset(self.local_route_sources)
        provenance = index.get("provenance", {})
        self._provenance: Mapping[str, object] = provenance  # type: ignore[assignment]
        self._curated_version = curated_version

        self._aliases: dict[str, tuple[Formula, ...]] = {}
        self.alias_sources: dict[str, str] = {}
        for row in alias_rows:
            key = name_key(row["alias"])
            formulas = tuple(
                tuple(sorted(part.strip().lower() for part in formula.split("+")))
                for formula in row["ingredients"].split("|")
            )
            if not key or not all(all(formula) for formula in formulas):
                raise ValueError(f"aliases.tsv: unusable row {row!r}")
            self._aliases[key] = tuple(sorted(set(formulas)))
            self.alias_sources[key] = row["source"]
        if self._curated_local_names & set(self._aliases):
            raise ValueError(
                "local_routes.tsv: a curated alias never takes a route: "
                + ", ".join(sorted(self._curated_local_names & set(self._aliases)))
            )

        self._rule_rows: tuple[RuleClassRow, ...] = tuple(
            _rule_class_row(row) for row in rule_class_rows
        )
        self._decisions: dict[tuple[str, str], RuleClassRow] = {}
        self._none_rows: dict[str, RuleClassRow] = {}
        for rule_row in self._rule_rows:
            _check_rule_class_row(rule_row)
            if rule_row.rule_class == NO_RULE_CLASS:
                self._none_rows[rule_row.ingredient] = rule_row
            elif (rule_row.ingredient, rule_row.rule_class) in self._decisions:
                raise ValueError(
                    f"rule_classes.tsv: two rows for {rule_row.ingredient!r} "
                    f"in {rule_row.rule_class!r}"
                )
            else:
                self._decisions[(rule_row.ingredient, rule_row.rule_class)] = rule_row
        decided = {ingredient for ingredient, _ in self._decisions}
        if decided & set(self._none_rows):
            raise ValueError(
                "rule_classes.tsv: a 'none' row and a class row for "
                + ", ".join(sorted(decided & set(self._none_rows)))
            )
        self._curated_ingredients = frozenset(decided | set(self._none_rows))
        self._classes_by_ingredient: dict[str, frozenset[str]] = {
            ingredient: frozenset() for ingredient in self._curated_ingredients
        }
        for ingredient in self._curated_ingredients:
            members = frozenset(
                rule_class
                for rule_class in RULE_CLASSES
                if (row := self._decision(ingredient, rule_class)) is not None
                and row.decision == DECISION_IN
            )
            self._classes_by_ingredient[ingredient] = members
        for (ingredient, rule_class), rule_row in self._decisions.items():
            for wider in CLASS_IMPLIES.get(rule_class, ()):
                other = self._decisions.get((ingredient, wider))
                if rule_row.decision == DECISION_IN and other and other.decision == DECISION_OUT:
                    raise ValueError(
                        f"rule_classes.tsv: {ingredient!r} is in {rule_class!r} "
                        f"but out of {wider!r}"
                    )

        self._signal_rows: tuple[SignalPattern, ...] = tuple(
            SignalPattern(
                rule_class=row["rule_class"].strip(),
                pattern=row["pattern"].strip(),
                note=row.get("note", ""),
                source=row.get("source", ""),
            )
            for row in signal_rows
        )
        own_patterns: dict[str, list[str]] = {}
        for signal_row in self._signal_rows:
            if signal_row.rule_class not in RULE_CLASSES:
                raise ValueError(
                    f"rule_class_signals.tsv: unknown rule class {signal_row.rule_class!r}"
                )
            if not signal_row.source.strip() or not signal_row.pattern:
                raise ValueError(f"rule_class_signals.tsv: unusable row {signal_row!r}")
            try:
                re.compile(signal_row.pattern)
            except re.error as exc:
                raise ValueError(
                    f"rule_class_signals.tsv: bad pattern {signal_row.pattern!r}: {exc}"
                ) from None
            own_patterns.setdefault(signal_row.rule_class, []).append(signal_row.pattern)
        # A wider class's neighbourhood includes that of every class implying it.
        self._neighbourhoods: dict[str, re.Pattern[str]] = {}
        for rule_class in sorted(RULE_CLASSES):
            patterns = list(own_patterns.get(rule_class, ()))
            for narrower, wider in CLASS_IMPLIES.items():
                if rule_class in wider:
                    patterns.extend(own_patterns.get(narrower, ()))
            if patterns:
                self._neighbourhoods[rule_class] = re.compile(
                    "|".join(f"(?:{p})" for p in patterns), re.IGNORECASE
                )
        self._standing: dict[str, _IngredientStanding] = {}
        self._recognised_classes: dict[str, frozenset[str]] = {}
        # Called only with a key of the index or of the curated aliases (``_known_name``).
        self._name_profile = lru_cache(maxsize=NAME_PROFILES_KEPT)(self._resolve_name_profile)
        self._plain_name_match = lru_cache(maxsize=NAME_PROFILES_KEPT)(
            self._resolve_plain_name_match
        )
        # Called only with known names and the separators between them (``_names_apart``).
        self._combined_name_match = lru_cache(maxsize=NAME_PROFILES_KEPT)(
            self._resolve_combined_name_match
        )

        self._concepts: dict[str, ConditionConcept] = {}
        single_keys: dict[str, str] = {}
        shared_keys: dict[str, list[str]] = {}
        for row in condition_rows:
            concept = ConditionConcept(
                slug=row["slug"].strip(),
                label=row["label"].strip(),
                synonyms=_split_bar(row["synonyms"]),
                parents=_split_bar(row["parents"]),
                source=row["source"],
                ambiguous_synonyms=_split_bar(row.get("ambiguous_synonyms") or ""),
                implied_by=_split_bar(row.get("implied_by") or ""),
            )
            if concept.slug in self._concepts:
                raise ValueError(f"conditions.tsv: two rows for {concept.slug!r}")
            self._concepts[concept.slug] = concept
            for synonym in (concept.label, *concept.synonyms):
                key = name_key(synonym)
                other = single_keys.setdefault(key, concept.slug)
                if other != concept.slug:
                    raise ValueError(
                        f"conditions.tsv: {synonym!r} names {other} and {concept.slug}"
                    )
            for synonym in concept.ambiguous_synonyms:
                shared_keys.setdefault(name_key(synonym), []).append(concept.slug)
        for key, slugs in shared_keys.items():
            if key in single_keys:
                raise ValueError(
                    f"conditions.tsv: {key!r} is a synonym of {single_keys[key]} and an "
                    "ambiguous synonym"
                )
            if len(set(slugs)) < 2:
                raise ValueError(f"conditions.tsv: ambiguous synonym {key!r} names one concept")
        #: folded name -> the concept(s) it names (several only for an ambiguous synonym).
        self._condition_keys: dict[str, tuple[str, ...]] = {
            **{key: (slug,) for key, slug in single_keys.items()},
            **{key: tuple(dict.fromkeys(slugs)) for key, slugs in shared_keys.items()},
        }
        self._implied_by_class: dict[str, list[str]] = {}
        self._implied_by_condition: dict[str, list[str]] = {}
        for concept in self._concepts.values():
            for parent in concept.parents:
                if parent not in self._concepts:
                    raise ValueError(f"conditions.tsv: unknown parent {parent!r}")
            for cause in concept.implied_by:
                if cause.startswith(IMPLIED_BY_CLASS) and cause[len(IMPLIED_BY_CLASS) :] in (
                    RULE_CLASSES
                ):
                    target = self._implied_by_class
                    cause = cause[len(IMPLIED_BY_CLASS) :]
                elif (
                    cause.startswith(IMPLIED_BY_CONDITION)
                    and cause[len(IMPLIED_BY_CONDITION) :] in self._concepts
                ):
                    target = self._implied_by_condition
                    cause = cause[len(IMPLIED_BY_CONDITION) :]
                else:
                    raise ValueError(
                        f"conditions.tsv: {concept.slug}: unusable implied_by {cause!r}"
                    )
                target.setdefault(cause, []).append(concept.slug)

        self._lazy_lock = threading.Lock()
        self._ingredients: frozenset[str] | None = None
        self._medicine_choices: dict[int, list[str]] | None = None
        self._medicine_suggestion_index: CharacterCountIndex | None = None
        self._choices_by_query_length: dict[int, list[str]] = {}

    # --- public API ---------------------------------------------------------------------

    def lookup_medicine(self, text: str) -> MedicineMatch:
        """Resolve one medicine entry (brand, generic, combination, misspelling)."""
        match, kept = self.lookup_medicine_kept(text)
        return kept.with_input(text) if kept is not None else match  # type: ignore[return-value]

    def lookup_medicine_kept(self, text: str) -> tuple[MedicineMatch | None, MedicineMatch | None]:
        """``lookup_medicine``'s answer as ``(answer, None)``, or ``(None, kept)`` when the entry
        is exactly the words of a known name, or known names and the separators between them
        ("oxycodone/acetaminophen"): ``kept`` is the answer kept for those names, input left
        blank, the same object for as long as it is kept.

        The screen works out what a kept answer means for its rules once per name rather than
        per entry (``screening.engine``); ``kept.with_input(text)`` is the answer itself.
        """
        if not isinstance(text, str):
            text = "" if text is None else str(text)
        entry = text.strip()
        if not entry or len(entry) > MAX_INPUT_CHARS:
            return _unrecognised_medicine(text), None
        tokens = tokenise(entry)
        known = False
        if plain := all(token.kind == WORD for token in tokens):
            key = tokens[0].text if len(tokens) == 1 else " ".join(t.text for t in tokens)
            if known := self._known_name(key):
                # The entry is a name's words and nothing else ("Ultram", "Tylenol with
                # Codeine"): what the steps below come to for it is kept per name (the tests
                # compare the two for every such name), the check for a kind of medicine
                # included (None for a name whose words describe one).
                kept = self._plain_name_match(key)
                if kept is not None:
                    return None, kept
        if _describes_a_kind_of_medicine(tokens):
            return _unrecognised_medicine(text), None
        if plain:
            if not known and len(tokens) == 1:
                # One word that is no name ("tramadoll"): every whole-entry key and every span
                # the steps below would try is that word, so only "did you mean" is left.
                return self._suggested(text, tokens), None
        elif (parts := self._names_apart(tokens)) is not None:
            # Known names and separators only ("oxycodone/acetaminophen", "Percocet + Advil"):
            # kept per names and separators, as a single name is (the tests compare the two).
            return None, self._combined_name_match(parts)
        return self._lookup_tokens(text, tokens), None

    def _names_apart(self, tokens: Sequence[Token]) -> tuple[str, ...] | None:
        """The entry as its known names and the separators between them, or None.

        ``("oxycodone", "/", "acetaminophen")`` for "Oxycodone / Acetaminophen": every run of
        words between separators is a name of the index or a curated alias, so the tuple is
        the vocabulary's own data and never anything else the person typed. None when any
        token is a number, dose or tag, a run of words is not a known name, or there are
        separators alone.
        """
        parts: list[str] = []
        words: list[str] = []
        named = False
        for token in (*tokens, None):  # None: the end, where the last run of words ends too
            if token is not None and token.kind != BOUNDARY:
                if token.kind != WORD:
                    return None  # a number, dose or tag: no name looked up for it
                words.append(token.text)
                continue
            if words:
                name = " ".join(words)
                if not self._known_name(name):
                    return None
                parts.append(name)
                words, named = [], True
            if token is None:
                break
            parts.append(token.text)
        return tuple(parts) if named else None  # separators alone are no names

    def _lookup_tokens(self, text: str, tokens: Sequence[Token]) -> MedicineMatch:
        """``lookup_medicine`` once the entry is tokenised and is not a kind of medicine."""
        telling = _telling_indices(tokens)
        for key in self._whole_entry_keys(tokens):
            if not self._known_name(key):
                continue
            key_words = set(key.split(" "))
            left_out = list(
                dict.fromkeys(
                    tokens[i].text for i in sorted(telling) if tokens[i].text not in key_words
                )
            )
            if not left_out:  # the entry is the name, give or take doses and forms
                return self._medicine_result(text, self._name_profile(key), (), tokens)
            hit = self._resolve_medicine_key(key)
            assert hit is not None  # a known name
            hits = [self._with_variants(hit, left_out)]
            return self._medicine_result(
                text, self._profile(hits), _unaccounted(left_out, hits), tokens
            )
        spans, unmatched = self._match_medicine_spans(tokens, telling)
        if spans:
            if len(spans) == 1 and not spans[0][1]:
                profile = self._name_profile(spans[0][0].key)
                return self._medicine_result(text, profile, unmatched, tokens)
            hits = [self._with_variants(hit, left_out) for hit, left_out in spans]
            left_out_words = [word for _, left_out in spans for word in left_out]
            unmatched = tuple(dict.fromkeys((*unmatched, *_unaccounted(left_out_words, hits))))
            return self._medicine_result(text, self._profile(hits), unmatched, tokens)
        return self._suggested(text, tokens)

    def _suggested(self, text: str, tokens: Sequence[Token]) -> MedicineMatch:
        """The answer for an entry nothing in the index matched: suggestions, if any."""
        suggestions = self._suggest_medicines(tokens)
        return MedicineMatch(
            input=text,
            status=SUGGESTED if suggestions else UNRECOGNISED,
            matched="",
            via=VIA_FUZZY if suggestions else "",
            ingredients=(),
            rule_classes=(),
            unclassified=(),
            suggestions=suggestions,
            formulas=(),
        )

    def prepare_suggestions(self) -> None:
        """Build now what the first misspelling of a process would otherwise wait for.

        The suggestion choices, every bitset of their index, the set of ingredients and
        rapidfuzz: a few hundred milliseconds once. ``config/wsgi.py`` calls it before
        gunicorn forks, so every worker, a recycled one too, starts with them (shared
        memory). Nothing a person typed is involved.
        """
        self._all_ingredients()
        self._suggestion_index().build_all()
        _rapidfuzz()

    def lookup_condition(self, text: str) -> ConditionMatch:
        """Resolve one condition entry to concept slugs (with their ancestors)."""
        if not isinstance(text, str):
            text = "" if text is None else str(text)
        entry = text.strip()
        if not entry or len(entry) > MAX_INPUT_CHARS:
            return ConditionMatch(text, UNRECOGNISED, "", "", (), ())
        tokens = [t for t in tokenise(entry) if t.kind != DOSE]
        words = [t.text for t in tokens if t.kind != BOUNDARY]
        significant = [w for w in words if w not in CONDITION_FILLER_WORDS]
        for key in dict.fromkeys((" ".join(words), " ".join(significant))):
            if key in self._condition_keys:
                return self._condition_result(text, [key], ())
        matched_keys, _slugs, unmatched = self._match_condition_spans(tokens)
        if matched_keys:
            return self._condition_result(text, matched_keys, tuple(unmatched))
        suggestions = self._suggest_conditions(" ".join(significant))
        return ConditionMatch(
            input=text,
            status=SUGGESTED if suggestions else UNRECOGNISED,
            matched="",
            via=VIA_FUZZY if suggestions else "",
            concepts=(),
            suggestions=suggestions,
        )

    def _condition_result(
        self, text: str, keys: Sequence[str], unmatched: tuple[str, ...]
    ) -> ConditionMatch:
        slugs = [slug for key in keys for slug in self._condition_keys[key]]
        concepts = self._with_ancestors(slugs)
        ambiguous = any(len(self._condition_keys[key]) > 1 for key in keys)
        return ConditionMatch(
            input=text,
            status=AMBIGUOUS if ambiguous else RECOGNISED,
            matched=" + ".join(keys),
            via=VIA_CONDITION,
            concepts=concepts,
            suggestions=(),
            unmatched=unmatched,
            implied=self._implication_closure(
                [i for c in concepts for i in self._implied_by_condition.get(c, ())],
                exclude=concepts,
            ),
        )

    def rule_classes(self) -> frozenset[str]:
        """All rule-class slugs the vocabulary knows."""
        return RULE_CLASSES

    def condition_concepts(self) -> frozenset[str]:
        """All condition concept slugs."""
        return frozenset(self._concepts)

    def known_ingredient(self, name: str) -> bool:
        """Whether ``name`` is an ingredient of some indexed or curated formula."""
        return name.strip().lower() in self._all_ingredients()

    def data_sources(self) -> list[dict[str, str]]:
        """Name, version and date of every data source, for the screen's coverage block."""
        sources: list[dict[str, str]] = []
        for source in self._provenance.get("sources", []):  # type: ignore[union-attr]
            sources.append(
                {
                    "name": str(source["name"]),
                    "version": f"{source['package']} {source['version']}",
                    "date": str(source["snapshot_date"]),
                }
            )
        sources.append(
            {
                "name": "CareChoices curated medicine and condition tables",
                "version": self._curated_version,
                "date": CURATED_TABLES_DATE,
            }
        )
        return sources

    def rule_classes_of(self, ingredient: str) -> frozenset[str]:
        """Rule-class slugs one ingredient is decided *in* (empty when it has no row).

        Route is not applied: a ``systemic_only`` member counts here."""
        return self._classes_by_ingredient.get(ingredient.strip().lower(), frozenset())

    def ingredient_rule_classes(self, ingredient: str) -> frozenset[str]:
        """The rule classes an exact recognition of an ingredient's name gives (empty otherwise).

        What :meth:`lookup_medicine` says of the bare name, remembered per ingredient: the
        screen asks it to say which ingredient of a combination carries a class. Only names
        that are ingredients of the index are remembered (vocabulary data, never a person's
        text); any other name is looked up afresh.
        """
        cached = self._recognised_classes.get(ingredient)
        if cached is not None:
            return cached
        match = self.lookup_medicine(ingredient)
        # Only an exact recognition may attribute a class; never a suggestion.
        classes = frozenset(match.rule_classes if match.status == RECOGNISED else ())
        if ingredient in self._all_ingredients():
            self._recognised_classes[ingredient] = classes
        return classes

    def rule_class_rows(self, ingredient: str | None = None) -> tuple[RuleClassRow, ...]:
        """Rows of the rule-class table (all, or one ingredient's), with their sources."""
        if ingredient is None:
            return self._rule_rows
        wanted = ingredient.strip().lower()
        return tuple(row for row in self._rule_rows if row.ingredient == wanted)

    def pharm_classes(self, ingredient: str) -> tuple[str, ...]:
        """FDA Established Pharmacologic Class / Mechanism strings of an ingredient."""
        wanted = ingredient.strip().lower()
        found = self._fda_classes.get(wanted) or self._fda_classes_derived.get(wanted) or []
        return tuple(found)

    def dea_schedules(self, ingredient: str) -> tuple[str, ...]:
        """DEA schedules ("CII" .. "CV") FDA lists for an ingredient's products (NDC 2019).

        From single-ingredient products, then those attributed from scheduled combinations
        (see ``tools/build_drug_index.py``), each schedule once.
        """
        wanted = ingredient.strip().lower()
        found = [*self._dea.get(wanted, ()), *self._dea_derived.get(wanted, ())]
        return tuple(dict.fromkeys(found))

    def signals(self, ingredient: str) -> tuple[str, ...]:
        """Every signal that can tie an ingredient to a rule class.

        Its FDA pharmacologic class strings (:meth:`pharm_classes`), then one
        "DEA schedule CIV" per schedule; a schedule known only from combination products
        reads "DEA schedule CIV (combination products)".
        """
        wanted = ingredient.strip().lower()
        found = list(self.pharm_classes(wanted))
        found.extend(f"DEA schedule {schedule}" for schedule in self._dea.get(wanted, ()))
        found.extend(
            f"DEA schedule {schedule} (combination products)"
            for schedule in self._dea_derived.get(wanted, ())
        )
        return tuple(found)

    def rule_class_signal_rows(self) -> tuple[SignalPattern, ...]:
        """Rows of ``rule_class_signals.tsv`` (the neighbourhood patterns), with sources."""
        return self._signal_rows

    def rule_class_decision(self, ingredient: str, rule_class: str) -> str:
        """``in``, ``out`` or ``undecided`` for one ingredient and class; ``unclassified``
        when nothing (no curated row, no signal) says anything about the ingredient.

        ``in`` ignores route: a ``systemic_only`` member is still ``in`` here, and left out
        of a match's ``rule_classes`` only when the entry is local.
        """
        if rule_class not in RULE_CLASSES:
            raise ValueError(f"unknown rule class {rule_class!r}")
        wanted = ingredient.strip().lower()
        row = self._decision(wanted, rule_class)
        if row is not None:
            return row.decision
        signals = self.signals(wanted)
        if self._neighbourhood_signals(rule_class, signals):
            return "undecided"
        if signals or wanted in self._curated_ingredients:
            return DECISION_OUT
        return "unclassified"

    def coverage(self) -> dict[str, ClassCoverage]:
        """Per rule class: its members, its curated exclusions and its undecided ingredients.

        Undecided ingredients are those of the class's neighbourhood (an FDA class or DEA
        schedule matching ``rule_class_signals.tsv``) with no curated row for the class;
        the shipped data has none (a test keeps it so).
        """
        with_signals = sorted(
            set(self._fda_classes)
            | set(self._fda_classes_derived)
            | set(self._dea)
            | set(self._dea_derived)
        )
        report: dict[str, ClassCoverage] = {}
        for rule_class in sorted(RULE_CLASSES):
            neighbourhood: list[str] = []
            undecided: list[UndecidedClass] = []
            implicitly_out = 0
            for ingredient in with_signals:
                matching = self._neighbourhood_signals(rule_class, self.signals(ingredient))
                if matching:
                    neighbourhood.append(ingredient)
                    if self._decision(ingredient, rule_class) is None:
                        undecided.append(UndecidedClass(ingredient, rule_class, matching))
                elif self._decision(ingredient, rule_class) is None:
                    implicitly_out += 1
            in_neighbourhood = set(neighbourhood)
            members: list[str] = []
            systemic_only: list[str] = []
            exclusions: list[str] = []
            for ingredient in sorted(self._curated_ingredients):
                row = self._decision(ingredient, rule_class)
                if row is None:
                    continue
                if row.decision == DECISION_IN:
                    members.append(ingredient)
                    if row.systemic_only:
                        systemic_only.append(ingredient)
                elif row.rule_class == rule_class or ingredient in in_neighbourhood:
                    exclusions.append(ingredient)
            report[rule_class] = ClassCoverage(
                rule_class=rule_class,
                members=tuple(members),
                systemic_only=tuple(systemic_only),
                exclusions=tuple(exclusions),
                undecided=tuple(undecided),
                neighbourhood=tuple(neighbourhood),
                implicitly_out=implicitly_out,
            )
        return report

    def implied_conditions(self, rule_classes: Iterable[str]) -> tuple[str, ...]:
        """Condition slugs that medicines in these rule classes imply (with ancestors)."""
        return self._conditions_implied_by_classes(
            [rule_class for rule_class in rule_classes if rule_class in RULE_CLASSES]
        )

    def is_local_only_name(self, name: str) -> bool:
        """Whether every FDA NDC product of this (folded) name is for local use only, or a
        curated ``local_routes.tsv`` row says the name (which no NDC product has) is."""
        key = name_key(name)
        return key in self._local_names or key in self._curated_local_names

    def suggest_medicine_names(self, text: str) -> tuple[str, ...]:
        """Close spellings for any text, e.g. an ``unmatched`` word of a partial match.

        Lookups only suggest when nothing matched; a screen that wants to offer "did you
        mean" for the leftover part of "hydrocodon/APAP" asks here.
        """
        if not isinstance(text, str) or len(text.strip()) > MAX_INPUT_CHARS:
            return ()
        return self._suggest_medicines(tokenise(text.strip()))

    def condition(self, slug: str) -> ConditionConcept:
        """The concept row for a slug (label, synonyms, parents, source)."""
        return self._concepts[slug]

    def provenance(self) -> Mapping[str, object]:
        """The provenance block of the drug index (sources, hashes, credit line)."""
        return self._provenance

    # --- medicines ----------------------------------------------------------------------

    def _whole_entry_keys(self, tokens: Sequence[Token]) -> list[str]:
        """Keys for the entry as a whole, from most literal to most reduced."""
        literal = [t.text for t in tokens if t.kind != BOUNDARY]
        without_doses = [
            t.text for t in tokens if t.kind in (WORD, NUMBER, TAG) and t.text not in FORM_WORDS
        ]
        without_numbers = [t.text for t in tokens if t.kind == WORD and t.text not in FORM_WORDS]
        significant = [w for w in without_numbers if self._is_significant(w)]
        keys = (" ".join(words) for words in (literal, without_doses, without_numbers, significant))
        return [key for key in dict.fromkeys(keys) if key]

    def _with_variants(self, hit: _SpanHit, left_out: Sequence[str]) -> _SpanHit:
        """Widen a hit to the indexed product names that extend the matched name.

        A product or brand name that begins longer product names ("coricidin hbp" and
        "coricidin hbp cough and cold", "tylenol" and "tylenol with codeine") can mean any
        of them, so it is screened on the union of their formulas (and is ambiguous when
        they differ). Words or numbers the entry had beyond the matched name (``left_out``:
        "cold" and "flu" in "Tylenol Cold and Flu", "d" in "Aleve D") narrow that union to
        the names containing all of them, plus the matched name itself; when no name
        contains them all, every extension stays. A substance name ("ibuprofen") is not
        widened, except to the names a left-out word selects ("ibuprofen pm ..."), nor is
        a curated alias.
        """
        if hit.via == VIA_ALIAS:
            return hit
        starting = self._names_starting_with(hit.key)
        if not starting:
            return hit
        wanted = set(left_out)
        variants = [key for key in starting if wanted <= set(key.split(" "))] if wanted else []
        extra_keys = variants or ([] if self._is_substance_name(hit.key) else starting)
        if not extra_keys:
            return hit
        formulas = set(hit.formulas)
        for key in extra_keys:
            formulas.update(tuple(formula) for formula in self._names[key])
        return _SpanHit(hit.key, tuple(sorted(formulas)), hit.via, tuple(extra_keys))

    def _is_substance_name(self, key: str) -> bool:
        """Whether a name is a substance's: a substance name itself, or one with only salt,
        dose-form or strength words added ("oxycodone hcl", "aspirin 81mg", "acetaminophen
        extra strength" are FDA product names, but they name the substance, not a brand)."""
        if self._origins.get(key) in ("s", "u"):
            return True
        core = " ".join(
            t.text for t in tokenise(key) if t.kind == WORD and t.text not in SILENT_WORDS
        )
        return bool(core) and core != key and self._origins.get(core) in ("s", "u")

    def _names_starting_with(self, key: str) -> list[str]:
        """Every indexed name that begins with ``key`` followed by more words.

        The names are sorted and " " sorts before "!", so they are exactly those from
        ``key + " "`` up to ``key + "!"`` (a few hundred at most in the shipped index).
        """
        start = bisect.bisect_left(self._sorted_names, key + " ")
        end = bisect.bisect_left(self._sorted_names, key + "!", start)
        return self._sorted_names[start:end]

    def _resolve_medicine_key(self, key: str) -> _SpanHit | None:
        if key in self._aliases:
            return _SpanHit(key, self._aliases[key], VIA_ALIAS)
        formulas = self._names.get(key)
        if formulas is None:
            return None
        return _SpanHit(
            key,
            tuple(tuple(formula) for formula in formulas),
            VIA_BY_ORIGIN.get(self._origins.get(key, "p"), VIA_BY_ORIGIN["p"]),
        )

    def _match_medicine_spans(
        self, tokens: Sequence[Token], telling: frozenset[int]
    ) -> tuple[list[tuple[_SpanHit, list[str]]], tuple[str, ...]]:
        """Greedy longest match of 1-4 word parts, never across "/", "+", "," and the like.

        Returns each matched part with the telling words and numbers left out around it
        (those after it up to the next part; those before the first part go to the first),
        and the words that could name a medicine but matched nothing.
        """
        hits: list[tuple[_SpanHit, list[str]]] = []
        before_first: list[str] = []
        unmatched: list[str] = []
        for segment in _indexed_segments(tokens):
            position = 0
            while position < len(segment):
                index = segment[position]
                token = tokens[index]
                hit = None
                if token.kind == WORD and token.text not in CONNECTOR_WORDS:
                    hit, length = self._longest_medicine_span(
                        [tokens[i] for i in segment], position
                    )
                if hit is not None:
                    hits.append((hit, []))
                    position += length
                    continue
                if token.kind == WORD and self._is_significant(token.text):
                    unmatched.append(token.text)
                elif index in telling:
                    (hits[-1][1] if hits else before_first).append(token.text)
                position += 1
        if hits:
            hits[0][1][:0] = before_first
        return (
            [(hit, list(dict.fromkeys(left_out))) for hit, left_out in hits],
            tuple(dict.fromkeys(unmatched)),
        )

    def _longest_medicine_span(
        self, segment: Sequence[Token], start: int
    ) -> tuple[_SpanHit | None, int]:
        longest = min(MAX_SPAN_WORDS, len(segment) - start)
        for length in range(longest, 0, -1):
            last = segment[start + length - 1]
            if last.kind not in (WORD, TAG) or last.text in CONNECTOR_WORDS:
                continue
            key = " ".join(t.text for t in segment[start : start + length])
            hit = self._resolve_medicine_key(key)
            if hit is not None:
                return hit, length
        return None, 0

    def _is_significant(self, word: str) -> bool:
        """Whether a word could name a medicine (not a form, unit, salt or filler word)."""
        return not (
            word in FORM_WORDS
            or word in CONNECTOR_WORDS
            or word in SALT_WORDS
            or word in UNIT_WORDS
            or word in RATE_WORDS
            or word in self._generic_words
            or word.isdigit()
            or len(word) < 2
        )

    def _known_name(self, key: str) -> bool:
        """Whether ``key`` is a name of the index or a curated alias."""
        return key in self._aliases or key in self._names

    def _resolve_name_profile(self, key: str) -> _Profile:
        """The profile of one known name matched as the whole entry, with nothing left out.

        Kept by ``_name_profile`` (least recently used out past ``NAME_PROFILES_KEPT``), which
        is only ever called with a key of the index or of the curated aliases: what it keeps
        is vocabulary data, never the text a person typed, its doses or its other words.
        """
        hit = self._resolve_medicine_key(key)
        if hit is None:  # only known names are kept
            raise KeyError(key)
        return self._profile([self._with_variants(hit, ())])

    def _resolve_plain_name_match(self, key: str) -> MedicineMatch | None:
        """The answer for an entry that is exactly the words of the name ``key``, input left
        blank.

        Kept by ``_plain_name_match`` like ``_name_profile``: only called with a known name
        (``_known_name``), so what it keeps is vocabulary data; ``with_input`` puts the
        person's own text into a copy of it for each lookup. A lookup reads only the entry's
        tokens, so an entry whose tokens are the name's words gets the same answer. None when
        ``key`` does not read back as its own words (the lookup then takes the full steps) or
        its words describe a kind of medicine (the entry is then unrecognised).
        """
        tokens = tokenise(key)
        if [(t.text, t.kind) for t in tokens] != [(word, WORD) for word in key.split(" ")]:
            return None
        if _describes_a_kind_of_medicine(tokens):
            return None  # answered unrecognised, with the person's text, by the caller
        return self._lookup_tokens("", tokens)

    def _resolve_combined_name_match(self, parts: tuple[str, ...]) -> MedicineMatch:
        """The answer for an entry that is known names and separators (``_names_apart``),
        input left blank.

        Kept by ``_combined_name_match`` like ``_plain_name_match``: only called with the
        vocabulary's names and separator characters, so what it keeps is vocabulary data.
        The tokens are those the entry was read as (each name's words, each separator), and
        a lookup reads only the tokens, so every such entry gets this answer.
        """
        tokens: list[Token] = []
        for part in parts:
            if part in BOUNDARY_CHARS:
                tokens.append(Token(part, BOUNDARY))
            else:
                tokens.extend(Token(word, WORD) for word in part.split(" "))
        return self._lookup_tokens("", tokens)

    def _profile(self, hits: Sequence[_SpanHit]) -> _Profile:
        formulas = _combine_formulas(hits)
        ingredients = tuple(sorted({i for formula in formulas for i in formula}))
        classes: set[str] = set()
        local_classes: set[str] = set()
        unclassified: list[str] = []
        undecided: list[UndecidedClass] = []
        for ingredient in ingredients:
            standing = self._ingredient_standing(ingredient)
            for rule_class, systemic_only in standing.members:
                classes.add(rule_class)
                if not systemic_only:
                    local_classes.add(rule_class)
            undecided.extend(standing.undecided)
            if standing.unclassified:
                unclassified.append(ingredient)
        return _Profile(
            matched=" + ".join(hit.key for hit in hits),
            via="; ".join(dict.fromkeys(hit.via for hit in hits)),
            parts=len(hits),
            formulas=formulas,
            ingredients=ingredients,
            classes=tuple(sorted(classes)),
            local_classes=tuple(sorted(local_classes)),
            implied=self._conditions_implied_by_classes(classes),
            local_implied=self._conditions_implied_by_classes(local_classes),
            unclassified=tuple(unclassified),
            undecided=tuple(undecided),
            all_local=bool(hits) and all(self._is_local_hit(hit) for hit in hits),
        )

    def _medicine_result(
        self,
        text: str,
        profile: _Profile,
        unmatched: tuple[str, ...],
        tokens: Sequence[Token],
    ) -> MedicineMatch:
        route = self._entry_route(tokens, profile)
        local = route == ROUTE_LOCAL
        return MedicineMatch(
            input=text,
            status=AMBIGUOUS if len(profile.formulas) > 1 else RECOGNISED,
            matched=profile.matched,
            via=profile.via,
            ingredients=profile.ingredients,
            rule_classes=profile.local_classes if local else profile.classes,
            unclassified=profile.unclassified,
            suggestions=(),
            formulas=profile.formulas,
            unmatched=unmatched,
            undecided=profile.undecided,
            route=route,
            strengths_mg=_strengths_mg(tokens, profile.formulas),
            implied_conditions=profile.local_implied if local else profile.implied,
        )

    def _entry_route(self, tokens: Sequence[Token], profile: _Profile) -> str:
        """``"local"`` when the entry names a local form, or every matched name is local-only.

        An entry that names a form taken into the body is never local: "Kenalog injection"
        is the injection although the product called just "Kenalog" is a topical spray. A
        local form word counts only for an entry that matched one name: in "prednisone and
        tacrolimus ointment" the ointment says nothing about the prednisone. A name is
        local-only when every FDA NDC product of it, and of every product name the match
        was widened to, is for local use (or a curated ``local_routes.tsv`` row says so for
        a name no NDC product has); a curated alias never is.
        """
        words = {t.text for t in tokens if t.kind == WORD}
        if words & SYSTEMIC_FORM_WORDS:
            return ""
        if profile.all_local:
            return ROUTE_LOCAL
        if profile.parts == 1 and words & LOCAL_FORM_WORDS:
            return ROUTE_LOCAL
        return ""

    def _is_local_hit(self, hit: _SpanHit) -> bool:
        if hit.via == VIA_ALIAS:
            return False
        return all(
            name in self._local_names or name in self._curated_local_names
            for name in (hit.key, *hit.names)
        )

    def _ingredient_standing(self, ingredient: str) -> _IngredientStanding:
        """How an ingredient stands with every class (members, undecided, unclassified)."""
        standing = self._standing.get(ingredient)
        if standing is not None:
            return standing
        signals = self.signals(ingredient)
        members: list[tuple[str, bool]] = []
        undecided: list[UndecidedClass] = []
        for rule_class in sorted(RULE_CLASSES):
            row = self._decision(ingredient, rule_class)
            if row is not None:
                if row.decision == DECISION_IN:
                    members.append((rule_class, row.systemic_only))
                continue
            matching = self._neighbourhood_signals(rule_class, signals)
            if matching:
                undecided.append(UndecidedClass(ingredient, rule_class, matching))
        standing = _IngredientStanding(
            members=tuple(members),
            undecided=tuple(undecided),
            # Fail closed where nobody has classified the ingredient: no curated row (a
            # "none" row records a reviewed ingredient in no rule class) and no signal.
            # An ingredient with signals outside every neighbourhood is decided out.
            unclassified=ingredient not in self._curated_ingredients and not signals,
        )
        self._standing[ingredient] = standing
        return standing

    def _decision(self, ingredient: str, rule_class: str) -> RuleClassRow | None:
        """The curated row deciding ``ingredient`` for ``rule_class``, if any."""
        row = self._decisions.get((ingredient, rule_class))
        if row is not None:
            return row
        for narrower, wider in CLASS_IMPLIES.items():
            if rule_class in wider:
                narrow_row = self._decisions.get((ingredient, narrower))
                if narrow_row is not None and narrow_row.decision == DECISION_IN:
                    return narrow_row
        return self._none_rows.get(ingredient)

    def _neighbourhood_signals(self, rule_class: str, signals: Sequence[str]) -> tuple[str, ...]:
        pattern = self._neighbourhoods.get(rule_class)
        if pattern is None:
            return ()
        return tuple(signal for signal in signals if pattern.search(signal))

    def _conditions_implied_by_classes(self, classes: Iterable[str]) -> tuple[str, ...]:
        direct = [slug for c in sorted(classes) for slug in self._implied_by_class.get(c, ())]
        return self._implication_closure(direct, exclude=())

    def _implication_closure(self, slugs: Iterable[str], exclude: Iterable[str]) -> tuple[str, ...]:
        """``slugs``, their ancestors and what they imply in turn, minus ``exclude``."""
        found: dict[str, None] = {}
        pending = list(slugs)
        while pending:
            slug = pending.pop(0)
            if slug in found:
                continue
            found[slug] = None
            pending.extend(self._concepts[slug].parents)
            pending.extend(self._implied_by_condition.get(slug, ()))
        excluded = set(exclude)
        return tuple(slug for slug in found if slug not in excluded)

    def _suggest_medicines(self, tokens: Sequence[Token]) -> tuple[str, ...]:
        """Close spellings of the entry (or of its words); never applied automatically.

        Ranked by fewest edits (a swap of two neighbouring letters counts as one edit,
        so "codiene" is one edit from codeine), then by rapidfuzz ratio, then by name.
        """
        words = [t.text for t in tokens if t.kind == WORD and self._is_significant(t.text)]
        if not words:
            return ()
        queries = [" ".join(words)[:MAX_FUZZY_QUERY_CHARS]]
        if len(words) > 1:
            queries.extend(words[:5])
        found: dict[str, tuple[int, float]] = {}
        for query in queries:
            for name, rank in self._fuzzy_medicine_names(query):
                found[name] = min(rank, found.get(name, rank))
            if found:
                break
        ranked = sorted(found.items(), key=lambda item: (item[1], item[0]))
        return tuple(name for name, _ in ranked[:MAX_SUGGESTIONS])

    def _fuzzy_medicine_names(self, query: str) -> list[tuple[str, tuple[int, float]]]:
        """Index names close to ``query``, each with its rank ``(edits, -ratio)``.

        Exactly what :func:`_close_spellings` finds among every choice of a similar length
        (:meth:`_choices_near_length`), but it scores only the choices that share enough
        characters with the query to be accepted at all (:func:`_min_shared_characters`),
        found with the bitsets of :class:`CharacterCountIndex`: a few dozen instead of
        tens of thousands.
        """
        if len(query) < MIN_SUGGESTION_QUERY_CHARS or not any(c.isalpha() for c in query):
            return []
        length = len(query)
        candidates = self._suggestion_index().sharing(query, _shared_characters_by_length(length))
        return _close_spellings(
            query,
            candidates,
            MEDICINE_SUGGESTION_MIN_SCORE,
            MAX_SUGGESTIONS * 2,
            longest_choice=length + _length_spread(length),
        )

    def _suggestion_index(self) -> CharacterCountIndex:
        """The character-count index over the suggestion choices, created on the first miss.

        Creating it is free; its bitsets are built per length and letter as misses need
        them (a few milliseconds for the first misspelling of a process).
        """
        index = self._medicine_suggestion_index
        if index is None:
            choices = self._suggestion_choices()
            with self._lazy_lock:
                if self._medicine_suggestion_index is None:
                    self._medicine_suggestion_index = CharacterCountIndex(choices)
                index = self._medicine_suggestion_index
        return index

    def _choices_near_length(self, length: int) -> list[str]:
        """Every suggestion choice of a length a query of ``length`` may be close to.

        The choices :meth:`_fuzzy_medicine_names` would score without its index; kept as
        the reference the tests compare the index against.
        """
        # Only keys of a similar length can be close (see _length_spread).
        cached = self._choices_by_query_length.get(length)
        if cached is not None:
            return cached
        by_length = self._suggestion_choices()
        spread = _length_spread(length)
        choices = [
            key
            for size in range(max(1, length - spread), length + spread + 1)
            for key in by_length.get(size, ())
        ]
        self._choices_by_query_length[length] = choices
        return choices

    def _suggestion_choices(self) -> dict[int, list[str]]:
        with self._lazy_lock:
            if self._medicine_choices is None:
                by_length: dict[int, list[str]] = {}
                for key in (*self._aliases, *self._names):
                    # Long product descriptions are not what people misspell; leaving
                    # them out keeps a miss fast.
                    if len(key) >= MIN_SUGGESTION_QUERY_CHARS and key.count(" ") < 3:
                        by_length.setdefault(len(key), []).append(key)
                self._medicine_choices = by_length
            return self._medicine_choices

    def _all_ingredients(self) -> frozenset[str]:
        with self._lazy_lock:
            if self._ingredients is None:
                found: set[str] = set(self._classes_by_ingredient)
                for formulas in self._names.values():
                    for formula in formulas:
                        found.update(formula)
                for alias_formulas in self._aliases.values():
                    for alias_formula in alias_formulas:
                        found.update(alias_formula)
                self._ingredients = frozenset(found)
            return self._ingredients

    # --- conditions ---------------------------------------------------------------------

    def _match_condition_spans(
        self, tokens: Sequence[Token]
    ) -> tuple[list[str], dict[str, None], list[str]]:
        matched: list[str] = []
        slugs: dict[str, None] = {}
        unmatched: list[str] = []
        for segment in _segments(tokens):
            index = 0
            while index < len(segment):
                found = None
                longest = min(MAX_CONDITION_SPAN_WORDS, len(segment) - index)
                for length in range(longest, 0, -1):
                    key = " ".join(t.text for t in segment[index : index + length])
                    if key in self._condition_keys:
                        found = key, length
                        break
                if found:
                    key, length = found
                    matched.append(key)
                    slugs.update(dict.fromkeys(self._condition_keys[key]))
                    index += length
                    continue
                word = segment[index].text
                if (
                    segment[index].kind == WORD
                    and word not in CONDITION_FILLER_WORDS
                    and word not in CONNECTOR_WORDS
                ):
                    unmatched.append(word)
                index += 1
        return matched, slugs, list(dict.fromkeys(unmatched))

    def _with_ancestors(self, slugs: Iterable[str]) -> tuple[str, ...]:
        """The matched concepts first (in entry order), then their ancestors, nearest first."""
        found: dict[str, None] = dict.fromkeys(slugs)
        pending = list(found)
        while pending:
            parents = [p for slug in pending for p in self._concepts[slug].parents]
            pending = [p for p in dict.fromkeys(parents) if p not in found]
            found.update(dict.fromkeys(pending))
        return tuple(found)

    def _suggest_conditions(self, query: str) -> tuple[str, ...]:
        query = query[:MAX_FUZZY_QUERY_CHARS]
        if len(query) < MIN_SUGGESTION_QUERY_CHARS or not any(c.isalpha() for c in query):
            return ()
        results = _close_spellings(
            query, list(self._condition_keys), CONDITION_SUGGESTION_MIN_SCORE, MAX_SUGGESTIONS * 3
        )
        labels: list[str] = []
        for key, _rank in sorted(results, key=lambda item: (item[1], item[0])):
            for slug in self._condition_keys[key]:
                label = self._concepts[slug].label
                if label not in labels:
                    labels.append(label)
        return tuple(labels[:MAX_SUGGESTIONS])


#: Below this many characters an edit-distance suggestion must be a swap of two
#: neighbouring letters: one other edit turns many ordinary short words into some product
#: name ("paper" into "paser", "garden" into "gardan").
MIN_CHARS_FOR_ANY_EDIT = 7


def _length_spread(length: int) -> int:
    """How much longer or shorter than the query a suggested name may be.

    A ratio of 88 or more is impossible between strings whose lengths differ by more than
    a quarter, and ``_max_edits`` never exceeds this spread.
    """
    return max(2, length // 4)


def _max_edits(length: int) -> int:
    """Edits (insert, delete, substitute, swap two neighbours) a suggestion may be away.

    None below five characters (a short word is a few edits from many names); one up to
    eight ("codiene", "Percoset"); two up to sixteen ("ibuprophen"); three beyond.
    """
    if length < 5:
        return 0
    if length <= 8:
        return 1
    return 2 if length <= 16 else 3


@cache
def _most_indel_edits(length: int, other: int, min_ratio: float) -> int | None:
    """The most insertions and deletions two strings of these lengths can be apart with a
    rapidfuzz ratio of ``min_ratio`` or more (None: not even the fewest possible).

    rapidfuzz's ratio depends only on the lengths and that count (the Indel distance,
    ``length + other - 2 * LCS``), so it is read off two strings built with each possible
    longest common subsequence: exactly the arithmetic ``_close_spellings`` compares.
    """
    fuzz = _rapidfuzz()[0]
    most = None
    for indel in range(abs(length - other), length + other + 1, 2):
        common = (length + other - indel) // 2
        first = "a" * common + "b" * (length - common)
        second = "a" * common + "c" * (other - common)
        if fuzz.ratio(first, second) >= min_ratio:
            most = indel
        else:
            break  # the ratio only falls as the distance grows
    return most


@cache
def _min_shared_characters(length: int, other: int, min_ratio: float) -> int | None:
    """The fewest characters, counted with repeats, that a choice of length ``other`` shares
    with a query of ``length`` when :func:`_close_spellings` accepts it (None: never).

    A choice is accepted by its ratio or by its edit count:

    * ratio ``min_ratio`` or more: at most ``_most_indel_edits`` insertions and deletions,
      so a common subsequence, and so a shared multiset, of
      ``(length + other - indel) / 2`` characters;
    * at most ``_max_edits(length)`` edits (optimal string alignment): each substitution,
      insertion or deletion costs the shared multiset at most one character of the longer
      string and a swap of two neighbours none, so ``max(length, other) - edits`` remain.
      Below ``MIN_CHARS_FOR_ANY_EDIT`` only a swap counts: same letters, same length.

    The tests check this bound against scoring every choice.
    """
    bounds: list[int] = []
    most_indel = _most_indel_edits(length, other, min_ratio)
    if most_indel is not None:
        bounds.append(-(-(length + other - most_indel) // 2))
    edits = _max_edits(length)
    if length < MIN_CHARS_FOR_ANY_EDIT and edits <= 1:
        if edits == 1 and other == length:
            bounds.append(length)
    elif abs(length - other) <= edits:
        bounds.append(max(length, other) - edits)
    return min(bounds) if bounds else None


@cache
def _shared_characters_by_length(length: int) -> tuple[tuple[int, int], ...]:
    """``(choice length, fewest shared characters)`` for every length a medicine query of
    ``length`` can be close to (see ``_length_spread`` and ``_min_shared_characters``)."""
    spread = _length_spread(length)
    found: list[tuple[int, int]] = []
    for other in range(max(1, length - spread), length + spread + 1):
        shared = _min_shared_characters(length, other, MEDICINE_SUGGESTION_MIN_SCORE)
        if shared is not None:
            found.append((other, shared))
    return tuple(found)


@cache
def _rapidfuzz() -> tuple[ModuleType, ModuleType, ModuleType, ModuleType]:
    """rapidfuzz's modules, imported at the first miss (an import statement per call cost
    about a microsecond each time)."""
    from rapidfuzz import fuzz, process  # noqa: PLC0415  (only needed on a miss)
    from rapidfuzz.distance import OSA, Levenshtein  # noqa: PLC0415

    return fuzz, process, OSA, Levenshtein


def _close_spellings(
    query: str,
    choices: Sequence[str],
    min_ratio: float,
    limit: int,
    longest_choice: int | None = None,
) -> list[tuple[str, tuple[int, float]]]:
    """Choices within ``_max_edits`` (optimal string alignment) or a ratio of ``min_ratio``.

    The ratio (rapidfuzz's normalised Indel similarity) finds the missing or extra
    letter; the edit distance, which counts a swapped or mistyped letter as one edit,
    finds "codiene" (codeine) and "Percoset" (percocet), which the ratio misses. Each
    choice comes with its rank ``(edits, -ratio)``.

    One pass over the choices: a ratio of ``min_ratio`` allows at most
    ``(1 - min_ratio / 100) * (len(query) + len(choice))`` insertions and deletions, and
    the edit distance is never more than that, so the pass keeps every choice within that
    many edits (``longest_choice`` bounds ``len(choice)``), then applies both tests.
    """
    fuzz, process, OSA, Levenshtein = _rapidfuzz()
    length = len(query)
    edits = _max_edits(length)
    longest = longest_choice if longest_choice is not None else max(map(len, choices), default=0)
    ratio_edits = int((1 - min_ratio / 100) * (length + longest))
    found: list[tuple[str, tuple[int, float]]] = []
    for choice, distance, _ in process.extract(
        query, choices, scorer=OSA.distance, score_cutoff=max(edits, ratio_edits), limit=None
    ):
        ratio = float(fuzz.ratio(query, choice))
        if ratio < min_ratio:
            if distance > edits:
                continue
            # A short word: only a swap of two neighbouring letters counts.
            if length < MIN_CHARS_FOR_ANY_EDIT and Levenshtein.distance(query, choice) <= distance:
                continue
        found.append((choice, (int(distance), -ratio)))
    return sorted(found, key=lambda item: (item[1], item[0]))[:limit]


def _describes_a_kind_of_medicine(tokens: Sequence[Token]) -> bool:
    """True for "water pill", "thyroid medication", "blood pressure pills" and the like."""
    words = [t.text for t in tokens if t.kind == WORD]
    if not any(word in CATEGORY_MARKER_WORDS for word in words):
        return False
    others = [w for w in words if w not in CATEGORY_MARKER_WORDS and w not in CONNECTOR_WORDS]
    return all(word in COLLOQUIAL_CATEGORY_WORDS for word in others)


def _telling_indices(tokens: Sequence[Token]) -> frozenset[int]:
    """Positions of the words and bare numbers that must not be left out silently.

    Every word not in ``SILENT_WORDS``, every "#3"-style tag and every bare number: not a
    strength (a number with its unit is a ``DOSE`` token), a count or a frequency ("2
    tablets", "x 2", "every 4 hours", "3 times a day"). When such a token is not part of
    the matched name, a product name the match covers must account for it (see
    ``_unaccounted``).
    """
    found: set[int] = set()
    for index, token in enumerate(tokens):
        if token.kind == TAG:
            found.add(index)
        elif token.kind == NUMBER:
            before = tokens[index - 1].text if index > 0 else ""
            after = tokens[index + 1] if index + 1 < len(tokens) else None
            counts = after is not None and after.kind == WORD and after.text in COUNT_WORDS
            if not counts and before not in COUNT_PREFIX_WORDS:
                found.add(index)
        elif token.kind == WORD and token.text not in SILENT_WORDS:
            found.add(index)
    return frozenset(found)


def _unaccounted(left_out: Iterable[str], hits: Sequence[_SpanHit]) -> tuple[str, ...]:
    """The left-out words that no matched name and no name a match was widened to contains."""
    covered = {word for hit in hits for name in (hit.key, *hit.names) for word in name.split(" ")}
    return tuple(word for word in dict.fromkeys(left_out) if word not in covered)


def _indexed_segments(tokens: Sequence[Token]) -> list[list[int]]:
    """Positions of the non-dose tokens, split at boundaries ("/", "+", ",", brackets)."""
    segments: list[list[int]] = [[]]
    for index, token in enumerate(tokens):
        if token.kind == BOUNDARY:
            segments.append([])
        elif token.kind != DOSE:
            segments[-1].append(index)
    return [segment for segment in segments if segment]


def _segments(tokens: Iterable[Token]) -> list[list[Token]]:
    """Split tokens at boundaries ("/", "+", ",", brackets)."""
    segments: list[list[Token]] = [[]]
    for token in tokens:
        if token.kind == BOUNDARY:
            segments.append([])
        else:
            segments[-1].append(token)
    return [segment for segment in segments if segment]


def _combine_formulas(hits: Sequence[_SpanHit]) -> tuple[Formula, ...]:
    """Every ingredient set the matched parts can mean together (one formula from each).

    The combinations are capped: past ``MAX_FORMULAS``, only the first
    ``MAX_FORMULAS - 1`` (in sorted order) are kept, plus the union of every ingredient of
    every part, so the result still covers every ingredient, still has several formulas
    (and so stays ``ambiguous``) and stays small for an entry such as
    "T3:T3:ROBITUSSIN:ROBITUSSIN".
    """
    combined: set[frozenset[str]] = {frozenset()}
    union: set[str] = set()
    capped = False
    for hit in hits:
        union.update(ingredient for formula in hit.formulas for ingredient in formula)
        combined = {done | set(formula) for done in combined for formula in hit.formulas}
        if len(combined) > MAX_FORMULAS:
            capped = True
            combined = set(sorted(combined, key=sorted)[: MAX_FORMULAS - 1])
    formulas = sorted({tuple(sorted(formula)) for formula in combined})
    if capped:
        # Parts after the cap can multiply the kept combinations again: keep the first
        # MAX_FORMULAS - 1 of them, and the union.
        everything = tuple(sorted(union))
        kept = [formula for formula in formulas if formula != everything]
        formulas = [*kept[: MAX_FORMULAS - 1], everything]
    return tuple(sorted(formulas))


_MASS_NUMBER_RE = re.compile(r"\d+(?:\.\d+)?")
_GLUED_MASS_RE = re.compile(r"(\d+(?:\.\d+)?)([^\W\d_]+)")


def _strengths_mg(
    tokens: Sequence[Token], formulas: Sequence[Formula]
) -> tuple[tuple[str, float], ...]:
    """``((ingredient, mg),)`` when the entry states one mass strength of one ingredient."""
    if len(formulas) != 1 or len(formulas[0]) != 1:
        return ()
    chains: list[list[Token]] = []
    previous_was_dose = False
    for token in tokens:
        if token.kind == DOSE:
            if not previous_was_dose:
                chains.append([])
            chains[-1].append(token)
        previous_was_dose = token.kind == DOSE
    if len(chains) != 1:
        return ()
    milligrams = _mass_milligrams(chains[0])
    if milligrams is None:
        return ()
    return ((formulas[0][0], milligrams),)


def _mass_milligrams(chain: Sequence[Token]) -> float | None:
    """Milligrams of a strength written "50 mg", "50mg" or "500 mcg", alone or per day
    ("50mg/day", "50 mg/d"); None for anything else."""
    if len(chain) >= 3 and chain[-2].text == "/" and chain[-1].text in PER_DAY_WORDS:
        chain = chain[:-2]
    if len(chain) == 1:
        glued = _GLUED_MASS_RE.fullmatch(chain[0].text)
        if glued is None:
            return None
        number, unit = glued.groups()
    elif len(chain) == 2 and _MASS_NUMBER_RE.fullmatch(chain[0].text):
        number, unit = chain[0].text, chain[1].text
    else:
        return None
    factor = MASS_UNIT_MG.get(unit)
    value = float(number) * factor if factor is not None else 0.0
    return round(value, 6) if value > 0 else None


def _split_bar(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split("|") if part.strip())


def _rule_class_row(row: Mapping[str, str]) -> RuleClassRow:
    signals = row.get("signals")
    return RuleClassRow(
        ingredient=row["ingredient"].strip().lower(),
        rule_class=row["rule_class"].strip(),
        fda_classes=signals if signals is not None else row.get("fda_classes", ""),
        note=row.get("note", ""),
        source=row.get("source", ""),
        decision=(row.get("decision") or DECISION_IN).strip().lower(),
        systemic_only=(row.get("systemic_only") or "").strip().lower() == "yes",
    )


def _check_rule_class_row(row: RuleClassRow) -> None:
    if row.rule_class not in RULE_CLASSES | {NO_RULE_CLASS}:
        raise ValueError(f"rule_classes.tsv: unknown rule class {row.rule_class!r}")
    if not row.source.strip():
        raise ValueError(f"rule_classes.tsv: no source for {row.ingredient!r}")
    if row.decision not in (DECISION_IN, DECISION_OUT):
        raise ValueError(f"rule_classes.tsv: {row.ingredient!r}: decision must be in or out")
    if row.rule_class == NO_RULE_CLASS and row.decision != DECISION_OUT:
        raise ValueError(f"rule_classes.tsv: {row.ingredient!r}: a 'none' row is 'out'")
    if row.systemic_only and row.decision != DECISION_IN:
        raise ValueError(f"rule_classes.tsv: {row.ingredient!r}: systemic_only on an 'out' row")


def _unrecognised_medicine(text: str) -> MedicineMatch:
    return MedicineMatch(text, UNRECOGNISED, "", "", (), (), (), (), ())


def _read_data(name: str) -> bytes:
    return resources.files(_DATA_PACKAGE).joinpath("data", name).read_bytes()


def _read_tsv(data: bytes) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(data.decode("utf-8")), delimiter="\t")
    return [dict(row) for row in reader]


def load_index() -> dict[str, object]:
    """Read and parse ``drug_index.json.gz`` (no caching; see :func:`load_vocabulary`)."""
    parsed = json.loads(gzip.decompress(_read_data(_INDEX_FILE)))
    if not isinstance(parsed, dict):
        raise ValueError("drug index: not a JSON object")
    return parsed


@lru_cache(maxsize=1)
def load_vocabulary() -> MedicineVocabulary:
    """The shared vocabulary, read from the package data on first use."""
    curated = {name: _read_data(name) for name in _CURATED_FILES}
    digest = hashlib.sha256()
    for name in _CURATED_FILES:
        digest.update(curated[name])
    return MedicineVocabulary(
        index=load_index(),
        alias_rows=_read_tsv(curated["aliases.tsv"]),
        rule_class_rows=_read_tsv(curated["rule_classes.tsv"]),
        condition_rows=_read_tsv(curated["conditions.tsv"]),
        curated_version=f"sha256:{digest.hexdigest()[:12]}",
        signal_rows=_read_tsv(curated["rule_class_signals.tsv"]),
        local_route_rows=_read_tsv(curated["local_routes.tsv"]),
    )
