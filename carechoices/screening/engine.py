"""The personal safety screen: a pure function from a request, rules and a vocabulary to a result.

``screen`` returns a typed :class:`~carechoices.screening.results.ScreenResult`; its ``to_json()``
is exactly the contract in PRODUCT.md ("The screen's contract"). The safety semantics it keeps:

* It never says "safe"; the best verdict is ``no-known-concerns``, given only when every input
  was recognised and every recognised ingredient is decided for every rule class a signal ties it
  to. An ingredient that no curated row decides is *not checked*, like an unrecognised name.
* Suggestions (fuzzy matches) are shown but never screened. Ambiguous brands and conditions are
  screened on the union of their meanings and say so in ``via``.
* The therapy itself counts: a medicine containing the therapy's own active ingredient is a
  finding, and dose rules read that medicine's strength as well as the dose given.
* A dose-limited rule is never silent: with no dose it shows as ``info`` (it may apply), and with
  a dose below its threshold as ``info`` too (it was considered and does not apply).
* Conditions that medicines imply count: an immunosuppressant implies "immunosuppressed".
* Dates are relative to ``today`` (the day of the request in the person's time zone): a stop day
  already passed, or a procedure today or tomorrow, is said plainly.

Verdict rank (``models.VERDICT_RANK``): avoid > caution > incomplete > info > no-known-concerns.
Adding an input can only add matches, so a verdict never moves down this order.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence, Set
from dataclasses import dataclass
from typing import Any, Final

from carechoices.core.records import quick_init
from carechoices.screening.models import (
    MATCH_STATUSES,
    PROCEDURE_TYPES,
    SCREENED_STATUSES,
    SEVERITIES,
    Procedure,
    ReferenceInfo,
    Rule,
    ScreenRequest,
    TherapyRules,
    Timing,
    Trigger,
    Vocabulary,
)
from carechoices.screening.results import (
    DataSource,
    Finding,
    FindingDates,
    InputReading,
    ProcedureStop,
    ScreenResult,
    TherapyResult,
    TriggeredBy,
    WaitUntilCleared,
)
from carechoices.screening.wording import days_phrase, human_date, human_date_range, mg

DISCLAIMER: Final[str] = (
    "This screen gives information, not medical advice. Before you start, stop or change "
    "any medicine or therapy, talk to your doctor or pharmacist. Anything we could not "
    "recognise was not checked, so ask your pharmacist about it."
)

RULES_SOURCE_NAME: Final[str] = "CareChoices rules"

#: The source of the "already taking its active ingredient" finding: what a product contains is
#: a fact of the FDA product data the vocabulary is built from.
FDA_PRODUCT_DATA: Final[ReferenceInfo] = ReferenceInfo(
    id="fda-product-data",
    citation=(
        "U.S. Food and Drug Administration. National Drug Code Directory and UNII Names "
        "(public-domain product and substance data; versions as listed under the screen's "
        "data sources)."
    ),
    url=None,
)

_SEVERITY_ORDER: Final[dict[str, int]] = {name: i for i, name in enumerate(SEVERITIES)}


class UnknownTherapy(ValueError):
    """The request names a therapy slug that is not among the therapies given to ``screen``."""

    def __init__(self, slug: str) -> None:
        self.slug = slug
        super().__init__(f"unknown therapy: {slug!r}")


@quick_init
@dataclass(frozen=True, order=True)
class _Hit:
    """One input that satisfied one trigger; becomes a ``triggered_by`` entry."""

    input: str
    matched: str
    via: str
    procedure: Procedure | None = dataclasses.field(default=None, compare=False)
    # Lower = more direct (the ingredient itself, the person's own condition rather than an
    # ancestor or an implication); when one input meets several ``any_of`` triggers only the
    # most direct is shown.
    rank: int = dataclasses.field(default=0, compare=False)

    def as_triggered_by(self) -> TriggeredBy:
        return TriggeredBy(self.input, self.matched, self.via)

    def as_tuple(self) -> tuple[str, str, str]:
        return (self.input, self.matched, self.via)


@quick_init
@dataclass(frozen=True)
class _Carrier:
    """A medicine entry that contains a given ingredient, with its strength when stated."""

    input: str
    matched: str
    strength_mg: float | None


@dataclass
class _Evidence:
    """What the person's inputs amount to, gathered once and shared by every therapy."""

    inputs: list[InputReading]
    not_checked: list[str]
    incomplete: bool
    hits: dict[tuple[str, str], list[_Hit]]  # (trigger kind, casefolded value) -> hits
    carriers: dict[str, list[_Carrier]]  # ingredient -> medicine entries containing it

    def mark_not_checked(self, note: str) -> None:
        """Something was not (fully) checked: list it, and no therapy may be no-known-concerns."""
        self.not_checked.append(note)
        self.incomplete = True


