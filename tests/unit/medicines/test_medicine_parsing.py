"""Folding and tokenising of medicine entries."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carechoices.medicines.parsing import (
    DOSE,
    TAG,
    WORD,
    Token,
    _tokenise_steps,
    name_key,
    tokenise,
)


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



ASCII = st.characters(min_codepoint=0, max_codepoint=127)


@given(
    st.text(alphabet=string.ascii_letters, min_size=1, max_size=30)
    | st.text(alphabet=string.ascii_letters + " ", max_size=30)
    | st.text(alphabet=string.ascii_letters + " \t0123456789/#.", max_size=30)
    | st.text(alphabet=ASCII, max_size=30)
    # Letters and separators, with what rules out the short cut for them: "w/", an
    # apostrophe, a digit, a tab, marks that are dropped.
    | st.text(alphabet="aoWw /+&;,()[]%-._#'`\t1", max_size=30)
    | st.lists(st.sampled_from(["Oxycodone", "w", "W", "no", "/", " / ", "+", ", ", "(", ")",
                                "-", " ", "'s", "3", "mg"]), max_size=8).map("".join)
)
def test_ascii_tokenises_as_the_full_steps_do(text: str) -> None:
    # tokenise takes short cuts for ASCII letters and separators; they must give what the
    # steps give.
    assert tokenise(text) == _tokenise_steps(text)


@pytest.mark.parametrize("text", ["Ultram", "ZOLOFT", "no", "w", "number", "mg", "x"])
def test_a_word_of_ascii_letters_is_one_word(text: str) -> None:
    assert tokenise(text) == [Token(text.lower(), WORD)] == _tokenise_steps(text)


@pytest.mark.parametrize(
    "text", ["Tylenol with Codeine", "Robitussin DM", "water pill", "tylenol no", "w   x", " a b "]
)
def test_words_of_ascii_letters_are_those_words(text: str) -> None:
    expected = [Token(word, WORD) for word in text.lower().split()]
    assert tokenise(text) == expected == _tokenise_steps(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Oxycodone/Acetaminophen", ["oxycodone", "/", "acetaminophen"]),
        ("Nature-Throid + (Advil)", ["nature", "throid", "+", "(", "advil", ")"]),
        ("Tylenol w/ codeine", ["tylenol", "with", "codeine"]),  # "w/" is still "with"
        ("Hashimoto's", ["hashimotos"]),  # the apostrophe is still dropped
    ],
)
def test_letters_and_separators_tokenise_as_the_full_steps_do(text: str, expected) -> None:
    assert [token.text for token in tokenise(text)] == expected
    assert tokenise(text) == _tokenise_steps(text)
