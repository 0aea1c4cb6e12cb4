"""A small fake medicine vocabulary with the same shape as carechoices.medicines.

Classes given to real medicines here come from ../shared/sources (the opioids named in
facts-ldn.md, aspirin as an NSAID and rituximab from facts-other-therapies.md) or from the
public FDA label data (Percocet = oxycodone + acetaminophen). Every name starting with
"example" is fictional, standing in for a class the sources do not name a medicine for.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field


@dataclass(frozen=True)
class MedicineMatch:
    """Mirror of carechoices.medicines' MedicineMatch (the interface the brief fixes)."""

    input: str
    status: str  # "recognised" | "ambiguous" | "suggested" | "unrecognised"
    matched: str = ""
    via: str = ""
    ingredients: tuple[str, ...] = ()
    rule_classes: tuple[str, ...] = ()
    unclassified: tuple[str, ...] = ()
    suggestions: tuple[str, ...] = ()
    formulas: tuple[tuple[str, ...], ...] = ()
    unmatched: tuple[str, ...] = ()
    undecided: tuple[UndecidedClass, ...] = ()
    route: str = ""
    strengths_mg: tuple[tuple[str, float], ...] = ()
    implied_conditions: tuple[str, ...] = ()


@dataclass(frozen=True)
class UndecidedClass:
    """Mirror of carechoices.medicines' UndecidedClass: a class signal with no decision."""

    ingredient: str
    rule_class: str
    signals: tuple[str, ...] = ()


@dataclass(frozen=True)
class ConditionMatch:
    """Mirror of carechoices.medicines' ConditionMatch."""

    input: str
    status: str
    matched: str = ""
    via: str = ""
    concepts: tuple[str, ...] = ()
    suggestions: tuple[str, ...] = ()
    unmatched: tuple[str, ...] = ()
    implied: tuple[str, ...] = ()


def _medicine(
    matched: str,
    ingredients: tuple[str, ...],
    classes: tuple[str, ...] = (),
    *,
    via: str = "generic name",
    status: str = "recognised",
    unclassified: tuple[str, ...] = (),
    formulas: tuple[tuple[str, ...], ...] = (),
    **extra: object,
) -> MedicineMatch:
    return MedicineMatch(
        input="",
        status=status,
        matched=matched,
        via=via,
        ingredients=ingredients,
        rule_classes=classes,
        unclassified=unclassified,
        formulas=formulas or (ingredients,),
        **extra,  # type: ignore[arg-type]
    )


OPIOID = ("opioid",)

MEDICINES: dict[str, MedicineMatch] = {
    "tramadol": _medicine("tramadol", ("tramadol",), OPIOID),
    "ultram": _medicine("Ultram", ("tramadol",), OPIOID, via="brand name"),
    "morphine": _medicine("morphine", ("morphine",), OPIOID),
    "oxycodone": _medicine("oxycodone", ("oxycodone",), OPIOID),
    "codeine": _medicine("codeine", ("codeine",), OPIOID),
    "fentanyl": _medicine("fentanyl", ("fentanyl",), OPIOID),
    "duragesic": _medicine("Duragesic", ("fentanyl",), OPIOID, via="brand name"),
    "dextromethorphan": _medicine("dextromethorphan", ("dextromethorphan",), OPIOID),
    "percocet": _medicine("Percocet", ("acetaminophen", "oxycodone"), OPIOID, via="brand name"),
    # Reviewed and in no rule class: recognised, nothing unclassified.
    "acetaminophen": _medicine("acetaminophen", ("acetaminophen",)),
    "aspirin": _medicine("aspirin", ("aspirin",), ("nsaid",)),
    "rituximab": _medicine("rituximab", ("rituximab",)),
    "example-immunosuppressant": _medicine(
        "example-immunosuppressant",
        ("example-immunosuppressant",),
        ("immunosuppressant", "transplant-immunosuppressant"),
        implied_conditions=("immunosuppressed",),
    ),
    # Naltrexone products (FDA NDC: Revia and Vivitrol are naltrexone); LDN is the curated alias.
    "revia 50 mg": _medicine(
        "revia", ("naltrexone",), ("opioid-antagonist",), via="brand name",
        strengths_mg=(("naltrexone", 50.0),),
    ),
    "vivitrol": _medicine("vivitrol", ("naltrexone",), ("opioid-antagonist",), via="brand name"),
    "ldn 4.5 mg": _medicine(
        "ldn", ("naltrexone",), ("opioid-antagonist",), via="curated alias",
        strengths_mg=(("naltrexone", 4.5),),
    ),
    # Difenoxin: an FDA signal (DEA schedule) ties it to the opioid class, but no row decides it.
    "motofen": _medicine(
        "motofen", ("atropine", "difenoxin"), via="brand name",
        undecided=(UndecidedClass("difenoxin", "opioid", ("DEA schedule CIV",)),),
    ),
    "example-thyroid-hormone": _medicine(
        "example-thyroid-hormone", ("example-thyroid-hormone",), ("thyroid-hormone",)
    ),
    # A brand family with several formulas: screened on the union, marked ambiguous.
    "examplecold": _medicine(
        "Examplecold",
        ("acetaminophen", "dextromethorphan"),
        OPIOID,
        via="brand family",
        status="ambiguous",
        formulas=(("acetaminophen",), ("acetaminophen", "dextromethorphan")),
    ),
    # A recognised product with one ingredient nobody has classified yet.
    "examplemix": _medicine(
        "Examplemix",
        ("example-unreviewed", "oxycodone"),
        OPIOID,
        via="brand name",
        unclassified=("example-unreviewed",),
    ),
    "example-unreviewed": _medicine(
        "example-unreviewed", ("example-unreviewed",), unclassified=("example-unreviewed",)
    ),
}