@dataclass(frozen=True, eq=False)
class RuleSet:
    """Therapies' rules with what every screen of all of them needs, worked out once.

    Made by :func:`prepare_rules`; the service keeps one per published content generation, so
    a request does not walk every rule to learn which triggers matter.
    """

    therapies: tuple[TherapyRules, ...]
    wanted: frozenset[tuple[str, str]]  # every trigger some rule uses, as _trigger_key gives it
    active: frozenset[str]  # the therapies' own active ingredients, casefolded
    source: tuple[tuple[str, str], ...]  # the rules' data-source entry (_rules_source_of)
    slugs: frozenset[str]
    #: Each therapy's rules with their triggers' keys (``_trigger_key``), by slug: worked out
    #: here once rather than for every rule of every therapy at each screen.
    plans: dict[str, tuple[_RulePlan, ...]]
    #: What each kept vocabulary answer means for these rules (:class:`_Reading`), by the
    #: vocabulary that keeps it: vocabulary data and rules only, never an entry's text.
    _readings: dict[int, tuple[object, dict[int, tuple[object, _Reading]]]] = dataclasses.field(
        default_factory=dict, repr=False
    )
    #: Rule sets of some of these therapies (:meth:`selection`), by their slugs.
    _selections: dict[frozenset[str], RuleSet] = dataclasses.field(default_factory=dict, repr=False)

    def readings_for(self, owner: object) -> dict[int, tuple[object, _Reading]]:
        """The readings kept for answers kept by ``owner`` (a vocabulary), by answer identity."""
        kept = self._readings.get(id(owner))
        if kept is None or kept[0] is not owner:
            kept = (owner, {})
            self._readings[id(owner)] = kept
        return kept[1]

    def selection(self, requested: Iterable[str]) -> RuleSet:
        """The rule set of the therapies ``requested`` (their slugs, in any order, repeats
        allowed), in this rule set's order: exactly what :func:`prepare_rules` gives for them.

        Raises ``UnknownTherapy`` for a slug not here, before anything is kept. Kept per
        selection (at most ``SELECTIONS_KEPT``), so a request that names its therapies does
        not prepare their rules again; the key is made of this rule set's own slug objects,
        never of anything a request holds. Asking for every therapy gives this rule set.
        """
        requested = tuple(requested)
        for slug in requested:  # the first unknown one, in the order asked
            if slug not in self.slugs:
                raise UnknownTherapy(slug)
        chosen = [therapy for therapy in self.therapies if therapy.slug in requested]
        slugs = frozenset(therapy.slug for therapy in chosen)
        if slugs == self.slugs:
            return self
        kept = self._selections.get(slugs)
        if kept is None:
            kept = prepare_rules(chosen)
            if len(self._selections) >= SELECTIONS_KEPT:
                self._selections.clear()
            self._selections[slugs] = kept
        return kept


def prepare_rules(therapies: Sequence[TherapyRules]) -> RuleSet:
    """A :class:`RuleSet` for ``therapies`` (in the order results are given); ValueError when a
    therapy is given twice."""
    therapies = tuple(therapies)
    slugs = [therapy.slug for therapy in therapies]
    if len(slugs) != len(set(slugs)):
        raise ValueError("each therapy may be given only once")
    return RuleSet(
        therapies=therapies,
        wanted=frozenset(_wanted(therapies)),
        active=frozenset(_active(therapies)),
        source=tuple(_rules_source_of(therapies).items()),
        slugs=frozenset(slugs),
        plans={therapy.slug: _rule_plans(therapy) for therapy in therapies},
    )


@quick_init
@dataclass(frozen=True)
class _RulePlan:
    """A rule with the keys of its triggers, as ``_Evidence.hits`` is keyed."""

    rule: Rule
    any_of: tuple[tuple[str, str], ...]
    all_of: tuple[tuple[str, str], ...]
    none_of: tuple[tuple[str, str], ...]


