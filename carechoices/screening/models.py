"""Typed inputs and outputs of the personal safety screen.

Everything here is plain Python: the Django adapter turns reviewed content into these
records and the engine (``engine.py``) turns them plus a person's inputs into the JSON
contract described in PRODUCT.md ("The screen's contract").

The medicine vocabulary is described by structural ``Protocol`` classes, so the real
vocabulary in ``carechoices.medicines`` (or a test fake) fits without this package
importing it.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Final, Protocol, runtime_checkable

# Severities of a finding, worst first; findings are listed in this order.
SEVERITIES: Final[tuple[str, ...]] = ("avoid", "caution", "info")

# Verdict rank, highest = most concerning. "incomplete" ranks above "info" because an input we
# could not check may hide a concern, so turning "info" into "incomplete" by adding an
# unrecognised input never *lowers* a verdict; "avoid" and "caution" outrank it because a
# concern that was found must be shown whatever else is unknown.
VERDICT_RANK: Final[dict[str, int]] = {
    "no-known-concerns": 0,
    "info": 1,
    "incomplete": 2,
    "caution": 3,
    "avoid": 4,
}

TRIGGER_KINDS: Final[tuple[str, ...]] = ("medicine_class", "ingredient", "condition", "procedure")
# "wait-until-cleared": do not start the therapy until a medicine has left the body; the source
# gives no clearance time, so nothing is dated, but it may give a wean (min/max days) for people
# who take the medicine daily ("wean_for" says who). "stop-before-procedure": stop min-max days
# before a planned procedure.
TIMING_KINDS: Final[tuple[str, ...]] = ("wait-until-cleared", "stop-before-procedure")

# The procedure types a person can name. A rule may only be triggered by one of these.
PROCEDURE_TYPES: Final[tuple[str, ...]] = ("surgery",)

# Statuses a vocabulary match may have; only the first two are ever used by rules.
MATCH_STATUSES: Final[tuple[str, ...]] = ("recognised", "ambiguous", "suggested", "unrecognised")
SCREENED_STATUSES: Final[frozenset[str]] = frozenset({"recognised", "ambiguous"})

# The screen never calls anything "safe" (PRODUCT.md, Safety semantics); rules are checked
# for the word when they are built so editor text cannot slip it in either.
SAFE_WORD: Final[re.Pattern[str]] = re.compile(r"\bsafe\b", re.IGNORECASE)

_SLUG: Final[re.Pattern[str]] = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


# --------------------------------------------------------------------------------------------
# The vocabulary interface (structural: carechoices.medicines implements it without importing us)
# --------------------------------------------------------------------------------------------


class MedicineMatch(Protocol):
    """What the vocabulary found for one medicine as typed by the person."""

    @property
    def input(self) -> str: ...
    @property
    def status(self) -> str: ...  # "recognised" | "ambiguous" | "suggested" | "unrecognised"
    @property
    def matched(self) -> str: ...
    @property
    def via(self) -> str: ...
    @property
    def ingredients(self) -> tuple[str, ...]: ...  # union of formulas when ambiguous
    @property
    def rule_classes(self) -> tuple[str, ...]: ...  # e.g. ("opioid",)
    @property
    def unclassified(self) -> tuple[str, ...]: ...  # ingredients with no class review
    @property
    def suggestions(self) -> tuple[str, ...]: ...
    @property
    def formulas(self) -> tuple[tuple[str, ...], ...]: ...


class ConditionMatch(Protocol):
    """What the vocabulary found for one condition as typed by the person."""

    @property
    def input(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def matched(self) -> str: ...
    @property
    def via(self) -> str: ...
    @property
    def concepts(self) -> tuple[str, ...]: ...  # the concept and its ancestors, as slugs
    @property
    def suggestions(self) -> tuple[str, ...]: ...


@runtime_checkable
class Vocabulary(Protocol):
    """Recognises medicines and conditions; never raises for text it does not know.

    ``isinstance(obj, Vocabulary)`` checks only that the three methods exist.
    """

    def lookup_medicine(self, text: str) -> MedicineMatch:
        """Match free text (brand, generic, combination, misspelling) to a medicine."""
        ...

    def lookup_condition(self, text: str) -> ConditionMatch:
        """Match free text to a condition concept and its ancestors."""
        ...

    def data_sources(self) -> list[dict[str, str]]:
        """The data behind the vocabulary: ``[{"name", "version", "date"}]``."""
        ...


# --------------------------------------------------------------------------------------------
# Rules (reviewed content, turned into these records by the adapter)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Trigger:
    """One thing a rule looks for in a person's inputs."""

    kind: str  # "medicine_class" | "ingredient" | "condition" | "procedure"
    value: str  # e.g. "opioid", "rituximab", "liver-disease", "surgery"

    def __post_init__(self) -> None:
        if self.kind not in TRIGGER_KINDS:
            raise ValueError(f"trigger kind must be one of {TRIGGER_KINDS}, not {self.kind!r}")
        if not self.value.strip():
            raise ValueError("trigger value must not be empty")
        if self.kind == "procedure" and self.value not in PROCEDURE_TYPES:
            raise ValueError(f"procedure trigger must be one of {PROCEDURE_TYPES}")


