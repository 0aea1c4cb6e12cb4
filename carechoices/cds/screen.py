"""From a hook call to what the cards must say: which screens to run, and their typed results.

Three situations, each answered by the screening engine (``carechoices.screening.engine.screen``)
on the reviewed rules, with the same vocabulary as the public screen:

* **ordered** — a selected draft order is a therapy we review (it contains the therapy's active
  ingredient: naltrexone → LDN, cholecalciferol → vitamin D). It is screened against everything
  else on the chart and in the session: active medicines, conditions, planned surgery, other
  draft orders; the order's dose (or strength) is the dose. Every finding is a card; a screen
  with no known concerns gets one quiet info card saying what was checked.
* **taken + new order** — a selected order is anything else (tramadol, a surgery) and the chart
  shows a therapy we review among active or reported medicines (LDN). The order, with the rest of
  the chart, is screened against that therapy; only findings the new order triggers are cards
  (the rest were there before the order and belong to patient-view).
* **taken** (patient-view) — a therapy we review is on the chart: screened against the rest of
  the chart; one card per finding, no card when there is no known concern.

Whatever could not be read or recognised is collected as gaps for one "not checked" card.
Medicine gaps are always named (an unreadable medicine may be a therapy we review); condition and
procedure gaps only when a therapy was screened.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.views.decorators.debug import sensitive_variables

from carechoices.cds import reading
from carechoices.cds.reading import Chart, DraftOrder, Gap, MedicineEntry, ProcedureEntry
from carechoices.cds.services import REQUIRED_PREFETCH, ServiceDefinition
from carechoices.screening.engine import screen
from carechoices.screening.models import SCREENED_STATUSES, Procedure, ScreenRequest, TherapyRules
from carechoices.screening.results import Finding, ScreenResult
from carechoices.screening.wording import human_date


class RequestProblem(ValueError):
    """The request cannot be answered as sent (HTTP 400); ``field`` names where."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


# --------------------------------------------------------------------------------------------
# Therapies and the vocabulary
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Therapy:
    """A live review as the CDS service needs it."""

    slug: str
    name: str
    rules: TherapyRules
    url: str  # the review page (as Wagtail gives it: may be relative)
    active: frozenset[str]  # its active ingredients, case-folded
    updated: datetime.date | None = None
    max_protocol_dose_mg: float | None = None  # the highest dose in its dosing protocols
    rule_min_dose: Mapping[str, float] = field(default_factory=dict)

    @classmethod
    def from_compiled(cls, compiled: Any) -> Therapy:
        record = compiled.record
        rules = compiled.rules
        ingredients = record.active_ingredients if record is not None else compiled.page.active_ingredient_names
        doses = []
        for protocol in compiled.protocols:
            for value in _protocol_doses(protocol):
                doses.append(value)
        return cls(
            slug=rules.slug,
            name=rules.name,
            rules=rules,
            url=record.url if record is not None else (compiled.page.url or ""),
            active=frozenset(name.casefold() for name in ingredients),
            updated=rules.updated,
            max_protocol_dose_mg=max(doses) if doses else None,
            rule_min_dose={rule.rule_id: rule.min_dose_mg for rule in rules.rules if rule.min_dose_mg},
        )


def _protocol_doses(protocol: Any) -> Iterable[float]:
    for name in ("target_mg", "start_dose_mg"):
        value = getattr(protocol, name, None)
        if value:
            yield float(value)
    for step in getattr(protocol, "steps", ()) or ():
        value = getattr(step, "dose_mg", None)
        if value:
            yield float(value)


class MemoVocabulary:
    """The shared vocabulary, remembering each lookup for the length of one request.

    Our reading and the engine ask about the same names (and the engine asks once per screen),
    so every name is looked up once. Kept only in the request's frame, never in a cache.
    """

    def __init__(self, vocabulary: Any) -> None:
        self._vocabulary = vocabulary
        self._medicines: dict[str, Any] = {}
        self._conditions: dict[str, Any] = {}

    def lookup_medicine(self, text: str) -> Any:
        if text not in self._medicines:
            self._medicines[text] = self._vocabulary.lookup_medicine(text)
        return self._medicines[text]

    def lookup_condition(self, text: str) -> Any:
        if text not in self._conditions:
            self._conditions[text] = self._vocabulary.lookup_condition(text)
        return self._conditions[text]

    def data_sources(self) -> list[dict[str, str]]:
        return self._vocabulary.data_sources()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._vocabulary, name)