def _rule_plans(therapy: TherapyRules) -> tuple[_RulePlan, ...]:
    return tuple(
        _RulePlan(
            rule,
            tuple(_trigger_key(trigger) for trigger in rule.any_of),
            tuple(_trigger_key(trigger) for trigger in rule.all_of),
            tuple(_trigger_key(trigger) for trigger in rule.none_of),
        )
        for rule in therapy.rules
    )


def _wanted(therapies: Iterable[TherapyRules]) -> set[tuple[str, str]]:
    return {
        _trigger_key(trigger)
        for therapy in therapies
        for rule in therapy.rules
        for trigger in rule.any_of + rule.all_of + rule.none_of
    }


def _active(therapies: Iterable[TherapyRules]) -> set[str]:
    return {ingredient.casefold() for therapy in therapies for ingredient in therapy.active_ingredients}


def screen(
    request: ScreenRequest,
    therapies: Sequence[TherapyRules] | RuleSet,
    vocabulary: Vocabulary,
    *,
    today: datetime.date,
) -> ScreenResult:
    """Screen a person's medicines, conditions and procedures against each therapy's rules.

    ``therapies`` (rules, or a :class:`RuleSet` of them) gives the order of the result;
    ``request.therapies`` (None = all) selects from it. ``today`` is the day of the request in
    the person's time zone, passed in so dates are reproducible. Raises ``UnknownTherapy`` when
    the request names a slug not in ``therapies``; unknown medicines or conditions never raise.
    """
    rule_set = therapies if isinstance(therapies, RuleSet) else prepare_rules(therapies)
    applied = rule_set if request.therapies is None else rule_set.selection(request.therapies)
    selected = applied.therapies
    source = dict(applied.source)
    # The evidence is gathered for every therapy's triggers, through the whole rule set's kept
    # readings, whichever therapies were asked for: a rule looks up only its own triggers' keys
    # and its own therapy's active ingredients, so hits no selected rule uses change nothing,
    # and the readings are kept once per rule set rather than once per selection.
    evidence = _gather_evidence(request, vocabulary, rule_set.wanted, rule_set.active, rule_set)
    results = tuple(
        _screen_therapy(
            therapy, applied.plans[therapy.slug], evidence, dose_mg=request.dose_mg, today=today
        )
        for therapy in selected
    )
    data_sources = [
        DataSource(*(str(source.get(key, "")) for key in ("name", "version", "date")))
        for source in vocabulary.data_sources()
    ]
    data_sources.append(DataSource(**source))
    for therapy in selected:
        if not therapy.rules_reviewed:
            evidence.not_checked.append(
                f"{therapy.name}: interactions and contraindications not yet reviewed"
            )
    return ScreenResult(
        therapies=results,
        inputs=tuple(evidence.inputs),
        not_checked=tuple(evidence.not_checked),
        data_sources=tuple(data_sources),
        disclaimer=DISCLAIMER,
        today=today,
    )


# --------------------------------------------------------------------------------------------
# Reading the inputs
# --------------------------------------------------------------------------------------------


def _trigger_key(trigger: Trigger) -> tuple[str, str]:
    # Editors may write "Rituximab" while the vocabulary says "rituximab".
    return (trigger.kind, trigger.value.casefold())


def _unique(items: Iterable[Any]) -> Sequence[Any]:
    """Items in the order given, each once (exact equality: what the person typed)."""
    if isinstance(items, tuple) and len(items) < 2:
        return items  # most of a medicine's classes, ingredients and implications: none or one
    return list(dict.fromkeys(items))


def _procedure_label(procedure: Procedure) -> str:
    if procedure.date is None:
        return procedure.type
    return f"{procedure.type} on {procedure.date.isoformat()}"


def _gather_evidence(
    request: ScreenRequest,
    vocabulary: Vocabulary,
    wanted: Set[tuple[str, str]],
    active: Set[str],
    rule_set: RuleSet | None = None,
) -> _Evidence:
    """Look every distinct input up once; keep only hits for triggers some rule uses."""
    evidence = _Evidence(
        inputs=[], not_checked=[], incomplete=False, hits=defaultdict(list), carriers={}
    )
    _read_medicines(request.medicines, vocabulary, wanted, active, evidence, rule_set)
    _read_conditions(request.conditions, vocabulary, wanted, evidence)
    _read_procedures(request.procedures, wanted, evidence)
    evidence.hits = dict(evidence.hits)  # later lookups of absent keys must not add entries
    return evidence


