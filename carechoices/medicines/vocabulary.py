"""Offline medicine and condition vocabulary for the personal safety screen.

A person's free-text entry ("Percocet 5/325", "tramadoll", "Hashimoto's") is resolved to
generic ingredients and rule classes (medicines) or condition concepts (conditions),
with a status that the screen turns into findings or into "not checked":

* ``recognised``: the whole entry, or every meaningful part of it, matched a known name.
* ``ambiguous``: it matched, but the name covers several formulas (a brand family such
  as "Tylenol", or "T3"); ingredients are the union of all of them.
* ``suggested``: nothing matched exactly; ``suggestions`` holds close spellings to
  confirm. Nothing is substituted silently.
* ``unrecognised``: nothing matched. The screen must report it as not checked.

Data (read lazily, once): ``data/drug_index.json.gz`` built from public-domain FDA files by
``tools/build_drug_index.py``, plus three hand-curated tables (``aliases.tsv``,
``rule_classes.tsv``, ``conditions.tsv``), each row with its source. Standard library
only; ``rapidfuzz`` is imported the first time a suggestion is needed.
"""

from __future__ import annotations

import bisect
import csv
import gzip
import hashlib
import io
import itertools
import json
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from carechoices.medicines.parsing import (
    BOUNDARY,
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

__all__ = [
    "CURATED_TABLES_DATE",
    "RULE_CLASSES",
    "STATUSES",
    "ConditionMatch",
    "MedicineMatch",
    "MedicineVocabulary",
    "load_vocabulary",
]

RECOGNISED = "recognised"
AMBIGUOUS = "ambiguous"
SUGGESTED = "suggested"
UNRECOGNISED = "unrecognised"
#: Every status a lookup can return.
STATUSES = frozenset({RECOGNISED, AMBIGUOUS, SUGGESTED, UNRECOGNISED})

#: A curated row with this class records an ingredient reviewed and found in no rule class.
NO_RULE_CLASS = "none"

#: The rule classes the curated table may use; screening rules refer to these slugs.
RULE_CLASSES = frozenset(
    {
        "opioid",
        "opioid-antagonist",
        "transplant-immunosuppressant",
        "thyroid-hormone",
        "nsaid",
        "corticosteroid",
    }
)

#: Date of the last review of the curated tables (shown in the screen's coverage block).
CURATED_TABLES_DATE = "2026-11-26"

VIA_ALIAS = "curated alias"
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
MAX_CONDITION_SPAN_WORDS = 6
#: Suggestions need at least this rapidfuzz ratio (0-100) and this many characters.
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

Formula = tuple[str, ...]

_DATA_PACKAGE = "carechoices.medicines"
_INDEX_FILE = "drug_index.json.gz"
_CURATED_FILES = ("aliases.tsv", "rule_classes.tsv", "conditions.tsv")


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
    """Ingredients with no row in the rule-class table: the screen must say they were not
    classified rather than imply they are harmless."""
    suggestions: tuple[str, ...]
    """Names to offer as "did you mean", only for ``suggested`` and ``unrecognised``."""
    formulas: tuple[tuple[str, ...], ...]
    """Every ingredient set the entry can mean; more than one means ``ambiguous``."""
    unmatched: tuple[str, ...] = ()
    """Words of a recognised entry that matched nothing and are not strengths, dose forms
    or filler ("oxycodone and zzz" leaves "zzz"). Non-empty means part of the entry was
    not checked."""


@dataclass(frozen=True)
class ConditionMatch:
    """What a condition entry resolved to, and how."""

    input: str
    status: str
    matched: str
    via: str
    concepts: tuple[str, ...]
    """Concept slugs: the matched concept(s) first, then every ancestor, nearest first
    (crohns-disease, inflammatory-bowel-disease)."""
    suggestions: tuple[str, ...]
    unmatched: tuple[str, ...] = ()


@dataclass(frozen=True)
class _SpanHit:
    key: str
    formulas: tuple[Formula, ...]
    via: str


@dataclass(frozen=True)
class RuleClassRow:
    """One row of ``rule_classes.tsv``."""

    ingredient: str
    rule_class: str
    fda_classes: str
    note: str
    source: str


@dataclass(frozen=True)
class ConditionConcept:
    """One row of ``conditions.tsv``."""

    slug: str
    label: str
    synonyms: tuple[str, ...]
    parents: tuple[str, ...]
    source: str


class MedicineVocabulary:
    """Resolves medicine and condition entries; build it with :func:`load_vocabulary`."""

    def __init__(
        self,
        index: Mapping[str, object],
        alias_rows: Iterable[Mapping[str, str]],
        rule_class_rows: Iterable[Mapping[str, str]],
        condition_rows: Iterable[Mapping[str, str]],
        curated_version: str = "",
    ) -> None:
        """Build the lookup tables from a parsed index and the three curated tables."""
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

        self._rule_rows: tuple[RuleClassRow, ...] = tuple(
            RuleClassRow(
                ingredient=row["ingredient"].strip().lower(),
                rule_class=row["rule_class"].strip(),
                fda_classes=row["fda_classes"],
                note=row["note"],
                source=row["source"],
            )
            for row in rule_class_rows
        )
        self._classes_by_ingredient: dict[str, frozenset[str]] = {}
        for rule_row in self._rule_rows:
            if rule_row.rule_class not in RULE_CLASSES | {NO_RULE_CLASS}:
                raise ValueError(f"rule_classes.tsv: unknown rule class {rule_row.rule_class!r}")
            if not rule_row.source.strip():
                raise ValueError(f"rule_classes.tsv: no source for {rule_row.ingredient!r}")
            current = self._classes_by_ingredient.get(rule_row.ingredient, frozenset())
            added = frozenset() if rule_row.rule_class == NO_RULE_CLASS else {rule_row.rule_class}
            self._classes_by_ingredient[rule_row.ingredient] = current | added

        self._concepts: dict[str, ConditionConcept] = {}
        self._condition_keys: dict[str, str] = {}
        for row in condition_rows:
            concept = ConditionConcept(
                slug=row["slug"].strip(),
                label=row["label"].strip(),
                synonyms=tuple(s.strip() for s in row["synonyms"].split("|") if s.strip()),
                parents=tuple(p.strip() for p in row["parents"].split("|") if p.strip()),
                source=row["source"],
            )
            self._concepts[concept.slug] = concept
            for synonym in (concept.label, *concept.synonyms):
                key = name_key(synonym)
                other = self._condition_keys.setdefault(key, concept.slug)
                if other != concept.slug:
                    raise ValueError(
                        f"conditions.tsv: {synonym!r} names {other} and {concept.slug}"
                    )
        for concept in self._concepts.values():
            for parent in concept.parents:
                if parent not in self._concepts:
                    raise ValueError(f"conditions.tsv: unknown parent {parent!r}")

        self._lazy_lock = threading.Lock()
        self._ingredients: frozenset[str] | None = None
        self._medicine_choices: dict[int, list[str]] | None = None
        self._choices_by_query_length: dict[int, list[str]] = {}

    # --- public API ---------------------------------------------------------------------

    def lookup_medicine(self, text: str) -> MedicineMatch:
        """Resolve one medicine entry (brand, generic, combination, misspelling)."""
        if not isinstance(text, str):
            text = "" if text is None else str(text)
        entry = text.strip()
        if not entry or len(entry) > MAX_INPUT_CHARS:
            return _unrecognised_medicine(text)
        tokens = tokenise(entry)
        if _describes_a_kind_of_medicine(tokens):
            return _unrecognised_medicine(text)
        descriptive = self._descriptive_words(tokens)
        for key in self._whole_entry_keys(tokens):
            hit = self._resolve_medicine_key(key)
            if hit is not None:
                left_out = [word for word in descriptive if word not in key.split(" ")]
                return self._medicine_result(text, [self._with_variants(hit, left_out)], ())
        spans, unmatched = self._match_medicine_spans(tokens)
        if spans:
            matched_words = {word for hit in spans for word in hit.key.split(" ")}
            left_out = [word for word in descriptive if word not in matched_words]
            spans = [self._with_variants(hit, left_out) for hit in spans]
            return self._medicine_result(text, spans, unmatched)
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
                slug = self._condition_keys[key]
                return ConditionMatch(
                    text, RECOGNISED, key, VIA_CONDITION, self._with_ancestors([slug]), ()
                )
        matched_keys, slugs, unmatched = self._match_condition_spans(tokens)
        if slugs:
            return ConditionMatch(
                input=text,
                status=RECOGNISED,
                matched=" + ".join(matched_keys),
                via=VIA_CONDITION,
                concepts=self._with_ancestors(slugs),
                suggestions=(),
                unmatched=tuple(unmatched),
            )
        suggestions = self._suggest_conditions(" ".join(significant))
        return ConditionMatch(
            input=text,
            status=SUGGESTED if suggestions else UNRECOGNISED,
            matched="",
            via=VIA_FUZZY if suggestions else "",
            concepts=(),
            suggestions=suggestions,
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
        """Rule-class slugs of one ingredient (empty when it has no row)."""
        return self._classes_by_ingredient.get(ingredient.strip().lower(), frozenset())

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

    def _descriptive_words(self, tokens: Sequence[Token]) -> list[str]:
        """Everyday words that may name a product variant ("cold", "flu", "pm", "sinus")."""
        return list(
            dict.fromkeys(
                t.text
                for t in tokens
                if t.kind == WORD
                and t.text in self._generic_words
                and t.text not in FORM_WORDS
                and t.text not in CONNECTOR_WORDS
                and t.text not in SALT_WORDS
            )
        )

    def _with_variants(self, hit: _SpanHit, left_out: Sequence[str]) -> _SpanHit:
        """Widen a hit when the entry had variant words the matched name lacks.

        "Tylenol Cold and Flu" matches "tylenol" once "cold" and "flu" are set aside, but
        plain Tylenol lacks the cough suppressant of the cold-and-flu products. So the
        formulas of every indexed name that starts with the matched name and contains the
        left-out words are added; for a brand with no such name, every product starting
        with the brand is added. Substances and curated aliases stay as they are unless a
        named variant exists ("ibuprofen pm").
        """
        if not left_out or hit.via == VIA_ALIAS:
            return hit
        starting = self._names_starting_with(hit.key)
        wanted = set(left_out)
        variants = [key for key in starting if wanted <= set(key.split(" "))]
        is_substance = self._origins.get(hit.key) in ("s", "u")
        extra_keys = variants or ([] if is_substance else starting)
        if not extra_keys:
            return hit
        formulas = set(hit.formulas)
        for key in extra_keys:
            formulas.update(tuple(formula) for formula in self._names[key])
        return _SpanHit(hit.key, tuple(sorted(formulas)), hit.via)

    def _names_starting_with(self, key: str) -> list[str]:
        """Indexed names that begin with ``key`` followed by more words (at most 500)."""
        prefix = key + " "
        start = bisect.bisect_left(self._sorted_names, prefix)
        found: list[str] = []
        for name in itertools.islice(self._sorted_names, start, start + 500):
            if not name.startswith(prefix):
                break
            found.append(name)
        return found

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
        self, tokens: Sequence[Token]
    ) -> tuple[list[_SpanHit], tuple[str, ...]]:
        """Greedy longest match of 1-4 word parts, never across "/", "+", "," and the like."""
        hits: list[_SpanHit] = []
        unmatched: list[str] = []
        for segment in _segments(t for t in tokens if t.kind != DOSE):
            index = 0
            while index < len(segment):
                token = segment[index]
                hit = None
                if token.kind == WORD and token.text not in CONNECTOR_WORDS:
                    hit, length = self._longest_medicine_span(segment, index)
                if hit is not None:
                    hits.append(hit)
                    index += length
                    continue
                if token.kind == WORD and self._is_significant(token.text):
                    unmatched.append(token.text)
                index += 1
        return hits, tuple(dict.fromkeys(unmatched))

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

    def _medicine_result(
        self, text: str, hits: Sequence[_SpanHit], unmatched: tuple[str, ...]
    ) -> MedicineMatch:
        combined: set[frozenset[str]] = {frozenset()}
        ambiguous = False
        for hit in hits:
            ambiguous = ambiguous or len(hit.formulas) > 1
            combined = {done | set(formula) for done in combined for formula in hit.formulas}
            if len(combined) > MAX_FORMULAS:
                combined = {frozenset().union(*combined)}
        formulas = tuple(sorted(tuple(sorted(formula)) for formula in combined))
        ingredients = tuple(sorted(set().union(*combined)))
        classes: set[str] = set()
        unclassified: list[str] = []
        for ingredient in ingredients:
            found = self._classes_by_ingredient.get(ingredient)
            if found:
                classes |= found
            elif found is None and not self.pharm_classes(ingredient):
                # Fail closed only where nobody has classified the ingredient: no curated row
                # (a "none" row records a reviewed ingredient in no rule class) and no FDA
                # pharmacologic class. Rule classes were seeded from every FDA class string,
                # so an ingredient whose FDA classes map to no rule class has been checked.
                unclassified.append(ingredient)
        return MedicineMatch(
            input=text,
            status=AMBIGUOUS if ambiguous or len(formulas) > 1 else RECOGNISED,
            matched=" + ".join(hit.key for hit in hits),
            via="; ".join(dict.fromkeys(hit.via for hit in hits)),
            ingredients=ingredients,
            rule_classes=tuple(sorted(classes)),
            unclassified=tuple(unclassified),
            suggestions=(),
            formulas=formulas,
            unmatched=unmatched,
        )

    def _suggest_medicines(self, tokens: Sequence[Token]) -> tuple[str, ...]:
        """Close spellings of the entry (or of its words); never applied automatically."""
        words = [t.text for t in tokens if t.kind == WORD and self._is_significant(t.text)]
        if not words:
            return ()
        queries = [" ".join(words)[:MAX_FUZZY_QUERY_CHARS]]
        if len(words) > 1:
            queries.extend(words[:5])
        found: dict[str, float] = {}
        for query in queries:
            for name, score in self._fuzzy_medicine_names(query):
                found[name] = max(score, found.get(name, 0.0))
            if found:
                break
        ranked = sorted(found.items(), key=lambda item: (-item[1], item[0]))
        return tuple(name for name, _ in ranked[:MAX_SUGGESTIONS])

    def _fuzzy_medicine_names(self, query: str) -> list[tuple[str, float]]:
        if len(query) < MIN_SUGGESTION_QUERY_CHARS or not any(c.isalpha() for c in query):
            return []
        from rapidfuzz import fuzz, process  # noqa: PLC0415  (only needed on a miss)

        choices = self._choices_near_length(len(query))
        results = process.extract(
            query,
            choices,
            scorer=fuzz.ratio,
            score_cutoff=MEDICINE_SUGGESTION_MIN_SCORE,
            limit=MAX_SUGGESTIONS * 2,
        )
        return [(choice, float(score)) for choice, score, _ in results]

    def _choices_near_length(self, length: int) -> list[str]:
        # A ratio of 88 or more is impossible between strings whose lengths differ by
        # more than a quarter, so only keys of a similar length are compared.
        cached = self._choices_by_query_length.get(length)
        if cached is not None:
            return cached
        by_length = self._suggestion_choices()
        spread = max(2, length // 4)
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
                    slugs[self._condition_keys[key]] = None
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
        from rapidfuzz import fuzz, process  # noqa: PLC0415  (only needed on a miss)

        results = process.extract(
            query,
            list(self._condition_keys),
            scorer=fuzz.ratio,
            score_cutoff=CONDITION_SUGGESTION_MIN_SCORE,
            limit=MAX_SUGGESTIONS * 3,
        )
        labels: list[str] = []
        for key, _score, _ in results:
            label = self._concepts[self._condition_keys[key]].label
            if label not in labels:
                labels.append(label)
        return tuple(labels[:MAX_SUGGESTIONS])


def _describes_a_kind_of_medicine(tokens: Sequence[Token]) -> bool:
    """True for "water pill", "thyroid medication", "blood pressure pills" and the like."""
    words = [t.text for t in tokens if t.kind == WORD]
    if not any(word in CATEGORY_MARKER_WORDS for word in words):
        return False
    others = [w for w in words if w not in CATEGORY_MARKER_WORDS and w not in CONNECTOR_WORDS]
    return all(word in COLLOQUIAL_CATEGORY_WORDS for word in others)


def _segments(tokens: Iterable[Token]) -> list[list[Token]]:
    """Split tokens at boundaries ("/", "+", ",", brackets)."""
    segments: list[list[Token]] = [[]]
    for token in tokens:
        if token.kind == BOUNDARY:
            segments.append([])
        else:
            segments[-1].append(token)
    return [segment for segment in segments if segment]


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
    )