@dataclass(frozen=True)
class ReadMedicine:
    """A medicine entry and what the vocabulary made of it."""

    entry: MedicineEntry
    text: str  # the name given to the engine: the first one recognised, else the first
    match: Any
    therapies: tuple[str, ...]  # slugs of the reviewed therapies it contains

    @property
    def recognised(self) -> bool:
        return self.match.status in SCREENED_STATUSES

    def strength_mg(self, therapy: Therapy) -> float | None:
        for ingredient, strength in getattr(self.match, "strengths_mg", ()):
            if ingredient.casefold() in therapy.active:
                return strength
        return None

    def dose_mg(self, therapy: Therapy) -> float | None:
        """The dose per administration of this entry's therapy ingredient, when it can be known."""
        if self.entry.dose_mg is not None:
            return self.entry.dose_mg
        strength = self.strength_mg(therapy)
        if strength is not None and self.entry.dose_units is not None:
            return strength * self.entry.dose_units
        return strength


def read_medicine(entry: MedicineEntry, vocabulary: MemoVocabulary, therapies: Mapping[str, Therapy]) -> ReadMedicine:
    """Look every name of ``entry`` up; the engine gets the best recognised one.

    Best: recognised with every word accounted for and a strength stated, then recognised with
    every word accounted for, then recognised; an entry with none recognised keeps its first name
    (and is reported as not recognised).
    """
    chosen, match = entry.names[0], vocabulary.lookup_medicine(entry.names[0])
    best = -1
    for name in entry.names:
        candidate = vocabulary.lookup_medicine(name)
        if candidate.status not in SCREENED_STATUSES:
            continue
        clean_read = not getattr(candidate, "unmatched", ()) and not getattr(candidate, "undecided", ())
        rank = 1 + clean_read + (clean_read and bool(getattr(candidate, "strengths_mg", ())))
        if rank > best:
            chosen, match, best = name, candidate, rank
    ingredients = {ingredient.casefold() for ingredient in match.ingredients} if match.status in SCREENED_STATUSES else set()
    slugs = tuple(slug for slug, therapy in therapies.items() if therapy.active & ingredients)
    return ReadMedicine(entry=entry, text=chosen, match=match, therapies=slugs)


def condition_text(names: tuple[str, ...], vocabulary: MemoVocabulary) -> str:
    for name in names:
        if vocabulary.lookup_condition(name).status in SCREENED_STATUSES:
            return name
    return names[0]


def procedure_label(procedure: Procedure) -> str:
    """The engine's name for a procedure input (``engine._procedure_label``), to find its findings."""
    if procedure.date is None:
        return procedure.type
    return f"{procedure.type} on {procedure.date.isoformat()}"


# --------------------------------------------------------------------------------------------
# What the cards are about
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CardSpec:
    """One card to render: a finding, a "no known concerns" note, or the "not checked" list."""

    kind: str  # "finding" | "no-known-concerns" | "not-checked"
    situation: str = ""  # "ordered" | "taken-new" | "taken"
    therapy: Therapy | None = None
    finding: Finding | None = None
    subjects: tuple[str, ...] = ()  # the ordered (or taken) therapy's chart names
    dose_mg: float | None = None
    where: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # engine input → chart names
    gaps: tuple[Gap, ...] = ()
    incomplete: tuple[str, ...] = ()  # names of therapies whose screen was incomplete
    checked: Mapping[str, int] = field(default_factory=dict)
    today: datetime.date = datetime.date.min
    new: frozenset[str] = frozenset()  # "taken-new": the engine inputs that are the new orders


@dataclass
class _Inputs:
    medicines: list[ReadMedicine]
    conditions: list[str]
    procedures: list[ProcedureEntry]


@dataclass
class Answer:
    cards: list[CardSpec]
    screens: int = 0