#: Readings kept per rule set and vocabulary; past this many (a rare vocabulary churn), the
#: kept ones are dropped and worked out again.
READINGS_KEPT: Final = 4096
#: Selections of therapies kept per rule set (:meth:`RuleSet.selection`); past this many, the
#: kept ones are dropped and prepared again.
SELECTIONS_KEPT: Final = 64


@quick_init
@dataclass(frozen=True)
class _Reading:
    """What one medicine answer contributes to the evidence, apart from the entry's own text.

    ``notes`` are the not-checked notes as the text around the entry (before, after); ``hits``
    are ``(trigger key, via, rank)``; ``carriers`` are ``(casefolded ingredient, strength)``.
    """

    status: str
    screened: bool
    suggestions: tuple[str, ...]
    ingredients: tuple[str, ...]
    matched: str
    via: str
    notes: tuple[tuple[str, str], ...]
    hits: tuple[tuple[tuple[str, str], str, int], ...]
    carriers: tuple[tuple[str, float | None], ...]


def _read_medicines(
    medicines: Iterable[str],
    vocabulary: Vocabulary,
    wanted: Set[tuple[str, str]],
    active: Set[str],
    evidence: _Evidence,
    rule_set: RuleSet | None = None,
) -> None:
    """Each entry's answer, as evidence. With ``rule_set`` (whose ``wanted`` and ``active``
    these are), an answer the vocabulary keeps for a known name is read for the rules once
    and kept beside them (:meth:`RuleSet.readings_for`), so an entry of it costs only its
    own text; any other answer is read afresh, by the same :func:`_medicine_reading`."""
    ingredient_classes = _IngredientClasses(vocabulary)
    lookup_kept = getattr(vocabulary, "lookup_medicine_kept", None) if rule_set else None
    owner = getattr(lookup_kept, "__self__", None)
    readings = rule_set.readings_for(owner) if rule_set and owner is not None else None
    for text in _unique(medicines):
        if readings is not None:
            match, kept = lookup_kept(text)  # type: ignore[misc]
            if kept is not None:
                entry = readings.get(id(kept))
                if entry is None or entry[0] is not kept:
                    entry = (kept, _medicine_reading(kept, wanted, active, ingredient_classes))
                    if len(readings) >= READINGS_KEPT:
                        readings.clear()
                    readings[id(kept)] = entry
                _add_reading(text, entry[1], evidence)
                continue
        else:
            match = vocabulary.lookup_medicine(text)
        _add_reading(text, _medicine_reading(match, wanted, active, ingredient_classes), evidence)


def _medicine_reading(
    match: Any,
    wanted: Set[tuple[str, str]],
    active: Set[str],
    ingredient_classes: _IngredientClasses,
) -> _Reading:
    """What ``match`` means for the rules (``wanted`` triggers, ``active`` ingredients)."""
    # Fail closed: a status the engine does not know counts as not recognised.
    status = match.status if match.status in MATCH_STATUSES else "unrecognised"
    if status not in SCREENED_STATUSES:
        return _Reading(status, False, tuple(match.suggestions), (), "", "", (), (), ())
    notes: list[tuple[str, str]] = []
    if not match.ingredients:
        notes.append(("'", "' was recognised but has no ingredient list"))
    for ingredient in match.unclassified:
        notes.append((f"ingredient {ingredient} (in '", "') is not classified"))
    for undecided in getattr(match, "undecided", ()):
        notes.append(
            (
                f"ingredient {undecided.ingredient} (in '",
                f"') may belong to the class {undecided.rule_class}, which our reviewers "
                "have not yet decided",
            )
        )
    # Part of the text matched nothing (e.g. "hydrocodon/APAP"): that part was not checked.
    for word in getattr(match, "unmatched", ()):
        notes.append((f"'{word}' (in '", "') was not recognised"))
    hits: list[tuple[tuple[str, str], str, int]] = []
    how = _how(match.via, "every formula" if status == "ambiguous" else "")
    for rule_class in _unique(match.rule_classes):
        key = ("medicine_class", rule_class.casefold())
        if key in wanted:
            carriers = ingredient_classes.carriers(match.ingredients, rule_class)
            hits.append((key, f"{carriers} in class {rule_class} {how}", 1))
    strengths = dict(getattr(match, "strengths_mg", ()))
    carried: list[tuple[str, float | None]] = []
    for ingredient in _unique(match.ingredients):
        key = ("ingredient", ingredient.casefold())
        if key in wanted:
            hits.append((key, f"ingredient {ingredient} {how}", 0))
        if ingredient.casefold() in active:
            carried.append((ingredient.casefold(), strengths.get(ingredient)))
    for concept in _unique(getattr(match, "implied_conditions", ())):
        key = ("condition", concept.casefold())
        if key in wanted:
            hits.append((key, f"condition {concept}, implied by the medicine {how}", 50))
    return _Reading(
        status,
        True,
        (),
        tuple(match.ingredients),
        match.matched,
        match.via,
        tuple(notes),
        tuple(hits),
        tuple(carried),
    )


