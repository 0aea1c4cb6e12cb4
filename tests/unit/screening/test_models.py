"""Tests of the rule records' own checks and of the vocabulary Protocol."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from carechoices.screening.models import (
    VERDICT_RANK,
    TherapyRules,
    Timing,
    Trigger,
    Vocabulary,
)

from .fakes import FakeVocabulary
from .sample_rules import LDN_BOWEL, LDN_SURGERY, make_rule


def test_rule_with_valid_fields_builds() -> None:
    rule = make_rule(min_dose_mg=50, timing=Timing("wait-until-cleared", 10, 14, wean_for="daily opioid pain medicine"))

    assert rule.min_dose_mg == 50 and rule.all_of == ()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"severity": "severe"}, "severity"),
        ({"any_of": ()}, "any_of"),
        ({"references": ()}, "reference"),
        ({"min_dose_mg": 0}, "min_dose_mg"),
        ({"min_dose_mg": -5.0}, "min_dose_mg"),
        ({"rule_id": "  "}, "rule_id"),
        ({"timing": Timing("stop-before-procedure", 1, 2)}, "procedure trigger"),
        ({"summary": "It is safe with food."}, "safe"),
        ({"action": "Safe to continue."}, "safe"),
    ],
)
def test_rule_with_bad_field_raises_value_error(changes: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make_rule(**changes)


def test_rule_may_say_safety_or_unsafe_words_other_than_safe() -> None:
    rule = make_rule(detail="Safety data from trials; see the safety section.")

    assert "Safety" in rule.detail


@pytest.mark.parametrize(
    ("kind", "value"),
    [("medicine", "opioid"), ("ingredient", " "), ("procedure", "dental-work")],
)
def test_trigger_with_bad_kind_or_value_raises(kind: str, value: str) -> None:
    with pytest.raises(ValueError):
        Trigger(kind, value)


@pytest.mark.parametrize(
    ("kind", "low", "high"),
    [("pause", 1, 2), ("wait-until-cleared", 3, 2), ("stop-before-procedure", -1, 2)],
)
def test_timing_with_bad_kind_or_range_raises(kind: str, low: int, high: int) -> None:
    with pytest.raises(ValueError):
        Timing(kind, low, high)


def test_therapy_rules_with_duplicate_rule_ids_raise() -> None:
    with pytest.raises(ValueError, match="unique"):
        TherapyRules("example-therapy", "Example", (LDN_BOWEL, LDN_BOWEL))


@pytest.mark.parametrize("slug", ["Vitamin-D", "vitamin_d", "-vitamin", "vitamin--d", ""])
def test_therapy_rules_with_non_kebab_slug_raise(slug: str) -> None:
    with pytest.raises(ValueError, match="kebab"):
        TherapyRules(slug, "Example", ())


def test_rules_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        LDN_SURGERY.severity = "info"  # type: ignore[misc]


def test_verdict_rank_orders_avoid_caution_incomplete_info_none() -> None:
    ordered = sorted(VERDICT_RANK, key=VERDICT_RANK.__getitem__, reverse=True)

    assert ordered == ["avoid", "caution", "incomplete", "info", "no-known-concerns"]


def test_fake_vocabulary_fits_vocabulary_protocol() -> None:
    assert isinstance(FakeVocabulary(), Vocabulary)
    assert not isinstance(object(), Vocabulary)


def test_therapy_rules_hash_like_their_fields_and_keep_the_hash_out_of_them() -> None:
    first = TherapyRules("low-dose-naltrexone", "LDN", (LDN_SURGERY,))
    same = TherapyRules("low-dose-naltrexone", "LDN", (LDN_SURGERY,))
    other = TherapyRules("low-dose-naltrexone", "LDN", (LDN_SURGERY, LDN_BOWEL))
    assert hash(first) == hash(same) == hash(first)  # asked twice: the kept hash
    assert hash(first) != hash(other)
    assert first == same and first != other
    assert {f.name for f in dataclasses.fields(first)} == set(dataclasses.asdict(first))
    assert "_hash" not in dataclasses.asdict(first) and "_hash" not in repr(first)
    copied = pickle.loads(pickle.dumps(first))  # noqa: S301 - our own bytes; hashes differ per process
    assert "_hash" not in copied.__dict__ and copied == first and hash(copied) == hash(first)
    unhashable = TherapyRules("low-dose-naltrexone", "LDN", [LDN_SURGERY])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        hash(unhashable)
