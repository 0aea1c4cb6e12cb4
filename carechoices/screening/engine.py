"""The personal safety screen: a pure function from a request, rules and a vocabulary to JSON.

``screen`` returns exactly the contract in PRODUCT.md ("The screen's contract"). The safety
semantics it keeps:

* It never says "safe"; the best verdict is ``no-known-concerns``, given only when every input
  was recognised and every recognised ingredient has been classified.
* Suggestions (fuzzy matches) are shown but never screened. Ambiguous brands are screened on
  the union of their ingredients and say so in ``via``.
* A dose-limited rule with no dose given still shows, as ``info`` (fail-safe, never dropped).

Verdict rank (``models.VERDICT_RANK``): avoid > caution > incomplete > info > no-known-concerns.
Adding an input can only add matches, so a verdict never moves down this order.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from carechoices.screening.models import (
    MATCH_STATUSES,
    PROCEDURE_TYPES,
    SCREENED_STATUSES,
    SEVERITIES,
    Procedure,
    Rule,
    ScreenRequest,
    TherapyRules,
    Timing,
    Trigger,
    Vocabulary,
)

DISCLAIMER: Final[str] = (
    "This screen gives information, not medical advice. Before you start, stop or change "
    "any medicine or therapy, talk to your doctor or pharmacist. Anything we could not "
    "recognise was not checked, so ask your pharmacist about it."
)

RULES_SOURCE_NAME: Final[str] = "CareChoices rules"

_SEVERITY_ORDER: Final[dict[str, int]] = {name: i for i, name in enumerate(SEVERITIES)}


class UnknownTherapy(ValueError):
    """The request names a therapy slug that is not among the therapies given to ``screen``."""

    def __init__(self, slug: str) -> None:
        self.slug = slug
        super().__init__(f"unknown therapy: {slug!r}")


@dataclass(frozen=True, order=True)
class _Hit:
    """One input that satisfied one trigger; becomes a ``triggered_by`` entry."""

    input: str
    matched: str
    via: str
    procedure: Procedure | None = dataclasses.field(default=None, compare=False)
    # Lower = more direct (the ingredient itself, the person's own condition rather than an
    # ancestor); when one input meets several ``any_of`` triggers only the most direct is shown.
    rank: int = dataclasses.field(default=0, compare=False)

    def as_json(self) -> dict[str, str]:
        return {"input": self.input, "matched": self.matched, "via": self.via}

    def as_tuple(self) -> tuple[str, str, str]:
        return (self.input, self.matched, self.via)


@dataclass
class _Evidence:
    """What the person's inputs amount to, gathered once and shared by every therapy."""

    inputs: list[dict[str, Any]]
    not_checked: list[str]
    incomplete: bool
    hits: dict[tuple[str, str], list[_Hit]]  # (trigger kind, casefolded value) -> hits

    def for_trigger(self, trigger: Trigger) -> list[_Hit]:
        return self.hits.get(_trigger_key(trigger), [])

    def add_input(
        self, text: str, kind: str, status: str, ingredients: list[str], suggestions: list[str]
    ) -> None:
        self.inputs.append(
            {
                "input": text,
                "kind": kind,
                "status": status,
                "ingredients": ingredients,
                "suggestions": suggestions,
            }
        )

    def mark_not_checked(self, note: str) -> None:
        """Something was not (fully) checked: list it, and no therapy may be no-known-concerns."""
        self.not_checked.append(note)
        self.incomplete = True