@dataclass(frozen=True)
class Timing:
    """When to act: wait before starting the therapy, or stop it before a procedure."""

    kind: str  # "wait-until-cleared" | "stop-before-procedure"
    min_days: int
    max_days: int
    restart: str = ""  # when to take it again, in plain words ("" if the rule says nothing)
    # wait-until-cleared only: who the min-max day wean is for ("daily opioid pain medicine");
    # empty when the source gives no wean (then min_days = max_days = 0).
    wean_for: str = ""

    def __post_init__(self) -> None:
        if self.kind not in TIMING_KINDS:
            raise ValueError(f"timing kind must be one of {TIMING_KINDS}, not {self.kind!r}")
        if not 0 <= self.min_days <= self.max_days:
            raise ValueError("timing needs 0 <= min_days <= max_days")
        if self.kind == "stop-before-procedure" and self.wean_for:
            raise ValueError("only a wait-until-cleared timing has a wean")
        if self.kind == "wait-until-cleared" and bool(self.wean_for) != bool(self.max_days):
            raise ValueError("a wean needs both its days and whom it is for")


@dataclass(frozen=True)
class ReferenceInfo:
    """A citation carried by a rule, already formatted by the references app."""

    id: str
    citation: str
    url: str | None = None


@dataclass(frozen=True, kw_only=True)
class Rule:
    """A reviewed screening rule.

    It fires when any ``any_of`` trigger, every ``all_of`` trigger and no ``none_of`` trigger
    matches (``none_of`` lets a caution ask about what the person did not say, e.g. an
    immunosuppressant with no organ transplant stated).
    """

    rule_id: str
    title: str
    severity: str  # "avoid" | "caution" | "info"
    any_of: tuple[Trigger, ...]
    all_of: tuple[Trigger, ...] = ()
    none_of: tuple[Trigger, ...] = ()
    min_dose_mg: float | None = None  # applies only at or above this dose of the therapy
    summary: str  # plain language
    detail: str  # for professionals
    action: str  # what to do
    timing: Timing | None = None
    references: tuple[ReferenceInfo, ...]

    def __post_init__(self) -> None:
        if not self.rule_id.strip():
            raise ValueError("rule_id must not be empty")
        if self.severity not in SEVERITIES:
            raise ValueError(f"{self.rule_id}: severity must be one of {SEVERITIES}")
        if not self.any_of:
            raise ValueError(f"{self.rule_id}: any_of needs at least one trigger")
        if self.min_dose_mg is not None and not self.min_dose_mg > 0:
            raise ValueError(f"{self.rule_id}: min_dose_mg must be positive")
        if not self.references:
            # Rules are reviewed content and, like every claim, carry their citations.
            raise ValueError(f"{self.rule_id}: a rule needs at least one reference")
        if (
            self.timing is not None
            and self.timing.kind == "stop-before-procedure"
            and not any(t.kind == "procedure" for t in self.any_of + self.all_of)
        ):
            raise ValueError(f"{self.rule_id}: stop-before-procedure needs a procedure trigger")
        texts = (self.title, self.summary, self.detail, self.action)
        if self.timing is not None:
            texts += (self.timing.restart,)
        if any(SAFE_WORD.search(text) for text in texts):
            raise ValueError(f"{self.rule_id}: the screen never uses the word 'safe'")


@dataclass(frozen=True)
class TherapyRules:
    """All screening rules of one therapy."""

    slug: str  # e.g. "low-dose-naltrexone"; never changes once published
    name: str
    rules: tuple[Rule, ...]
    updated: datetime.date | None = None  # when the rules were last reviewed, if known
    # Generic names of the therapy's own active ingredients (e.g. naltrexone): a medicine that
    # already contains one is a finding, and dose rules read that medicine's strength.
    active_ingredients: tuple[str, ...] = ()
    # False while the review's interactions section is "not yet reviewed": nothing was checked,
    # so the therapy can never be no-known-concerns.
    rules_reviewed: bool = True

    def __post_init__(self) -> None:
        if not _SLUG.match(self.slug):
            raise ValueError(f"therapy slug must be kebab case, not {self.slug!r}")
        ids = [rule.rule_id for rule in self.rules]
        if len(ids) != len(set(ids)):
            raise ValueError(f"{self.slug}: rule ids must be unique")

    def __hash__(self) -> int:
        """The fields' hash, worked out once: the engine keys a cache on the rules of every
        therapy it screens, on every request (``engine._rules_source``)."""
        cached = self.__dict__.get("_hash")
        if cached is None:
            cached = hash(
                (self.slug, self.name, self.rules, self.updated, self.active_ingredients,
                 self.rules_reviewed)
            )
            object.__setattr__(self, "_hash", cached)
        return cached

    def __getstate__(self) -> dict[str, object]:
        # A string's hash differs between processes: a copy sent elsewhere works its own out.
        return {name: value for name, value in self.__dict__.items() if name != "_hash"}


# --------------------------------------------------------------------------------------------
# A person's request
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Procedure:
    """A planned procedure; the date is optional."""

    type: str  # one of PROCEDURE_TYPES; anything else is reported as not recognised
    date: datetime.date | None = None


@dataclass(frozen=True)
class ScreenRequest:
    """What a person asks the screen about. Build it with ``limits.parse_request``."""

    medicines: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()
    procedures: tuple[Procedure, ...] = ()
    dose_mg: float | None = None  # the dose of the therapy the person takes or plans
    cancer_type: str | None = None  # accepted for the future; no rule uses it yet
    therapies: tuple[str, ...] | None = None  # None = every therapy
    time_zone: str | None = None  # IANA zone that decides "today" for the person (None = UTC)