MEDICINE_SUGGESTIONS: dict[str, tuple[str, ...]] = {
    "tramadoll": ("tramadol",),
    "asprin": ("aspirin",),
}

CROHNS = ("crohns-disease", "inflammatory-bowel-disease")

CONDITIONS: dict[str, ConditionMatch] = {
    "crohn's disease": ConditionMatch("", "recognised", "Crohn's disease", "name", CROHNS),
    "crohns": ConditionMatch("", "recognised", "Crohn's disease", "synonym", CROHNS),
    "ibs": ConditionMatch(
        "", "recognised", "irritable bowel syndrome", "abbreviation", ("irritable-bowel-syndrome",)
    ),
    "ulcerative colitis": ConditionMatch(
        "",
        "recognised",
        "ulcerative colitis",
        "name",
        ("ulcerative-colitis", "inflammatory-bowel-disease"),
    ),
    "liver disease": ConditionMatch("", "recognised", "liver disease", "name", ("liver-disease",)),
    "hashimoto's thyroiditis": ConditionMatch(
        "", "recognised", "Hashimoto's thyroiditis", "name", ("hashimotos-thyroiditis",)
    ),
    "kidney transplant": ConditionMatch(
        "", "recognised", "kidney transplant", "name", ("kidney-transplant", "organ-transplant"),
        implied=("immunosuppressed",),
    ),
    "cirrhosis": ConditionMatch("", "recognised", "cirrhosis", "name", ("cirrhosis", "liver-disease")),
    "immunosuppressed": ConditionMatch("", "recognised", "immunosuppressed", "name", ("immunosuppressed",)),
}

CONDITION_SUGGESTIONS: dict[str, tuple[str, ...]] = {"livr disease": ("liver disease",)}

DATA_SOURCES = [{"name": "Fake vocabulary", "version": "test-1", "date": "2026-01-01"}]


@dataclass
class FakeVocabulary:
    """Exact (case-insensitive) matches from the tables above; counts its lookups."""

    medicines: dict[str, MedicineMatch] = field(default_factory=lambda: dict(MEDICINES))
    conditions: dict[str, ConditionMatch] = field(default_factory=lambda: dict(CONDITIONS))
    lookups: int = 0

    def lookup_medicine(self, text: str) -> MedicineMatch:
        """The table entry for ``text``, a suggestion, or an unrecognised match."""
        self.lookups += 1
        key = text.strip().casefold()
        if key in self.medicines:
            return _with_input(self.medicines[key], text)
        if key in MEDICINE_SUGGESTIONS:
            return MedicineMatch(text, "suggested", suggestions=MEDICINE_SUGGESTIONS[key])
        return MedicineMatch(text, "unrecognised")

    def lookup_condition(self, text: str) -> ConditionMatch:
        """The table entry for ``text``, a suggestion, or an unrecognised match."""
        self.lookups += 1
        key = text.strip().casefold()
        if key in self.conditions:
            return dataclasses.replace(self.conditions[key], input=text)
        if key in CONDITION_SUGGESTIONS:
            return ConditionMatch(text, "suggested", suggestions=CONDITION_SUGGESTIONS[key])
        return ConditionMatch(text, "unrecognised")

    def data_sources(self) -> list[dict[str, str]]:
        """A fixed data-source list (copied, so callers cannot change it)."""
        return [dict(source) for source in DATA_SOURCES]


def _with_input(match: MedicineMatch, text: str) -> MedicineMatch:
    return dataclasses.replace(match, input=text)


KNOWN_MEDICINES: tuple[str, ...] = tuple(MEDICINES)
KNOWN_CONDITIONS: tuple[str, ...] = tuple(CONDITIONS)
