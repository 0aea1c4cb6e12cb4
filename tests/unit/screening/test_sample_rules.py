"""Table-driven cases for the LDN and vitamin D sample rules (facts-ldn.md, facts-other-therapies.md)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import pytest

from carechoices.screening.engine import screen
from carechoices.screening.models import Procedure, ScreenRequest

from .contract import check_contract
from .fakes import FakeVocabulary
from .sample_rules import ALL_THERAPIES, LDN_RULES

TODAY = datetime.date(2026, 11, 1)


@dataclass(frozen=True)
class Case:
    name: str
    therapy: str
    request: ScreenRequest
    findings: tuple[tuple[str, str], ...]  # (rule id, severity) in result order
    verdict: str
    dates: dict = field(default_factory=dict)  # expected dates of the first finding, if any


LDN = "low-dose-naltrexone"
VITD = "vitamin-d"
OPIOID_AVOID = (("ldn-opioids", "avoid"),)

CASES = [
    # Opioids (R2): every named example, by generic or brand.
    *[
        Case(f"opioid-{name}", LDN, ScreenRequest(medicines=(name,)), OPIOID_AVOID, "avoid")
        for name in (
            "tramadol",
            "Ultram",
            "morphine",
            "dextromethorphan",
            "oxycodone",
            "Percocet",
            "fentanyl",
            "Duragesic",
            "codeine",
        )
    ],
    Case(
        "opioid-wait-dates-nothing",
        LDN,
        ScreenRequest(medicines=("codeine",)),
        OPIOID_AVOID,
        "avoid",
        {
            "kind": "wait-until-cleared",
            "wean_min_days": 10,
            "wean_max_days": 14,
            "wean_for": "daily opioid pain medicine",
        },
    ),
    Case(
        "opioid-in-ambiguous-brand",
        LDN,
        ScreenRequest(medicines=("Examplecold",)),
        OPIOID_AVOID,
        "avoid",
    ),
    Case(
        "opioid-misspelt-is-only-suggested",
        LDN,
        ScreenRequest(medicines=("tramadoll",)),
        (),
        "incomplete",
    ),
    # Surgery (R2): stop 1-2 days before, restart when cleared.
    Case(
        "surgery-dated",
        LDN,
        ScreenRequest(procedures=(Procedure("surgery", datetime.date(2026, 12, 5)),)),
        (("ldn-surgery", "caution"),),
        "caution",
        {
            "kind": "stop-before-procedure",
            "procedure": "surgery",
            "procedure_date": "2026-12-05",
            "min_days": 1,
            "max_days": 2,
            "stop_no_later_than": "2026-12-04",
            "stop_from": "2026-12-03",
            "restart": (
                "only once your physician clears it, since opioids are often used for pain "
                "after surgery"
            ),
            "today": "2026-11-01",
            "days_until_procedure": 34,
            "stop_passed": False,
            "date_in_past": False,
        },
    ),
    Case(
        "surgery-undated",
        LDN,
        ScreenRequest(procedures=(Procedure("surgery"),)),
        (("ldn-surgery", "caution"),),
        "caution",
    ),
    # Organ transplant (R2): by immunosuppressant class or by the condition.
    Case(
        "transplant-by-medicine-class",
        LDN,
        ScreenRequest(medicines=("example-immunosuppressant",)),
        (("ldn-transplant", "avoid"),),
        "avoid",
    ),
    Case(
        "transplant-by-condition",
        LDN,
        ScreenRequest(conditions=("kidney transplant",)),
        (("ldn-transplant", "avoid"),),
        "avoid",
    ),
    # Liver disease (R2): a full-dose (50 mg) rule.
    Case(
        "liver-full-dose",
        LDN,
        ScreenRequest(conditions=("liver disease",), dose_mg=50),
        (("ldn-liver-full-dose", "caution"),),
        "caution",
    ),
    Case(
        "liver-low-dose",
        LDN,
        ScreenRequest(conditions=("liver disease",), dose_mg=4.5),
        (("ldn-liver-full-dose", "info"),),
        "info",
    ),
    Case(
        "liver-dose-unknown",
        LDN,
        ScreenRequest(conditions=("liver disease",)),
        (("ldn-liver-full-dose", "info"),),
        "info",
    ),
    # Hashimoto's on thyroid hormone (seed page): needs both.
    Case(
        "hashimotos-on-thyroid-hormone",
        LDN,
        ScreenRequest(
            medicines=("example-thyroid-hormone",), conditions=("Hashimoto's thyroiditis",)
        ),
        (("ldn-hashimotos-thyroid-hormone", "caution"),),
        "caution",
    ),
    Case(
        "hashimotos-alone",
        LDN,
        ScreenRequest(conditions=("Hashimoto's thyroiditis",)),
        (),
        "no-known-concerns",
    ),
    Case(
        "thyroid-hormone-alone",
        LDN,
        ScreenRequest(medicines=("example-thyroid-hormone",)),
        (),
        "no-known-concerns",
    ),
    # IBS, IBD, Crohn's (R1 p. 20, R2): more bowel side effects.
    *[
        Case(
            f"bowel-{name}",
            LDN,
            ScreenRequest(conditions=(name,)),
            (("ldn-bowel-conditions", "info"),),
            "info",
        )
        for name in ("IBS", "Crohn's disease", "ulcerative colitis")
    ],
    # Vitamin D (V1, V2).
    Case(
        "vitd-rituximab",
        VITD,
        ScreenRequest(medicines=("rituximab",)),
        (("vitd-rituximab", "info"),),
        "info",
    ),
    Case(
        "vitd-aspirin",
        VITD,
        ScreenRequest(medicines=("aspirin",)),
        (("vitd-nsaids", "caution"),),
        "caution",
    ),
    Case(
        "vitd-aspirin-misspelt",
        VITD,
        ScreenRequest(medicines=("asprin",)),
        (),
        "incomplete",
    ),
    Case(
        "vitd-opioid-not-a-concern",
        VITD,
        ScreenRequest(medicines=("tramadol",)),
        (),
        "no-known-concerns",
    ),
    # Everything at once: the worst finding decides.
    Case(
        "ldn-everything",
        LDN,
        ScreenRequest(
            medicines=("Percocet", "example-thyroid-hormone", "example-immunosuppressant"),
            conditions=("Hashimoto's thyroiditis", "liver disease", "IBS"),
            procedures=(Procedure("surgery", datetime.date(2026, 12, 5)),),
            dose_mg=50,
        ),
        (
            ("ldn-opioids", "avoid"),
            ("ldn-transplant", "avoid"),
            ("ldn-hashimotos-thyroid-hormone", "caution"),
            ("ldn-liver-full-dose", "caution"),
            ("ldn-surgery", "caution"),
            ("ldn-bowel-conditions", "info"),
        ),
        "avoid",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_sample_rule_case_gives_expected_findings_and_verdict(case: Case) -> None:
    result = screen(case.request, ALL_THERAPIES, FakeVocabulary(), today=TODAY).to_json()

    check_contract(result)
    therapy = next(t for t in result["therapies"] if t["therapy"] == case.therapy)
    assert [(f["rule"], f["severity"]) for f in therapy["findings"]] == list(case.findings)
    assert therapy["verdict"] == case.verdict
    if case.dates:
        assert therapy["findings"][0]["dates"] == case.dates


def test_sample_cases_cover_every_ldn_rule() -> None:
    covered = {rule_id for case in CASES for rule_id, _ in case.findings}

    assert {rule.rule_id for rule in LDN_RULES} <= covered