@sensitive_variables()
def answer(
    service: ServiceDefinition,
    payload: Any,
    *,
    therapies: Mapping[str, Therapy],
    vocabulary: Any,
    today: datetime.date,
) -> Answer:
    """What to say for one hook call (``payload`` is a validated ``CdsRequest``).

    Raises ``reading.PrefetchError`` (412) when required prefetch is missing, ``RequestProblem``
    (400) when the context is unusable.
    """
    context = payload.context
    if payload.hook != service.hook:
        raise RequestProblem("hook", f"this service answers the {service.hook} hook")
    prefetch = reading.require_prefetch(payload.prefetch, REQUIRED_PREFETCH)
    patient_id = context.get("patientId") if isinstance(context.get("patientId"), str) else ""
    vocab = MemoVocabulary(vocabulary)

    gaps_chart = Chart()
    drafts: list[DraftOrder] = []
    if service.order_hook:
        if not isinstance(context.get("draftOrders"), dict):
            raise RequestProblem("context.draftOrders", "must be a FHIR Bundle of the draft orders")
        drafts = reading.read_drafts(context["draftOrders"], patient_id=patient_id, today=today, chart=gaps_chart)
    chart = reading.read_chart(
        prefetch, patient_id=patient_id, today=today, skip_refs=frozenset(d.ref for d in drafts if d.ref)
    )
    gaps: list[Gap] = list(dict.fromkeys([*gaps_chart.gaps, *chart.gaps]))
    if service.hook == "order-select":
        selected, others = reading.focused(drafts, context.get("selections"))
    else:
        selected, others = drafts, []

    chart_meds = [read_medicine(entry, vocab, therapies) for entry in chart.medicines]
    other_meds = [read_medicine(d.medicine, vocab, therapies) for d in others if d.medicine]
    selected_meds = [(d, read_medicine(d.medicine, vocab, therapies)) for d in selected if d.medicine]
    selected_procs = [d.procedure for d in selected if d.procedure]
    other_procs = [d.procedure for d in others if d.procedure]
    conditions = [condition_text(entry.names, vocab) for entry in chart.conditions]
    planned = [*chart.procedures, *other_procs]

    for med in [*chart_meds, *other_meds, *(m for _, m in selected_meds)]:
        if not med.recognised:
            gaps.append(_unrecognised_gap(med))

    run = _Runner(therapies, vocab, today)
    cards: list[CardSpec] = []
    ordered: set[str] = set()

    # ordered: a selected order of a therapy we review
    for draft, med in selected_meds:
        for slug in med.therapies:
            ordered.add(slug)
            therapy = therapies[slug]
            rest = [*chart_meds, *other_meds, *(m for d, m in selected_meds if d is not draft)]
            inputs = _Inputs(rest, conditions, [*planned, *selected_procs])
            dose = med.dose_mg(therapy)
            result = run(therapy, inputs, dose)
            base = {"situation": "ordered", "therapy": therapy, "subjects": (med.entry.label,), "dose_mg": dose,
                    "where": run.where, "today": today}
            therapy_result = result.therapy(slug)
            for finding in therapy_result.findings:
                cards.append(CardSpec(kind="finding", finding=finding, **base))
            if therapy_result.verdict == "no-known-concerns":  # kept only if nothing is missing (below)
                checked = {
                    "medicines": len({m.text for m in rest}),
                    "conditions": len(set(conditions)),
                    "procedures": len(inputs.procedures),
                    "rules": len(therapy.rules.rules),
                }
                cards.append(CardSpec(kind="no-known-concerns", checked=checked, **base))

    # taken: therapies we review already on the chart (or ordered elsewhere in this session)
    taken: dict[str, list[ReadMedicine]] = {}
    for med in [*chart_meds, *other_meds]:
        for slug in med.therapies:
            taken.setdefault(slug, []).append(med)

    new_meds = [m for _, m in selected_meds if not m.therapies]
    if service.order_hook and (new_meds or selected_procs):
        new_labels = {m.text for m in new_meds} | {
            procedure_label(Procedure("surgery", p.date)) for p in selected_procs
        }
        for slug, carriers in taken.items():
            if slug in ordered:
                continue
            therapy = therapies[slug]
            rest = [m for m in [*chart_meds, *other_meds] if slug not in m.therapies]
            inputs = _Inputs([*new_meds, *rest], conditions, [*planned, *selected_procs])
            dose = _max_dose(carriers, therapy)
            result = run(therapy, inputs, dose)
            for finding in result.therapy(slug).findings:
                if any(hit.input in new_labels for hit in finding.triggered_by):
                    cards.append(
                        CardSpec(kind="finding", situation="taken-new", therapy=therapy, finding=finding,
                                 subjects=tuple(dict.fromkeys(c.entry.label for c in carriers)), dose_mg=dose,
                                 where=run.where, today=today, new=frozenset(new_labels))
                    )

    if service.hook == "patient-view":
        for slug, carriers in taken.items():
            therapy = therapies[slug]
            rest = [m for m in chart_meds if slug not in m.therapies]
            dose = _max_dose(carriers, therapy)
            result = run(therapy, _Inputs(rest, conditions, planned), dose)
            for finding in result.therapy(slug).findings:
                cards.append(
                    CardSpec(kind="finding", situation="taken", therapy=therapy, finding=finding,
                             subjects=tuple(dict.fromkeys(c.entry.label for c in carriers)), dose_mg=dose,
                             where=run.where, today=today)
                )

    unrecognised_texts = {m.text for m in [*chart_meds, *other_meds, *(m for _, m in selected_meds)] if not m.recognised}
    reading_gaps = _relevant(gaps, screened=run.screens > 0)
    shown = _relevant([*reading_gaps, *run.engine_gaps(unrecognised_texts, set(conditions))], screened=run.screens > 0)
    # A gap in reading the request leaves every screen of this call incomplete; an engine note
    # (an unrecognised condition, a review whose interactions are not reviewed yet) leaves the
    # screen it came from incomplete. No incomplete screen may say "no known concerns".
    incomplete = list(run.screened) if reading_gaps else list(run.incomplete)
    cards = [
        card for card in _unique_cards(cards)
        if not (card.kind == "no-known-concerns" and card.therapy is not None and card.therapy.name in incomplete)
    ]
    if shown:
        cards.append(CardSpec(kind="not-checked", gaps=tuple(shown), incomplete=tuple(incomplete), today=today))
    return Answer(cards=cards, screens=run.screens)


