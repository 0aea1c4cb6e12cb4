"""LDN evidence entries built from ../shared/sources/facts-ldn.md (a test fixture).

Reference keys are the citation keys of the sample library (carechoices/demo/content/
references.toml); the R-number of references.md is given beside each entry. Only facts in
facts-ldn.md (or, for design, the reference's own title in references.md) are recorded; where a
fact is missing the field is left empty rather than filled in (an empty dose prints nothing on the
pages). Every text field is printed on public pages, so it is written for readers: editors' notes
to themselves live in the sample content's TOML comments, never here.

Classification decisions (see the report to the lead):

* R3 is one entry with direction ``mixed``: serious adverse events no different from placebo
  and fewer adverse events overall, but dizziness and vomiting more common with naltrexone.
* R14: the facts say "randomised" and do not state blinding → ``rct-blinding-unknown``; 1-year
  survival is overall survival counted from a set time point.
* R16 reports three cases; the sources call R15–R17 case reports, so all three stay
  ``case-report`` (R16 with 3 participants) rather than being promoted to a case series whose
  consecutiveness we do not know.
* R17's title speaks of signs and symptoms, so its endpoint is ``symptom-or-other``.
* R4 and R5 are animal harm signals; the public review reports them on its safety page, so
  their outcome category is ``safety``.
* R6, R9 and R11 are reviews by their titles (they synthesise others' work), so they are
  ``expert-opinion`` (our design for opinion and narrative reviews), not clinical evidence.
  R7 (title: "in human cancer cells") and R8 (facts: "in cervical cancer cells") are ``in-vitro``.
  R10 is cited in the facts for the cervical cancer cell finding, but its title concerns
  colorectal cancer and does not say whether animals were used: recorded as ``in-vitro``, with
  a TOML comment in the sample content asking editors to check the paper.
"""

from __future__ import annotations

from carechoices.evidence.domain import (
    Design,
    Direction,
    Endpoint,
    EvidenceEntry,
    OutcomeCategory,
)

HARM_NOTE = (
    "A harm signal from animal research, also reported on the safety page of the public review "
    "we draw on."
)
MECHANISM_NOTE = "Background on how LDN may work."

# R3
BOLTON_2019 = EvidenceEntry(
    design=Design.META_ANALYSIS,
    participants=11194,
    population="participants in 89 placebo-controlled trials of oral naltrexone",
    cancer_types=(),
    intervention="oral naltrexone",
    outcome_category=OutcomeCategory.SAFETY,
    endpoint=Endpoint.SYMPTOM_OR_OTHER,
    direction=Direction.MIXED,
    effect=(
        "Adverse events: roughly 20 per 100 people, below the placebo groups. Serious adverse "
        "events: relative risk 0.84 (95% CI 0.66–1.06), no clear difference. Naltrexone groups "
        "had more dizziness (RR 1.45) and vomiting (RR 1.91)."
    ),
    notes="Adverse events, not a cancer outcome.",
    references=("bolton2019",),
)

# R14
LISSONI_1993 = EvidenceEntry(
    design=Design.RCT_BLINDING_UNKNOWN,
    participants=21,
    population="people with high-grade glioma treated with radiotherapy",
    cancer_types=("brain cancer",),
    intervention="naltrexone added to radiotherapy",
    dose="100 mg every other day (not a low dose)",
    outcome_category=OutcomeCategory.TREATMENT_OUTCOMES,
    endpoint=Endpoint.OVERALL_SURVIVAL,
    direction=Direction.BENEFIT,
    effect="1-year survival 5/10 with naltrexone vs 1/11 without.",
    references=("lissoni1993",),
)

# R18
PETERS_2022 = EvidenceEntry(
    design=Design.RCT_DOUBLE_BLIND,
    participants=110,
    population="people with high-grade glioma starting chemoradiation",
    cancer_types=("brain cancer",),
    intervention="LDN vs placebo",
    dose="4.5 mg nightly for 16 weeks",
    outcome_category=OutcomeCategory.SIDE_EFFECTS_WELLNESS,
    endpoint=Endpoint.QUALITY_OF_LIFE,
    direction=Direction.NO_EFFECT,
    effect="No effect on quality of life or fatigue; adverse events similar to placebo.",
    references=("peters2022",),
)

# R15
BERKSON_2006 = EvidenceEntry(
    design=Design.CASE_REPORT,
    participants=1,
    population="a person with pancreatic cancer with liver metastases",
    cancer_types=("pancreatic cancer",),
    intervention="LDN with intravenous alpha-lipoic acid",
    outcome_category=OutcomeCategory.TREATMENT_OUTCOMES,
    endpoint=Endpoint.OVERALL_SURVIVAL,
    direction=Direction.BENEFIT,
    effect="Long-term survival reported.",
    notes="The public review we draw on grades the evidence for LDN with alpha-lipoic acid as weak.",
    references=("berkson2006",),
)

# R16
BERKSON_2009 = EvidenceEntry(
    design=Design.CASE_REPORT,
    participants=3,
    population="three people with metastatic or non-metastatic pancreatic cancer",
    cancer_types=("pancreatic cancer",),
    intervention="LDN with intravenous alpha-lipoic acid",
    outcome_category=OutcomeCategory.TREATMENT_OUTCOMES,
    endpoint=Endpoint.OVERALL_SURVIVAL,
    direction=Direction.BENEFIT,
    effect=(
        "Three further people treated with the combination; their individual outcomes are not "
        "summarised here."
    ),
    notes="A report of three cases.",
    references=("berkson2009",),
)

