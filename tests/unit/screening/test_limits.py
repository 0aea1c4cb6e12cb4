"""Table-driven tests of parse_request: what is accepted, and which field each error names."""

from __future__ import annotations

import datetime
import unicodedata
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carechoices.screening.limits import (
    MAX_CONDITIONS,
    MAX_MEDICINES,
    MAX_PROCEDURES,
    MAX_TEXT_LENGTH,
    InputError,
    parse_request,
)
from carechoices.screening.models import Procedure, ScreenRequest

SLUGS = ("low-dose-naltrexone", "vitamin-d")
MEGABYTE = "a" * 1_000_000


def test_parse_empty_object_gives_empty_request() -> None:
    assert parse_request({}) == ScreenRequest()


def test_parse_full_payload_gives_typed_request() -> None:
    payload = {
        "therapies": ["vitamin-d", "low-dose-naltrexone", "vitamin-d"],
        "medicines": ["  Percocet ", "tramadol"],
        "conditions": ["Crohn’s disease"],
        "procedures": [{"type": "surgery", "date": "2026-12-05"}, {"type": "surgery"}],
        "dose_mg": 4.5,
        "cancer_type": "glioma",
    }

    request = parse_request(payload, therapy_slugs=SLUGS)

    assert request == ScreenRequest(
        medicines=("Percocet", "tramadol"),
        conditions=("Crohn’s disease",),
        procedures=(
            Procedure("surgery", datetime.date(2026, 12, 5)),
            Procedure("surgery", None),
        ),
        dose_mg=4.5,
        cancer_type="glioma",
        therapies=("vitamin-d", "low-dose-naltrexone"),
    )


@pytest.mark.parametrize(
    ("payload", "attribute", "expected"),
    [
        ({"dose_mg": 50}, "dose_mg", 50.0),
        ({"dose_mg": 0.25}, "dose_mg", 0.25),
        ({"dose_mg": 1000}, "dose_mg", 1000.0),
        ({"dose_mg": None}, "dose_mg", None),
        ({"cancer_type": None}, "cancer_type", None),
        ({"medicines": ("tramadol",)}, "medicines", ("tramadol",)),
        ({"medicines": ["x" * MAX_TEXT_LENGTH]}, "medicines", ("x" * MAX_TEXT_LENGTH,)),
        ({"medicines": ["m"] * MAX_MEDICINES}, "medicines", ("m",) * MAX_MEDICINES),
        ({"conditions": ["c"] * MAX_CONDITIONS}, "conditions", ("c",) * MAX_CONDITIONS),
        (
            {"medicines": ["naltrexona ñ", "co\u200dde"]},
            "medicines",
            ("naltrexona ñ", "co\u200dde"),
        ),
        (
            {"procedures": [{"type": "surgery", "date": None}]},
            "procedures",
            (Procedure("surgery"),),
        ),
        (
            {"procedures": [{"type": "surgery", "date": datetime.date(2026, 1, 2)}]},
            "procedures",
            (Procedure("surgery", datetime.date(2026, 1, 2)),),
        ),
        (
            {"procedures": [{"type": "surgery", "date": "2028-02-29"}]},
            "procedures",
            (Procedure("surgery", datetime.date(2028, 2, 29)),),
        ),
        (
            {"procedures": [{"type": "surgery"}] * MAX_PROCEDURES},
            "procedures",
            (Procedure("surgery"),) * MAX_PROCEDURES,
        ),
        ({"therapies": ["melatonin"]}, "therapies", ("melatonin",)),
    ],
)
def test_parse_accepts_valid_field(payload: dict, attribute: str, expected: Any) -> None:
    assert getattr(parse_request(payload), attribute) == expected


def test_parse_past_procedure_date_accepted() -> None:
    last_year = datetime.date.today().replace(day=1) - datetime.timedelta(days=365)
    request = parse_request({"procedures": [{"type": "surgery", "date": last_year.isoformat()}]})

    assert request.procedures[0].date == last_year


@pytest.mark.parametrize("years", [-11, 11])
def test_parse_date_more_than_ten_years_away_is_refused(years: int) -> None:
    today = datetime.date.today()
    far = today.replace(year=today.year + years, day=1)

    with pytest.raises(InputError) as error:
        parse_request({"procedures": [{"type": "surgery", "date": far.isoformat()}]})

    assert error.value.field == "procedures[0].date"