def screen(
    request: ScreenRequest,
    therapies: Sequence[TherapyRules],
    vocabulary: Vocabulary,
    *,
    today: datetime.date,
) -> dict[str, Any]:
    """Screen a person's medicines, conditions and procedures against each therapy's rules.

    ``therapies`` gives the order of the result; ``request.therapies`` (None = all) selects from
    it. ``today`` is passed in so dates are reproducible. Raises ``UnknownTherapy`` when the
    request names a slug not in ``therapies``; unknown medicines or conditions never raise.
    """
    selected = _select_therapies(request.therapies, therapies)
    wanted = {
        _trigger_key(trigger)
        for therapy in selected
        for rule in therapy.rules
        for trigger in rule.any_of + rule.all_of
    }
    evidence = _gather_evidence(request, vocabulary, wanted)
    results = [
        _screen_therapy(therapy, evidence, dose_mg=request.dose_mg, today=today)
        for therapy in selected
    ]
    data_sources = [
        {key: str(source.get(key, "")) for key in ("name", "version", "date")}
        for source in vocabulary.data_sources()
    ]
    data_sources.append(_rules_source_of(tuple(selected)))
    for therapy in selected:
        if not therapy.rules_reviewed:
            evidence.not_checked.append(
                f"{therapy.name}: interactions and contraindications not yet reviewed"
            )
    return {
        "therapies": results,
        "inputs": evidence.inputs,
        "coverage": {"unrecognised": evidence.not_checked, "data_sources": data_sources},
        "disclaimer": DISCLAIMER,
    }


# --------------------------------------------------------------------------------------------
# Selecting therapies
# --------------------------------------------------------------------------------------------


def _select_therapies(
    requested: tuple[str, ...] | None, therapies: Sequence[TherapyRules]
) -> list[TherapyRules]:
    slugs = [therapy.slug for therapy in therapies]
    if len(slugs) != len(set(slugs)):
        raise ValueError("each therapy may be given only once")
    if requested is None:
        return list(therapies)
    known = set(slugs)
    for slug in requested:
        if slug not in known:
            raise UnknownTherapy(slug)
    wanted = set(requested)
    return [therapy for therapy in therapies if therapy.slug in wanted]


# --------------------------------------------------------------------------------------------
# Reading the inputs
# --------------------------------------------------------------------------------------------


def _trigger_key(trigger: Trigger) -> tuple[str, str]:
    # Editors may write "Rituximab" while the vocabulary says "rituximab".
    return (trigger.kind, trigger.value.casefold())


def _unique(items: Iterable[Any]) -> list[Any]:
    """Items in the order given, each once (exact equality: what the person typed)."""
    return list(dict.fromkeys(items))


def _procedure_label(procedure: Procedure) -> str:
    if procedure.date is None:
        return procedure.type
    return f"{procedure.type} on {procedure.date.isoformat()}"


def _gather_evidence(
    request: ScreenRequest, vocabulary: Vocabulary, wanted: set[tuple[str, str]]
) -> _Evidence:
    """Look every distinct input up once; keep only hits for triggers some rule uses."""
    evidence = _Evidence(inputs=[], not_checked=[], incomplete=False, hits=defaultdict(list))
    _read_medicines(request.medicines, vocabulary, wanted, evidence)
    _read_conditions(request.conditions, vocabulary, wanted, evidence)
    _read_procedures(request.procedures, wanted, evidence)
    evidence.hits = dict(evidence.hits)  # later lookups of absent keys must not add entries
    return evidence