def _add_reading(text: str, reading: _Reading, evidence: _Evidence) -> None:
    """The entry ``text``, read as ``reading``, into the evidence."""
    if not reading.screened:
        evidence.inputs.append(
            InputReading(text, "medicine", reading.status, (), reading.suggestions)
        )
        evidence.mark_not_checked(text)
        return
    notes = tuple(before + text + after for before, after in reading.notes)
    for note in notes:
        evidence.mark_not_checked(note)
    matched = reading.matched
    evidence.inputs.append(
        InputReading(
            text,
            "medicine",
            reading.status,
            reading.ingredients,
            (),
            matched=matched,
            via=reading.via,
            not_checked=notes,
        )
    )
    for key, via, rank in reading.hits:
        evidence.hits[key].append(_Hit(text, matched, via, rank=rank))
    for ingredient, strength in reading.carriers:
        evidence.carriers.setdefault(ingredient, []).append(_Carrier(text, matched, strength))


def _read_conditions(
    conditions: Iterable[str],
    vocabulary: Vocabulary,
    wanted: Set[tuple[str, str]],
    evidence: _Evidence,
) -> None:
    for text in _unique(conditions):
        condition = vocabulary.lookup_condition(text)
        status = condition.status if condition.status in MATCH_STATUSES else "unrecognised"
        # A condition with no concept cannot be checked against any rule.
        screened = status in SCREENED_STATUSES and bool(condition.concepts)
        unmatched = tuple(getattr(condition, "unmatched", ()))
        notes = [f"'{word}' (in '{text}') was not recognised" for word in unmatched]
        evidence.inputs.append(
            InputReading(
                text,
                "condition",
                status if screened else ("unrecognised" if status in SCREENED_STATUSES else status),
                tuple(condition.concepts) if screened else (),
                tuple(condition.suggestions),
                matched=condition.matched if screened else "",
                via=condition.via if screened else "",
                not_checked=tuple(notes) if screened else (),
            )
        )
        if not screened:
            evidence.mark_not_checked(text)
            continue
        for note in notes:
            evidence.mark_not_checked(note)
        how = _how(condition.via, "every meaning" if status == "ambiguous" else "")
        own = condition.concepts[0]
        for depth, concept in enumerate(_unique(condition.concepts)):
            key = ("condition", concept.casefold())
            if key in wanted:
                what = f"condition {own}" if concept == own else f"{own}, a kind of {concept}"
                hit = _Hit(text, condition.matched, f"{what} {how}", rank=depth)
                evidence.hits[key].append(hit)
        for concept in _unique(getattr(condition, "implied", ())):
            key = ("condition", concept.casefold())
            if key in wanted:
                hit = _Hit(text, condition.matched, f"condition {concept}, implied by {own} {how}", rank=50)
                evidence.hits[key].append(hit)


def _read_procedures(
    procedures: Iterable[Procedure], wanted: Set[tuple[str, str]], evidence: _Evidence
) -> None:
    for procedure in _unique(procedures):
        label = _procedure_label(procedure)
        known = procedure.type in PROCEDURE_TYPES
        evidence.inputs.append(
            InputReading(
                label,
                "procedure",
                "recognised" if known else "unrecognised",
                matched=procedure.type if known else "",
                via="planned procedure" if known else "",
                procedure_date=procedure.date,
            )
        )
        if not known:
            evidence.mark_not_checked(label)
            continue
        key = ("procedure", procedure.type.casefold())
        if key in wanted:
            via = f"planned procedure of type {procedure.type}"
            evidence.hits[key].append(_Hit(label, procedure.type, via, procedure))


def _how(via: str, ambiguous_over: str) -> str:
    """The bracketed end of a ``via`` text: how the vocabulary matched, and any ambiguity."""
    how = via or "vocabulary match"
    if ambiguous_over:
        how += f"; ambiguous, screened on {ambiguous_over}"
    return f"({how})"