BAD_INPUTS: list[tuple[str, object, str, str]] = [
    # (case id, payload, field named, part of the message)
    ("list-body", [], "body", "JSON object"),
    ("string-body", "tramadol", "body", "JSON object"),
    ("null-body", None, "body", "JSON object"),
    ("number-body", 5, "body", "JSON object"),
    ("unknown-key", {"medicine": ["tramadol"]}, "medicine", "not a known field"),
    ("non-string-key", {1: []}, "body", "not a known field"),
    ("huge-key", {MEGABYTE: 1}, "body", "not a known field"),
    ("medicines-string", {"medicines": "tramadol"}, "medicines", "list"),
    ("medicines-null", {"medicines": None}, "medicines", "list"),
    ("medicines-object", {"medicines": {"a": 1}}, "medicines", "list"),
    ("medicines-51", {"medicines": ["m"] * 51}, "medicines", "at most 50"),
    ("medicines-20000", {"medicines": ["m"] * 20_000}, "medicines", "at most 50"),
    ("medicine-number", {"medicines": [1]}, "medicines[0]", "string"),
    ("medicine-null", {"medicines": ["ok", None]}, "medicines[1]", "string"),
    ("medicine-list", {"medicines": [["tramadol"]]}, "medicines[0]", "string"),
    ("medicine-empty", {"medicines": ["ok", "ok", "ok", ""]}, "medicines[3]", "empty"),
    ("medicine-spaces", {"medicines": ["   "]}, "medicines[0]", "empty"),
    ("medicine-tab", {"medicines": ["a\tb"]}, "medicines[0]", "control"),
    ("medicine-newline", {"medicines": ["tramadol\n"]}, "medicines[0]", "control"),
    ("medicine-nul", {"medicines": ["\x00"]}, "medicines[0]", "control"),
    ("medicine-escape", {"medicines": ["\x1b[31mred"]}, "medicines[0]", "control"),
    ("medicine-del", {"medicines": ["a\x7f"]}, "medicines[0]", "control"),
    ("medicine-c1", {"medicines": ["a\x85"]}, "medicines[0]", "control"),
    ("medicine-line-separator", {"medicines": ["a\u2028b"]}, "medicines[0]", "control"),
    ("medicine-surrogate", {"medicines": ["a\ud800"]}, "medicines[0]", "control"),
    ("medicine-201", {"medicines": ["x" * 201]}, "medicines[0]", "at most 200"),
    ("medicine-1mb", {"medicines": [MEGABYTE]}, "medicines[0]", "at most 200"),
    ("conditions-string", {"conditions": "IBS"}, "conditions", "list"),
    ("conditions-21", {"conditions": ["c"] * 21}, "conditions", "at most 20"),
    ("condition-bad", {"conditions": ["IBS", "ok", 3]}, "conditions[2]", "string"),
    ("condition-1mb", {"conditions": [MEGABYTE]}, "conditions[0]", "at most 200"),
    ("procedures-object", {"procedures": {"type": "surgery"}}, "procedures", "list"),
    ("procedures-11", {"procedures": [{"type": "surgery"}] * 11}, "procedures", "at most 10"),
    ("procedure-string", {"procedures": ["surgery"]}, "procedures[0]", "object"),
    ("procedure-no-type", {"procedures": [{}]}, "procedures[0].type", "required"),
    (
        "procedure-unknown-type",
        {"procedures": [{"type": "dental"}]},
        "procedures[0].type",
        "surgery",
    ),
    (
        "procedure-capital-type",
        {"procedures": [{"type": "Surgery"}]},
        "procedures[0].type",
        "surgery",
    ),
    ("procedure-number-type", {"procedures": [{"type": 5}]}, "procedures[0].type", "surgery"),
    (
        "procedure-unknown-key",
        {"procedures": [{"type": "surgery", "when": "2026-12-05"}]},
        "procedures[0].when",
        "not a known field",
    ),
    (
        "procedure-odd-key",
        {"procedures": [{"type": "surgery", "a\nb": 1}]},
        "procedures[0]",
        "not a known field",
    ),
    *[
        (
            f"date-{label}",
            {"procedures": [{"type": "surgery"}, {"type": "surgery", "date": value}]},
            "procedures[1].date",
            "YYYY-MM-DD",
        )
        for label, value in [
            ("feb-30", "2026-02-30"),
            ("feb-29-non-leap", "2027-02-29"),
            ("month-13", "2026-13-01"),
            ("day-00", "2026-12-00"),
            ("year-0", "0000-01-01"),
            ("short", "2026-2-3"),
            ("us-style", "12/05/2026"),
            ("with-time", "2026-12-05T10:00"),
            ("trailing-newline", "2026-12-05\n"),
            ("compact", "20261205"),
            ("full-width-digits", "２０２６-１２-０５"),
            ("empty", ""),
            ("number", 20261205),
            ("list", [2026, 12, 5]),
            ("datetime", datetime.datetime(2026, 12, 5, 10, 0)),
        ]
    ],
    ("dose-string", {"dose_mg": "4.5"}, "dose_mg", "number"),
    ("dose-bool", {"dose_mg": True}, "dose_mg", "number"),
    ("dose-list", {"dose_mg": [4.5]}, "dose_mg", "number"),
    ("dose-negative", {"dose_mg": -1}, "dose_mg", "more than 0"),
    ("dose-zero", {"dose_mg": 0}, "dose_mg", "more than 0"),
    ("dose-too-high", {"dose_mg": 1000.01}, "dose_mg", "at most 1000"),
    ("dose-huge-int", {"dose_mg": 10**400}, "dose_mg", "at most 1000"),
    ("dose-nan", {"dose_mg": float("nan")}, "dose_mg", "finite"),
    ("dose-infinity", {"dose_mg": float("inf")}, "dose_mg", "finite"),
    ("cancer-type-number", {"cancer_type": 5}, "cancer_type", "string"),
    ("cancer-type-empty", {"cancer_type": " "}, "cancer_type", "empty"),
    ("cancer-type-long", {"cancer_type": "x" * 201}, "cancer_type", "at most 200"),
    ("cancer-type-bell", {"cancer_type": "a\x07"}, "cancer_type", "control"),
    ("therapies-string", {"therapies": "vitamin-d"}, "therapies", "list"),
    ("therapies-null", {"therapies": None}, "therapies", "list"),
    ("therapies-empty", {"therapies": []}, "therapies", "at least one"),
    ("therapies-21", {"therapies": ["vitamin-d"] * 21}, "therapies", "at most 20"),
    ("therapy-number", {"therapies": [5]}, "therapies[0]", "string"),
    ("therapy-not-slug", {"therapies": ["vitamin-d", "Vitamin D"]}, "therapies[1]", "slug"),
    ("therapy-1mb", {"therapies": [MEGABYTE]}, "therapies[0]", "slug"),
    # Fields are checked in a fixed order, so the first problem is always the same one.
    ("first-error-wins", {"conditions": [""], "medicines": [""]}, "medicines[0]", "empty"),
    ("unknown-key-first", {"medicines": [""], "extra": 1}, "extra", "not a known field"),
]


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [case[1:] for case in BAD_INPUTS],
    ids=[case[0] for case in BAD_INPUTS],
)
def test_parse_bad_input_raises_input_error_naming_field(
    payload: object, field: str, message: str
) -> None:
    with pytest.raises(InputError) as raised:
        parse_request(payload)

    assert raised.value.field == field
    assert message in raised.value.message


