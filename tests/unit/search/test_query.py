"""Whatever is typed, the engine gets plain words: no syntax, no control characters, bounded."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carechoices.search.query import MAX_LENGTH, MAX_TERMS, clean_query


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ('"', ""),
        ('"ldn"', "ldn"),
        ("ldn AND glioma", "ldn AND glioma"),
        ("  vivid\tdreams\n", "vivid dreams"),
        ("ldn\x00\x1fx", "ldn x"),
        ("key:bolton*", "key bolton"),
        ("10.1186/s12916-018-1242-0", "10.1186/s12916-018-1242-0"),
        ("naltrexóne", "naltrexóne"),
        ("Hashimoto’s", "Hashimoto s"),
    ],
)
def test_clean_query(typed, words):
    assert clean_query(typed).text == words


def test_long_input_is_cut_and_says_so():
    cleaned = clean_query("x" * 10_000)
    assert len(cleaned.text) == MAX_LENGTH
    assert cleaned.truncated
    many = clean_query(" ".join(f"w{i}" for i in range(50)))
    assert many.text.split() == [f"w{i}" for i in range(MAX_TERMS)]
    assert many.truncated
    assert not clean_query("ldn").truncated


def test_not_text_is_empty():
    assert not clean_query(None)
    assert not clean_query(["ldn"])


@given(st.text())
def test_any_text_becomes_bounded_plain_words(typed):
    cleaned = clean_query(typed).text
    assert len(cleaned) <= MAX_LENGTH
    assert len(cleaned.split()) <= MAX_TERMS
    assert '"' not in cleaned and "\\" not in cleaned
    assert all(unicodedata.category(c)[0] != "C" for c in cleaned)
    assert cleaned == cleaned.strip()