def _read_medicines(
    medicines: Iterable[str],
    vocabulary: Vocabulary,
    wanted: set[tuple[str, str]],
    evidence: _Evidence,
) -> None:
    ingredient_classes = _IngredientClasses(vocabulary)
    for text in _unique(medicines):
        match = vocabulary.lookup_medicine(text)
        # Fail closed: a status the engine does not know counts as not recognised.
        status = match.status if match.status in MATCH_STATUSES else "unrecognised"
        screened = status in SCREENED_STATUSES
        evidence.add_input(
            text,
            "medicine",
            status,
            list(match.ingredients) if screened else [],
            list(match.suggestions),
        )
        if not screened:
            evidence.mark_not_checked(text)
            continue
        if not match.ingredients:
            evidence.mark_not_checked(f"'{text}' was recognised but has no ingredient list")
        for ingredient in match.unclassified:
            evidence.mark_not_checked(f"ingredient {ingredient} (in '{text}') is not classified")
        # Part of the text matched nothing (e.g. "hydrocodon/APAP"): that part was not checked.
        for word in getattr(match, "unmatched", ()):
            evidence.mark_not_checked(f"'{word}' (in '{text}') was not recognised")
        how = _how(match.via, "every formula" if status == "ambiguous" else "")
        for rule_class in _unique(match.rule_classes):
            key = ("medicine_class", rule_class.casefold())
            if key in wanted:
                carriers = ingredient_classes.carriers(match.ingredients, rule_class)
                via = f"{carriers} in class {rule_class} {how}"
                evidence.hits[key].append(_Hit(text, match.matched, via, rank=1))
        for ingredient in _unique(match.ingredients):
            key = ("ingredient", ingredient.casefold())
            if key in wanted:
                via = f"ingredient {ingredient} {how}"
                evidence.hits[key].append(_Hit(text, match.matched, via))


def _read_conditions(
    conditions: Iterable[str],
    vocabulary: Vocabulary,
    wanted: set[tuple[str, str]],
    evidence: _Evidence,
) -> None:
    for text in _unique(conditions):
        condition = vocabulary.lookup_condition(text)
        status = condition.status if condition.status in MATCH_STATUSES else "unrecognised"
        # A condition with no concept cannot be checked against any rule.
        screened = status in SCREENED_STATUSES and bool(condition.concepts)
        evidence.add_input(
            text,
            "condition",
            status,
            list(condition.concepts) if screened else [],
            list(condition.suggestions),
        )
        if not screened:
            evidence.mark_not_checked(text)
            continue
        how = _how(condition.via, "every meaning" if status == "ambiguous" else "")
        own = condition.concepts[0]
        for depth, concept in enumerate(_unique(condition.concepts)):
            key = ("condition", concept.casefold())
            if key in wanted:
                what = f"condition {own}" if concept == own else f"{own}, a kind of {concept}"
                hit = _Hit(text, condition.matched, f"{what} {how}", rank=depth)
                evidence.hits[key].append(hit)


def _read_procedures(
    procedures: Iterable[Procedure], wanted: set[tuple[str, str]], evidence: _Evidence
) -> None:
    for procedure in _unique(procedures):
        label = _procedure_label(procedure)
        known = procedure.type in PROCEDURE_TYPES
        evidence.add_input(label, "procedure", "recognised" if known else "unrecognised", [], [])
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
    therapy: TherapyRules, evidence: _Evidence, *, dose_mg: float | None, today: datetime.date
) -> dict[str, Any]:
    findings: list[tuple[tuple[int, str, datetime.date], dict[str, Any]]] = []
    for rule in therapy.rules:
        hits = _matching_hits(rule, evidence)
        if hits is None:
            continue
        if rule.min_dose_mg is not None and dose_mg is not None and dose_mg < rule.min_dose_mg:
            continue  # the person's dose is below the dose this rule is about
        for procedure, group in _split_by_procedure(rule, hits):
            finding = _finding(rule, group, procedure, dose_mg=dose_mg, today=today)
            # Undated procedures sort after dated ones (date.max).
            when = procedure.date if procedure and procedure.date else datetime.date.max
            sort_key = (_SEVERITY_ORDER[finding["severity"]], rule.rule_id, when)
            findings.append((sort_key, finding))
    findings.sort(key=lambda pair: pair[0])
    ordered = [finding for _, finding in findings]
    return {
        "therapy": therapy.slug,
        "name": therapy.name,
        "verdict": _verdict(ordered, evidence.incomplete or not therapy.rules_reviewed),
        "findings": ordered,
    }


def _matching_hits(rule: Rule, evidence: _Evidence) -> list[_Hit] | None:
    """All hits that make ``rule`` fire, or None when it does not fire."""
    hits = _most_direct([hit for trigger in rule.any_of for hit in evidence.for_trigger(trigger)])
    if not hits:
        return None
    for trigger in rule.all_of:
        required = evidence.for_trigger(trigger)
        if not required:
            return None
        hits.extend(required)
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