class _IngredientClasses:
    """Says which ingredients of a combination put it in a class, asking the vocabulary once each."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self._vocabulary = vocabulary
        self._classes: dict[str, frozenset[str]] = {}

    def _classes_of(self, ingredient: str) -> frozenset[str]:
        if ingredient not in self._classes:
            # A vocabulary may remember the answer for its own ingredient names (the shared
            # one does); any other is asked through a lookup, once per screen.
            remembered = getattr(self._vocabulary, "ingredient_rule_classes", None)
            if remembered is not None:
                self._classes[ingredient] = remembered(ingredient)
            else:
                match = self._vocabulary.lookup_medicine(ingredient)
                # Only an exact recognition may attribute a class; never a suggestion.
                recognised = match.status == "recognised"
                self._classes[ingredient] = frozenset(match.rule_classes if recognised else ())
        return self._classes[ingredient]

    def carriers(self, ingredients: tuple[str, ...], rule_class: str) -> str:
        """Words naming the ingredient(s) that carry ``rule_class``, for a ``via`` text."""
        if len(ingredients) == 1:
            return f"ingredient {ingredients[0]}"
        carrying = [i for i in ingredients if rule_class in self._classes_of(i)]
        if len(carrying) == 1:
            return f"ingredient {carrying[0]}"
        if carrying:
            return "ingredients " + " + ".join(carrying)
        # The medicine is in the class but no single ingredient could be named.
        return "combination of " + " + ".join(ingredients)


# --------------------------------------------------------------------------------------------
# Applying one therapy's rules
# --------------------------------------------------------------------------------------------


def _screen_therapy(
    therapy: TherapyRules,
    plans: Sequence[_RulePlan],
    evidence: _Evidence,
    *,
    dose_mg: float | None,
    today: datetime.date,
) -> TherapyResult:
    """``therapy``'s verdict and findings; ``plans`` are its rules (``_rule_plans``)."""
    findings: list[tuple[tuple[int, str, datetime.date], Finding]] = []
    for finding in _same_ingredient_findings(therapy, evidence):
        findings.append(((_SEVERITY_ORDER[finding.severity], finding.rule, datetime.date.max), finding))
    for plan in plans:
        hits = _matching_hits(plan, evidence)
        if hits is None:
            continue
        rule = plan.rule
        for procedure, group in _split_by_procedure(rule, hits):
            finding = _finding(rule, therapy, group, procedure, evidence, dose_mg=dose_mg, today=today)
            # Undated procedures sort after dated ones (date.max).
            when = procedure.date if procedure and procedure.date else datetime.date.max
            sort_key = (_SEVERITY_ORDER[finding.severity], rule.rule_id, when)
            findings.append((sort_key, finding))
    findings.sort(key=lambda pair: pair[0])
    ordered = tuple(finding for _, finding in findings)
    return TherapyResult(
        therapy=therapy.slug,
        name=therapy.name,
        verdict=_verdict(ordered, evidence.incomplete or not therapy.rules_reviewed),
        findings=ordered,
    )


def _matching_hits(plan: _RulePlan, evidence: _Evidence) -> list[_Hit] | None:
    """All hits that make the plan's rule fire, or None when it does not fire."""
    found = evidence.hits
    met = [hit for key in plan.any_of if key in found for hit in found[key]]
    if not met:
        return None  # the rule's usual answer: nothing the person gave is one of its triggers
    hits = _most_direct(met)
    for key in plan.all_of:
        required = found.get(key)
        if not required:
            return None
        hits.extend(required)
    if any(found.get(key) for key in plan.none_of):
        return None
    return hits


def _most_direct(hits: list[_Hit]) -> list[_Hit]:
    """One hit per input (and procedure): the most direct, ties broken by text for determinism."""
    best: dict[tuple[str, Procedure | None], _Hit] = {}
    for hit in hits:
        key = (hit.input, hit.procedure)
        current = best.get(key)
        if current is None or (hit.rank, hit.as_tuple()) < (current.rank, current.as_tuple()):
            best[key] = hit
    return list(best.values())


def _split_by_procedure(rule: Rule, hits: list[_Hit]) -> list[tuple[Procedure | None, list[_Hit]]]:
    """One group per planned procedure for stop-before-procedure rules, else a single group.

    Two surgeries on different dates need two stop dates, so each gets its own finding.
    """
    if rule.timing is None or rule.timing.kind != "stop-before-procedure":
        return [(None, hits)]
    procedures = _unique(hit.procedure for hit in hits if hit.procedure is not None)
    others = [hit for hit in hits if hit.procedure is None]
    if not procedures:
        return [(None, hits)]
    return [
        (procedure, others + [hit for hit in hits if hit.procedure == procedure])
        for procedure in procedures
    ]


