"""NCI PDQ levels of evidence for human studies of complementary therapies.

The scheme (research note cancerchoices.md §2.6) gives each *individual human study that reports
a therapeutic endpoint* a design score and an endpoint score, joined into one code: ``1iA`` is the
strongest, ``3iiiDiv`` the weakest, and a Best Case Series gets the design score ``4`` alone.
We use the current PDQ endpoint list (Di event-free … Div tumour response), not the 2010 one.

Anything the scheme does not place gets ``None`` with a stated reason; we never guess a level.
The sub-level labels come from the standard PDQ text as quoted in the research note, which asks
for them to be checked against the live PDQ page before publication.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import MappingProxyType

from carechoices.evidence.domain import (
    PRECLINICAL_DESIGNS,
    Design,
    Direction,
    Endpoint,
    EvidenceEntry,
    EvidenceKind,
    parse_choice,
)

PDQ_DESIGN_CODES = MappingProxyType(
    {
        Design.RCT_DOUBLE_BLIND: "1i",
        Design.RCT_NOT_BLINDED: "1ii",
        Design.NON_RANDOMISED_CONTROLLED: "2",
        Design.CASE_SERIES_POPULATION_CONSECUTIVE: "3i",
        Design.CASE_SERIES_CONSECUTIVE: "3ii",
        Design.CASE_SERIES_NON_CONSECUTIVE: "3iii",
        Design.BEST_CASE_SERIES: "4",
    }
)

PDQ_ENDPOINT_CODES = MappingProxyType(
    {
        Endpoint.OVERALL_SURVIVAL: "A",
        Endpoint.CAUSE_SPECIFIC_SURVIVAL: "B",
        Endpoint.QUALITY_OF_LIFE: "C",
        Endpoint.EVENT_FREE_SURVIVAL: "Di",
        Endpoint.DISEASE_FREE_SURVIVAL: "Dii",
        Endpoint.PROGRESSION_FREE_SURVIVAL: "Diii",
        Endpoint.TUMOUR_RESPONSE: "Div",
    }
)

#: Why PDQ gives no level to a design. Each reason is ours, derived from what the scheme lists.
UNSCORED_DESIGN_REASONS = MappingProxyType(
    {
        Design.META_ANALYSIS: (
            "not scored: PDQ levels apply to individual studies, so a meta-analysis is not given "
            "a level of its own (score the trials it pools instead)"
        ),
        Design.SYSTEMATIC_REVIEW: (
            "not scored: PDQ levels apply to individual studies, so a systematic review is not "
            "given a level of its own (score the studies it includes instead)"
        ),
        Design.RCT_BLINDING_UNKNOWN: (
            "not scored: blinding unknown, so the sub-level (1i or 1ii) cannot be chosen; record "
            "whether treatment was given blind to get a level"
        ),
        Design.COHORT: (
            "not classified: the PDQ design list as recorded in our sources does not place "
            "cohort studies"
        ),
        Design.CASE_CONTROL: (
            "not classified: the PDQ design list as recorded in our sources does not place "
            "case-control studies"
        ),
        Design.CASE_REPORT: "not scored: PDQ does not score individual case reports",
        Design.ANIMAL: "not scored: PDQ scores human studies only",
        Design.IN_VITRO: "not scored: PDQ scores human studies only",
        Design.EXPERT_OPINION: "not scored: an opinion or narrative review is not a study",
    }
)

NOT_THERAPEUTIC_ENDPOINT_REASON = (
    "not scored: PDQ scores only therapeutic endpoints (survival, quality of life, or a "
    "surrogate such as tumour response)"
)
NO_ENDPOINT_REASON = "not scored: no endpoint recorded"

# Designs whose entries must say what they measured (see validate_entry).
_ENDPOINT_REQUIRED = frozenset(PDQ_DESIGN_CODES) | {Design.RCT_BLINDING_UNKNOWN}

_DESIGN_MEANINGS = MappingProxyType(
    {
        "1i": (
            "a randomised controlled trial in which the treatment was given double-blind "
            "(neither the participants nor the staff giving it knew who received what)"
        ),
        "1ii": "a randomised controlled trial in which the treatment was not given blind",
        "2": "a controlled trial in which people were not randomly assigned to the groups",
        "3i": "a case series that took every consecutive patient from a defined population",
        "3ii": "a case series of consecutive patients not drawn from a defined population",
        "3iii": "a case series of selected patients who were not consecutive",
        "4": (
            "a Best Case Series: selected cases with documented responses, submitted to the "
            "US National Cancer Institute's programme"
        ),
    }
)

_ENDPOINT_MEANINGS = MappingProxyType(
    {
        "A": "how many people died from any cause, counted from a set starting point",
        "B": "how many people died of the cancer itself",
        "C": (
            "quality of life, assessed with care (it counts for as much as the questionnaires "
            "used are valid)"
        ),
        "Di": "event-free survival, an indirect (surrogate) measure",
        "Dii": "disease-free survival, an indirect (surrogate) measure",
        "Diii": "progression-free survival, an indirect (surrogate) measure",
        "Div": "tumour response rate, an indirect (surrogate) measure",
    }
)

# Longest alternatives first, so "1ii" is not read as "1i" followed by junk.
_CODE_PATTERN = re.compile(
    r"(?P<design>1ii|1i|2|3iii|3ii|3i|4)(?P<endpoint>Div|Diii|Dii|Di|A|B|C)?"
)


@dataclass(frozen=True)
class PdqClassification:
    """A PDQ level (``code``) or ``None``, with the reason in plain words."""

    code: str | None
    reason: str


def classify_pdq(design: Design | str, endpoint: Endpoint | str | None) -> PdqClassification:
    """Return the PDQ level of a study with this design and endpoint, and why.

    Designs and endpoints the scheme does not cover give ``code=None``; the reason says which
    rule applied. A Best Case Series gets ``"4"`` whatever its therapeutic endpoint, but, like
    every study, nothing at all when it reports no therapeutic endpoint (the scheme's scope).

    Raises:
        InvalidEntry: (a ValueError) if ``design`` or ``endpoint`` is not a known slug.
    """
    design = parse_choice(Design, design, "design")
    endpoint = None if endpoint is None else parse_choice(Endpoint, endpoint, "endpoint")
    design_code = PDQ_DESIGN_CODES.get(design)
    if design_code is None:
        return PdqClassification(None, UNSCORED_DESIGN_REASONS[design])
    if endpoint is None:
        return PdqClassification(None, NO_ENDPOINT_REASON)
    endpoint_code = PDQ_ENDPOINT_CODES.get(endpoint)
    if endpoint_code is None:
        return PdqClassification(None, NOT_THERAPEUTIC_ENDPOINT_REASON)
    if design is Design.BEST_CASE_SERIES:
        return PdqClassification(design_code, "Best Case Series carry the design score only")
    code = design_code + endpoint_code
    return PdqClassification(code, f"{design.label}; {endpoint.label}")


def pdq_level(design: Design | str, endpoint: Endpoint | str | None) -> str | None:
    """Return the PDQ level code (e.g. ``"1iC"``), or ``None`` where the scheme gives none."""
    return classify_pdq(design, endpoint).code


def explain_pdq(code: str) -> str:
    """Explain a PDQ level code in plain language, e.g. for a tooltip next to ``1iC``.

    Raises:
        ValueError: if ``code`` is not a level this scheme can produce.
    """
    match = _CODE_PATTERN.fullmatch(code.strip()) if isinstance(code, str) else None
    if match is None:
        raise ValueError(f"{code!r} is not a PDQ level of evidence code")
    design_code, endpoint_code = match.group("design"), match.group("endpoint")
    if design_code == "4":
        if endpoint_code is not None:
            raise ValueError("a Best Case Series carries only the design score 4, no endpoint")
        return (
            f"Level 4: {_DESIGN_MEANINGS['4']}. This is the lowest design score; no endpoint "
            "score is added."
        )
    if endpoint_code is None:
        raise ValueError(f"{code!r} lacks an endpoint letter (A, B, C or Di–Div)")
    return (
        f"Level {design_code}{endpoint_code}: {_DESIGN_MEANINGS[design_code]}, measuring "
        f"{_ENDPOINT_MEANINGS[endpoint_code]}. Design runs from 1 (strongest) to 4, and the "
        "endpoint from A (strongest) to D, so 1iA is the strongest possible level."
    )


PDQ_SCHEME_TEXT = """\
Levels of evidence (NCI PDQ)

Next to each study in people we show its level of evidence in the scheme used by the US \
National Cancer Institute's PDQ summaries on integrative, alternative and complementary \
therapies. A level has two parts: how the study was designed, and what it measured.

Design, from strongest (1) to weakest (4):
1i   randomised controlled trial, treatment given double-blind
1ii  randomised controlled trial, treatment not given blind
2    controlled trial without random assignment
3i   case series of consecutive patients from a defined population
3ii  case series of consecutive patients, not population-based
3iii case series of non-consecutive patients
4    Best Case Series (NCI programme); gets the design score only

What was measured, from strongest (A) to weakest (D):
A    deaths from any cause (overall survival) from a set starting point
B    deaths from the cancer itself (cause-specific survival)
C    quality of life, carefully assessed
Di   event-free survival
Dii  disease-free survival
Diii progression-free survival
Div  tumour response rate
(D measures are surrogates: they stand in for survival and need interpretation.)

The two parts are written together, so 1iA is the strongest level and 3iiiDiv the weakest \
scored one. These are the current PDQ letters; the 2010 version used Di for disease-free \
survival, Dii for progression-free survival and Diii for tumour response.

Some entries have no level, and we say why next to them: case reports, laboratory and animal \
studies, opinions and narrative reviews are outside the scheme; meta-analyses and systematic \
reviews are not given a level because the scheme scores single studies; randomised trials \
whose blinding is not reported, and cohort or case-control studies, are not placed by the \
scheme as we have it; and studies of symptoms or other outcomes are not scored because the \
scheme covers survival, quality of life and their surrogates only.
"""


def validate_entry(entry: EvidenceEntry) -> dict[str, str]:
    """Return ``{field: message}`` for impossible or incomplete combinations in ``entry``.

    An empty dict means the entry passes. Checks (each a rule of ours, documented for editors):

    * ``participants`` is a whole number of at least 1 when given, and counts people only: it
      must be empty for animal, cell and opinion entries (note animal numbers in ``notes``), so a
      large animal study can never be mistaken for a large clinical one;
    * a design PDQ scores needs an ``endpoint`` (``symptom-or-other`` is an allowed answer); so
      does a randomised trial of unknown blinding, which PDQ scores once the blinding is known;
    * every entry cites at least one reference, and reference keys are not blank; a harm entry
      says so explicitly, because a harm signal without its source cannot be checked;
    * ``cancer_types`` holds no blank names.

    Deliberately not checked: which endpoints suit which outcome category (e.g. tumour response
    under cancer risk), because our sources give no rule for that.
    """
    errors: dict[str, str] = {}
    participants = entry.participants
    if participants is not None:
        if isinstance(participants, bool) or not isinstance(participants, int):
            errors["participants"] = "Give the number of participants as a whole number."
        elif entry.kind is not EvidenceKind.HUMAN:
            what = "animal or cell study" if entry.design in PRECLINICAL_DESIGNS else "opinion"
            errors["participants"] = (
                f"Participants counts people; leave it empty for an {what} "
                "and note any animal numbers in the notes."
            )
        elif participants < 1:
            errors["participants"] = "A study in people has at least 1 participant."
    if entry.design in _ENDPOINT_REQUIRED and entry.endpoint is None:
        errors["endpoint"] = (
            f"Choose an endpoint: a {entry.design.label.lower()} is scored by PDQ on what it "
            "measured (use 'Symptom or other outcome' if none of the others fits)."
        )
    if not entry.references:
        if entry.direction is Direction.HARM:
            errors["references"] = "A harm signal must cite the study it comes from."
        else:
            errors["references"] = "Cite at least one reference for this entry."
    elif any(not isinstance(key, str) or not key.strip() for key in entry.references):
        errors["references"] = "Reference keys must not be blank."
    if any(not isinstance(name, str) or not name.strip() for name in entry.cancer_types):
        errors["cancer_types"] = "Cancer type names must not be blank."
    return errors


_DESIGN_STRENGTH = ("1i", "1ii", "2", "3i", "3ii", "3iii", "4")
_ENDPOINT_STRENGTH = ("A", "B", "C", "Di", "Dii", "Diii", "Div", None)


def pdq_strength_key(code: str) -> tuple[int, int]:
    """A sort key putting stronger PDQ levels first: ``1iA`` < ``1iC`` < ``2C`` < ``4``.

    Raises:
        ValueError: if ``code`` is not a PDQ level.
    """
    match = _CODE_PATTERN.fullmatch(code or "")
    if match is None:
        raise ValueError(f"{code!r} is not a PDQ level")
    return (_DESIGN_STRENGTH.index(match["design"]), _ENDPOINT_STRENGTH.index(match["endpoint"]))


def strongest_pdq(codes) -> str | None:
    """The strongest of some PDQ levels (``None`` when there are none)."""
    present = [c for c in codes if c]
    return min(present, key=pdq_strength_key) if present else None