def _finding(
    rule: Rule,
    hits: list[_Hit],
    procedure: Procedure | None,
    *,
    dose_mg: float | None,
    today: datetime.date,
) -> dict[str, Any]:
    severity, summary, action = rule.severity, rule.summary, rule.action
    if rule.min_dose_mg is not None and dose_mg is None:
        # Fail-safe: without a dose we cannot rule the dose-limited concern out, so show it.
        threshold = f"{rule.min_dose_mg:g} mg"
        severity = "info"
        summary = (
            f"This applies only at a dose of {threshold} or more, and no dose was given. {summary}"
        )
        action = (
            f"If your dose is {threshold} or more: {action} Below {threshold} it does not apply."
        )
    dates: dict[str, Any] = {}
    if rule.timing is not None:
        dates, timing_words = _timing(rule.timing, procedure, today)
        action = f"{action} {timing_words}"
    return {
        "severity": severity,
        "rule": rule.rule_id,
        "summary": summary,
        "detail": rule.detail,
        "action": action,
        "dates": dates,
        "triggered_by": [hit.as_json() for hit in sorted(set(hits))],
        "references": [
            {"id": ref.id, "citation": ref.citation, "url": ref.url} for ref in rule.references
        ],
    }


def _days(timing: Timing) -> str:
    if timing.min_days == timing.max_days:
        return f"{timing.min_days} day" + ("" if timing.min_days == 1 else "s")
    return f"{timing.min_days}–{timing.max_days} days"


def _timing(
    timing: Timing, procedure: Procedure | None, today: datetime.date
) -> tuple[dict[str, Any], str]:
    """The ``dates`` of a finding and a sentence naming them for the action."""
    restart = f" Restart: {timing.restart}." if timing.restart else ""
    if timing.kind == "washout-before-start":
        earliest = today + datetime.timedelta(days=timing.max_days)
        dates = {
            "kind": timing.kind,
            "min_days": timing.min_days,
            "max_days": timing.max_days,
            "earliest_start": earliest.isoformat(),
        }
        words = (
            f"Plan {_days(timing)} with your doctor to come off the medicine named above before "
            f"the first dose of this therapy, and start only once it has fully cleared; if you "
            f"begin today ({today.isoformat()}), that is no earlier than {earliest.isoformat()} "
            f"(the longer end of the range, to be cautious).{restart}"
        )
        return dates, words
    # stop-before-procedure
    if procedure is None or procedure.date is None:
        kind = procedure.type if procedure is not None else "procedure"
        words = (
            f"Stop {_days(timing)} before the {kind}; no date was given, so no calendar "
            f"dates could be worked out.{restart}"
        )
        return {}, words
    stop_from = procedure.date - datetime.timedelta(days=timing.max_days)
    stop_by = procedure.date - datetime.timedelta(days=timing.min_days)
    dates = {
        "kind": timing.kind,
        "procedure": procedure.type,
        "procedure_date": procedure.date.isoformat(),
        "stop_no_later_than": stop_by.isoformat(),
        "stop_from": stop_from.isoformat(),
        "restart": timing.restart,
    }
    window = (
        f"on {stop_by.isoformat()}"
        if stop_by == stop_from
        else f"between {stop_from.isoformat()} and {stop_by.isoformat()}"
    )
    words = (
        f"Stop {window} ({_days(timing)} before {procedure.type} on "
        f"{procedure.date.isoformat()}).{restart}"
    )
    if procedure.date < today:
        dates["date_in_past"] = True
        words += " The date given for the procedure is in the past; please check it."
    return dates, words


def _verdict(findings: list[dict[str, Any]], incomplete: bool) -> str:
    severities = {finding["severity"] for finding in findings}
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