def _same_ingredient_findings(therapy: TherapyRules, evidence: _Evidence) -> list[Finding]:
    """A medicine that already contains the therapy's active ingredient is a finding."""
    findings = []
    for ingredient in therapy.active_ingredients:
        carriers = evidence.carriers.get(ingredient.casefold(), [])
        if not carriers:
            continue
        named = "; ".join(
            f"'{c.input}'" + (f" ({mg(c.strength_mg)} a unit)" if c.strength_mg else "")
            for c in carriers
        )
        findings.append(
            Finding(
                severity="caution",
                rule=f"already-taking-{_slug(ingredient)}",
                title=f"You may already take {ingredient}",
                summary=(
                    f"{named} contains {ingredient}, the active ingredient of {therapy.name}. "
                    "You may already be taking it, possibly at a different dose."
                ),
                detail=(
                    f"The medicine list includes a product containing {ingredient} ({named}). "
                    f"Starting {therapy.name} would add a second source of the same ingredient; "
                    "dose-dependent cautions of this review were checked against the strengths "
                    "entered."
                ),
                action=(
                    f"Tell whoever prescribes {' and '.join(repr(c.input) for c in carriers)} before "
                    f"starting {therapy.name}, and do not take both unless they agree."
                ),
                triggered_by=tuple(
                    sorted(
                        TriggeredBy(
                            c.input,
                            c.matched,
                            f"contains {ingredient}, this therapy's active ingredient"
                            + (f", {mg(c.strength_mg)} a unit as entered" if c.strength_mg else ""),
                        )
                        for c in carriers
                    )
                ),
                references=(FDA_PRODUCT_DATA,),
            )
        )
    return findings


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "ingredient"


@dataclass(frozen=True)
class _DoseCheck:
    """Whether a dose-limited rule's threshold is met by what the person gave us."""

    met: tuple[TriggeredBy, ...]  # the doses at or above the threshold
    known: bool  # every dose that matters is known (the dose given, each product's strength)
    below: tuple[str, ...]  # plain words for the known doses below the threshold


def _check_dose(
    threshold: float, therapy: TherapyRules, evidence: _Evidence, dose_mg: float | None
) -> _DoseCheck:
    met: list[TriggeredBy] = []
    below: list[str] = []
    known = dose_mg is not None
    if dose_mg is not None:
        if dose_mg >= threshold:
            met.append(TriggeredBy(mg(dose_mg), "dose_mg", f"the dose of {therapy.name} given"))
        else:
            below.append(f"the dose you gave ({mg(dose_mg)})")
    for ingredient in therapy.active_ingredients:
        for carrier in evidence.carriers.get(ingredient.casefold(), []):
            if carrier.strength_mg is None:
                known = False
            elif carrier.strength_mg >= threshold:
                met.append(
                    TriggeredBy(
                        carrier.input,
                        carrier.matched,
                        f"{ingredient} {mg(carrier.strength_mg)} a unit as entered, at or above "
                        f"the {mg(threshold)} this rule concerns",
                    )
                )
            else:
                below.append(f"'{carrier.input}' ({mg(carrier.strength_mg)})")
    return _DoseCheck(tuple(met), known, tuple(below))


def _finding(
    rule: Rule,
    therapy: TherapyRules,
    hits: list[_Hit],
    procedure: Procedure | None,
    evidence: _Evidence,
    *,
    dose_mg: float | None,
    today: datetime.date,
) -> Finding:
    severity, summary, action = rule.severity, rule.summary, rule.action
    triggered = [hit.as_triggered_by() for hit in hits]
    if rule.min_dose_mg is not None:
        threshold = mg(rule.min_dose_mg)
        check = _check_dose(rule.min_dose_mg, therapy, evidence, dose_mg)
        if check.met:
            triggered.extend(check.met)
        elif check.known:
            # Shown, not silent: the rule was considered and its dose is not reached.
            severity = "info"
            summary = (
                f"Considered: this concerns {threshold} or more, and "
                f"{' and '.join(check.below)} is below that. {summary}"
            )
            action = f"Nothing to do at your dose; tell your prescriber if it reaches {threshold}."
        else:
            # Fail-safe: without a dose we cannot rule the dose-limited concern out, so show it.
            severity = "info"
            summary = (
                f"This applies only at a dose of {threshold} or more, and no dose was given. {summary}"
            )
            action = f"If your dose is {threshold} or more: {action} Below {threshold} it does not apply."
    dates: FindingDates | None = None
    if rule.timing is not None:
        dates, timing_words = _timing(rule.timing, procedure, today)
        action = f"{action} {timing_words}"
    return Finding(
        severity=severity,
        rule=rule.rule_id,
        title=rule.title,
        summary=summary,
        detail=rule.detail,
        action=action,
        dates=dates,
        triggered_by=tuple(sorted(set(triggered))),
        references=rule.references,
    )


