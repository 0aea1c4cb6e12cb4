"""Folding and tokenising of medicine entries."""

from __future__ import annotations

import pytest

from carechoices.medicines.parsing import DOSE, TAG, WORD, name_key, tokenise


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Nature-Throid", "nature throid"),
        ("NATURE THROID", "nature throid"),
        ("Hashimoto's", "hashimotos"),
        ("Tylenol No. 3", "tylenol #3"),
        ("Tylenol # 3", "tylenol #3"),
        ("Tylenol w/ codeine", "tylenol with codeine"),
        ("Tylenol W/Codeine", "tylenol with codeine"),
        ("Percocet®", "percocet"),
        ("Sjögren", "sjogren"),
        ("  oxycodone\tHCl  ", "oxycodone hcl"),
    ],
)
def test_name_key_folds_spelling_variants(text: str, key: str) -> None:
    assert name_key(text) == key


@pytest.mark.parametrize(
    ("text", "doses"),
    [
        ("Percocet 5/325", ["5", "/", "325"]),
        ("tramadol 50 mg", ["50", "mg"]),
        ("tramadol 50mg", ["50mg"]),
        ("Synthroid 100 mcg", ["100", "mcg"]),
        ("fentanyl 25 mcg/hr", ["25", "mcg", "/", "hr"]),
        ("hydrocortisone 1%", ["1", "%"]),
        ("Lortab 7.5/325 mg", ["7.5", "/", "325", "mg"]),
    ],
)
def test_tokenise_marks_strengths_as_doses(text: str, doses: list[str]) -> None:
    tokens = tokenise(text)

    assert [t.text for t in tokens if t.kind == DOSE] == doses
    assert tokens[0].kind == WORD


def test_tokenise_keeps_a_combination_separator_as_a_boundary() -> None:
    tokens = tokenise("oxycodone/acetaminophen")

    assert [(t.text, t.kind) for t in tokens] == [
        ("oxycodone", WORD),
        ("/", "boundary"),
        ("acetaminophen", WORD),
    ]


def test_tokenise_keeps_a_number_sign_strength_as_a_tag() -> None:
    tokens = tokenise("Tylenol #3")

    assert tokens[1].text == "#3"
    assert tokens[1].kind == TAG


def test_tokenise_turns_control_characters_into_separators() -> None:
    assert [t.text for t in tokenise("tram\x00adol")] == ["tram", "adol"]


def test_tokenise_drops_invisible_format_characters_inside_words() -> None:
    assert [t.text for t in tokenise("tra\u200bma\u00addol")] == ["tramadol"]