def test_parse_unknown_therapy_named_when_known_slugs_given() -> None:
    with pytest.raises(InputError) as raised:
        parse_request({"therapies": ["vitamin-d", "no-such-thing"]}, therapy_slugs=SLUGS)

    assert raised.value.field == "therapies[1]"
    assert "low-dose-naltrexone, vitamin-d" in raised.value.message


def test_parse_error_never_repeats_what_was_typed() -> None:
    with pytest.raises(InputError) as raised:
        parse_request({"medicines": ["private-medicine-name\t"]})

    assert "private-medicine-name" not in str(raised.value)


def test_input_error_is_value_error_with_field_and_message() -> None:
    error = InputError("medicines[3]", "must not be empty")

    assert isinstance(error, ValueError)
    assert str(error) == "medicines[3]: must not be empty"
    assert error.as_json() == {"field": "medicines[3]", "message": "must not be empty"}


@settings(max_examples=300)
@given(st.text(max_size=40))
def test_a_medicine_text_is_refused_exactly_when_it_holds_a_control_character(text: str) -> None:
    forbidden = any(unicodedata.category(char) in {"Cc", "Cs", "Zl", "Zp"} for char in text)
    try:
        parse_request({"medicines": [text]})
    except InputError as error:
        refused = "control characters" in error.message
    else:
        refused = False
    assert refused == forbidden