def _timing(
    timing: Timing, procedure: Procedure | None, today: datetime.date
) -> tuple[FindingDates | None, str]:
    """The typed ``dates`` of a finding and a sentence for its action."""
    restart = f" Restart: {timing.restart}." if timing.restart else ""
    if timing.kind == "wait-until-cleared":
        dates = WaitUntilCleared(timing.min_days, timing.max_days, timing.wean_for)
        words = (
            "No source says how long this takes for any particular medicine, so ask your "
            "prescriber when you may start."
        )
        return dates, words + restart
    # stop-before-procedure
    span = days_phrase(timing.min_days, timing.max_days)
    if procedure is None or procedure.date is None:
        kind = procedure.type if procedure is not None else "procedure"
        words = (
            f"Stop {span} before the {kind}; no date was given, so no calendar "
            f"dates could be worked out.{restart}"
        )
        return None, words
    stop = ProcedureStop(
        procedure=procedure.type,
        procedure_date=procedure.date,
        min_days=timing.min_days,
        max_days=timing.max_days,
        restart=timing.restart,
        today=today,
    )
    on = human_date(procedure.date)
    if stop.procedure_passed:
        return stop, (
            f"Stop {span} before {procedure.type}. The date given ({on}) is in the past; please "
            f"check it.{restart}"
        )
    window = human_date_range(stop.stop_from, stop.stop_no_later_than)
    words = f"Stop {'on' if stop.stop_from == stop.stop_no_later_than else 'between'} {window} ({span} before {procedure.type} on {on}).{restart}"
    if stop.days_until_procedure == 0:
        words += (
            f" Your {procedure.type} is today, so the days to stop have passed: tell your "
            "surgical team before the operation that you take it."
        )
    elif stop.stop_passed:
        words += (
            f" That day has already passed ({procedure.type} {'tomorrow' if stop.soon else 'on ' + on}): "
            "do not take another dose, and tell your surgical team that you take it."
        )
    elif stop.stop_from < today:
        words += (
            f" Your {procedure.type} is {'tomorrow' if stop.soon else 'on ' + on}, so the earlier "
            "stop day has passed: stop today at the latest and tell your surgical team."
        )
    elif stop.soon:
        words += f" Your {procedure.type} is tomorrow: tell your surgical team that you take it."
    return stop, words


def _verdict(findings: Sequence[Finding], incomplete: bool) -> str:
    severities = {finding.severity for finding in findings}
    for severity in ("avoid", "caution"):
        if severity in severities:
            return severity
    if incomplete:
        return "incomplete"
    return "info" if findings else "no-known-concerns"


# --------------------------------------------------------------------------------------------
# Where the rules come from
# --------------------------------------------------------------------------------------------


def _rules_source_of(therapies: tuple[TherapyRules, ...]) -> dict[str, str]:
    """A fresh copy of the rules' data-source entry (the cached dict is shared between calls)."""
    try:
        return dict(_rules_source(therapies))
    except TypeError:  # rules built with lists instead of tuples cannot be hashed for the cache
        return _rules_source.__wrapped__(therapies)


@functools.lru_cache(maxsize=64)
def _rules_source(therapies: tuple[TherapyRules, ...]) -> dict[str, str]:
    """The rules as a data source: a fingerprint of their content and the latest review date."""
    content = json.dumps(
        [dataclasses.asdict(therapy) for therapy in therapies], sort_keys=True, default=str
    )
    fingerprint = hashlib.sha256(content.encode("utf-8")).hexdigest()[:12]
    dates = [therapy.updated for therapy in therapies if therapy.updated is not None]
    return {
        "name": RULES_SOURCE_NAME,
        "version": fingerprint,
        "date": max(dates).isoformat() if dates else "",
    }