# R17
BERKSON_2007 = EvidenceEntry(
    design=Design.CASE_REPORT,
    participants=1,
    population="a person with B-cell lymphoma",
    cancer_types=("B-cell lymphoma",),
    intervention="LDN alone",
    outcome_category=OutcomeCategory.TREATMENT_OUTCOMES,
    endpoint=Endpoint.SYMPTOM_OR_OTHER,
    direction=Direction.BENEFIT,
    effect="The report describes the signs and symptoms of the lymphoma reversing.",
    notes=(
        "A single case. Neither our editors nor the public review we draw on give this "
        "evidence a grade."
    ),
    references=("berkson2007",),
)

# R4
KURAMOCHI_2024 = EvidenceEntry(
    design=Design.ANIMAL,
    population="animal model of pancreatic ductal adenocarcinoma",
    cancer_types=("pancreatic cancer",),
    intervention="naltrexone",
    outcome_category=OutcomeCategory.SAFETY,
    direction=Direction.HARM,
    effect="Naltrexone-treated animals developed more aggressive cancer.",
    notes=HARM_NOTE,
    references=("kuramochi2024",),
)

# R5
SZYMASZKIEWICZ_2024 = EvidenceEntry(
    design=Design.ANIMAL,
    population="mouse model of colitis-associated colorectal cancer",
    cancer_types=("colorectal cancer",),
    intervention="naltrexone",
    outcome_category=OutcomeCategory.SAFETY,
    direction=Direction.HARM,
    effect="Naltrexone-treated mice developed more aggressive cancer.",
    notes=HARM_NOTE,
    references=("szymaszkiewicz2024",),
)

# R6
CARLI_2020 = EvidenceEntry(
    design=Design.EXPERT_OPINION,
    population="review of opioid receptors in cancer",
    intervention="opioid-receptor modulation",
    outcome_category=OutcomeCategory.TREATMENT_OUTCOMES,
    direction=Direction.MIXED,
    effect=(
        "Opioid receptors are involved in how tumours grow, build blood vessels and dampen "
        "immunity; its title calls the value of acting on them debated."
    ),
    notes="A narrative review; background on how LDN may work.",
    references=("carli2020",),
)

# R7
ZAGON_2003 = EvidenceEntry(
    design=Design.IN_VITRO,
    population="human cancer cells",
    intervention="naltrexone",
    outcome_category=OutcomeCategory.TREATMENT_OUTCOMES,
    direction=Direction.BENEFIT,
    effect="Naltrexone modestly blocks angiogenesis.",
    notes=MECHANISM_NOTE,
    references=("zagon2003",),
)

# R8
LIU_2021 = EvidenceEntry(
    design=Design.IN_VITRO,
    population="cervical cancer cells",
    cancer_types=("cervical cancer",),
    intervention="LDN",
    outcome_category=OutcomeCategory.TREATMENT_OUTCOMES,
    direction=Direction.BENEFIT,
    effect=(
        "LDN increased OGF receptor expression; cells formed fewer colonies and migrated and "
        "invaded less."
    ),
    notes=MECHANISM_NOTE,
    references=("liu2021",),
)

# R9
COUTO_2021 = EvidenceEntry(
    design=Design.EXPERT_OPINION,
    population="review of LDN in people with cancer",
    intervention="LDN",
    outcome_category=OutcomeCategory.TREATMENT_OUTCOMES,
    direction=Direction.BENEFIT,
    effect=(
        "A review of the potential benefits of LDN for people with cancer, including the "
        "cervical cancer cell findings."
    ),
    notes="A review, not a study.",
    references=("couto2021",),
)

# R10
MA_2020 = EvidenceEntry(
    design=Design.IN_VITRO,
    population="colorectal cancer models",
    cancer_types=("colorectal cancer",),
    intervention="LDN",
    outcome_category=OutcomeCategory.TREATMENT_OUTCOMES,
    direction=Direction.BENEFIT,
    effect=(
        "Reported to slow colorectal cancer progression and to promote the death of cancer cells "
        "(apoptosis)."
    ),
    references=("ma2020",),
)

# R11
WANG_2019 = EvidenceEntry(
    design=Design.EXPERT_OPINION,
    population="review of the OGF–OGFr axis",
    intervention="naltrexone",
    outcome_category=OutcomeCategory.TREATMENT_OUTCOMES,
    direction=Direction.BENEFIT,
    effect="Naltrexone acts on every opioid receptor and stops OGF binding to OGFr.",
    notes="A review; background on how LDN may work.",
    references=("wang2019",),
)

LDN_ENTRIES: tuple[EvidenceEntry, ...] = (
    BOLTON_2019,
    LISSONI_1993,
    PETERS_2022,
    BERKSON_2006,
    BERKSON_2009,
    BERKSON_2007,
    KURAMOCHI_2024,
    SZYMASZKIEWICZ_2024,
    CARLI_2020,
    ZAGON_2003,
    LIU_2021,
    COUTO_2021,
    MA_2020,
    WANG_2019,
)

#: LDN's published expert programmes in the facts: Block (R12) and McKinney (R13). Elsegood (R1)
#: edits a book that collects studies and practice, which is not a programme of care.
LDN_EXPERT_PROGRAMMES = 2
#: Avoid-severity screening rules in the sample content: opioid medicines, transplant medicines.
LDN_AVOID_CONTRAINDICATIONS = 2