def _unrecognised_gap(med: ReadMedicine) -> Gap:
    suggestions = tuple(getattr(med.match, "suggestions", ()) or ())[:3]
    hint = f"; did you mean {' or '.join(suggestions)}?" if suggestions else ""
    return Gap("medicine", f"{med.entry.label} ({med.entry.where}): not recognised{hint}")


def _relevant(gaps: Iterable[Gap], *, screened: bool) -> list[Gap]:
    unique = list(dict.fromkeys(gaps))
    return unique if screened else [gap for gap in unique if gap.topic == "medicine"]


def _max_dose(carriers: Iterable[ReadMedicine], therapy: Therapy) -> float | None:
    doses = [dose for dose in (c.dose_mg(therapy) for c in carriers) if dose is not None]
    return max(doses) if doses else None


def _unique_cards(cards: list[CardSpec]) -> list[CardSpec]:
    seen: set[tuple] = set()
    unique = []
    for card in cards:
        key = (
            card.kind,
            card.therapy.slug if card.therapy else "",
            card.finding.rule if card.finding else "",
            card.finding.triggered_by if card.finding else (),
            card.finding.dates if card.finding else None,
        )
        if key not in seen:
            seen.add(key)
            unique.append(card)
    return unique


class _Runner:
    """Runs the engine for one therapy at a time and keeps what the cards need to name."""

    def __init__(self, therapies: Mapping[str, Therapy], vocabulary: MemoVocabulary, today: datetime.date) -> None:
        self._therapies = therapies
        self._vocabulary = vocabulary
        self._today = today
        self.screens = 0
        self.where: dict[str, tuple[str, ...]] = {}
        self.screened: list[str] = []  # names of the therapies screened, in order
        self.incomplete: list[str] = []  # ... and of those whose screen noted something not checked
        self._not_checked: list[str] = []

    @sensitive_variables()
    def __call__(self, therapy: Therapy, inputs: _Inputs, dose_mg: float | None) -> ScreenResult:
        medicines = list(dict.fromkeys(m.text for m in inputs.medicines))
        procedures = list(dict.fromkeys(Procedure("surgery", p.date) for p in inputs.procedures))
        for med in inputs.medicines:
            self.where[med.text] = tuple(dict.fromkeys([*self.where.get(med.text, ()), f"{med.entry.label} ({med.entry.where})"]))
        for proc in inputs.procedures:
            label = procedure_label(Procedure("surgery", proc.date))
            when = f"planned for {human_date(proc.date)}" if proc.date else "no date on the chart"
            self.where[label] = tuple(dict.fromkeys([*self.where.get(label, ()), f"{proc.label} ({when})"]))
        request = ScreenRequest(
            medicines=tuple(medicines),
            conditions=tuple(dict.fromkeys(inputs.conditions)),
            procedures=tuple(procedures),
            dose_mg=dose_mg if dose_mg is not None and 0 < dose_mg <= 1000 else None,
        )
        result = screen(request, [therapy.rules], self._vocabulary, today=self._today)
        self.screens += 1
        if therapy.name not in self.screened:
            self.screened.append(therapy.name)
        if result.not_checked and therapy.name not in self.incomplete:
            self.incomplete.append(therapy.name)
        self._not_checked.extend(result.not_checked)
        return result

    def engine_gaps(self, unrecognised_medicines: set[str], conditions: set[str]) -> list[Gap]:
        """The engine's "not checked" notes, except medicines already named as not recognised."""
        gaps = []
        for note in dict.fromkeys(self._not_checked):
            if note in unrecognised_medicines:
                continue
            if note in conditions:
                gaps.append(Gap("condition", f"{note} (condition): not recognised"))
            elif note.startswith("surgery"):
                gaps.append(Gap("procedure", f"{note}: not recognised"))
            else:
                gaps.append(Gap("screen", note))
        return gaps
