"""The "did you mean" index finds exactly what scoring every name would find, only faster.

``CharacterCountIndex`` leaves out names that share too few characters with a query to be
accepted; these tests compare it with brute force (the multiset intersection of each name)
and the vocabulary's indexed suggestions with scoring every choice of a similar length.
"""

from __future__ import annotations

import string
from collections import Counter

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from carechoices.medicines.parsing import _NUMBER_SIGN_RE, _W_SLASH_RE, _fold_unicode, fold_text
from carechoices.medicines.suggestions import CharacterCountIndex
from carechoices.medicines.vocabulary import (
    MAX_SUGGESTIONS,
    MEDICINE_SUGGESTION_MIN_SCORE,
    _close_spellings,
    _length_spread,
    _shared_characters_by_length,
)


def _shared(first: str, second: str) -> int:
    return sum((Counter(first) & Counter(second)).values())


def _exhaustive(vocabulary, query: str):
    """What the vocabulary suggested before the index: score every near-length choice."""
    length = len(query)
    return _close_spellings(
        query,
        vocabulary._choices_near_length(length),
        MEDICINE_SUGGESTION_MIN_SCORE,
        MAX_SUGGESTIONS * 2,
        longest_choice=length + _length_spread(length),
    )


# --- the index against brute force ----------------------------------------------------

NAMES = st.lists(st.text(alphabet="abcdeé ", min_size=1, max_size=9), max_size=40)


@settings(max_examples=200)
@given(names=NAMES, query=st.text(alphabet="abcdeéx", min_size=1, max_size=9), data=st.data())
def test_index_finds_exactly_the_names_sharing_enough_characters(names, query, data):
    by_length: dict[int, list[str]] = {}
    for name in names:
        by_length.setdefault(len(name), []).append(name)
    lengths = sorted(by_length)
    wanted = [
        (length, data.draw(st.integers(min_value=0, max_value=len(query) + 1), label="shared"))
        for length in lengths
    ]
    found = CharacterCountIndex(by_length).sharing(query, wanted)
    expected = [
        name
        for length, least in wanted
        for name in by_length[length]
        if _shared(query, name) >= least
    ]
    assert sorted(found) == sorted(expected)


def test_index_counts_repeated_characters():
    index = CharacterCountIndex({8: ["tramadol", "tramdolx"], 9: ["tramadoll"]})
    # "tramadoll" shares eight characters with "tramadol" (one "l" too many) ...
    assert index.sharing("tramadoll", [(8, 8)]) == ["tramadol"]
    # ... and all nine with itself; "tramdolx" lacks an "a" and an "l": it shares seven.
    assert index.sharing("tramadoll", [(9, 9), (8, 8)]) == ["tramadoll", "tramadol"]
    assert index.sharing("tramadoll", [(8, 7)]) == ["tramadol", "tramdolx"]
    assert index.sharing("tramadoll", [(8, 9)]) == []


def test_index_builds_bitsets_only_for_what_queries_use():
    index = CharacterCountIndex({3: ["abc", "abd"], 4: ["wxyz"]})
    assert index.bitset_count() == 0
    index.sharing("ab", [(3, 2)])
    built = index.bitset_count()
    assert built > 0
    index.build_all()
    assert index.bitset_count() > built


# --- the vocabulary's suggestions against scoring every choice ------------------------

MISSPELLINGS = [
    "percoset",
    "codiene",
    "oxycotin",
    "tramadoll",
    "ibuprofin",
    "metforman",
    "hydrocodon",
    "acetaminophin",
    "lisinipril",
    "atorvastatine",
    "naltrexon",
    "prednisolne",
    "tacrolimis",
    "cellcep",
    "vivitral",
    "xyzzyqw",
    "oxycodone hcl",
]


@pytest.mark.parametrize("query", MISSPELLINGS)
def test_indexed_suggestions_equal_scoring_every_choice(vocabulary, query):
    assert vocabulary._fuzzy_medicine_names(query) == _exhaustive(vocabulary, query)


def test_known_misspellings_are_suggested(vocabulary):
    suggested = {
        query: [name for name, _ in vocabulary._fuzzy_medicine_names(query)]
        for query in ("percoset", "codiene", "oxycotin")
    }
    assert "percocet" in suggested["percoset"]
    assert "codeine" in suggested["codiene"]
    assert "oxycontin" in suggested["oxycotin"]


def _mutate(name: str, data) -> str:
    """One to three random edits: a swap, a deletion, an insertion or a substitution."""
    chars = list(name)
    for _ in range(data.draw(st.integers(min_value=1, max_value=3), label="edits")):
        if len(chars) < 2:
            break
        kind = data.draw(st.sampled_from(["swap", "delete", "insert", "substitute"]))
        at = data.draw(st.integers(min_value=0, max_value=len(chars) - 2))
        letter = data.draw(st.sampled_from(string.ascii_lowercase))
        if kind == "swap":
            chars[at], chars[at + 1] = chars[at + 1], chars[at]
        elif kind == "delete":
            del chars[at]
        elif kind == "insert":
            chars.insert(at, letter)
        else:
            chars[at] = letter
    return "".join(chars)


@settings(max_examples=120, deadline=None)
@given(data=st.data())
def test_indexed_suggestions_equal_scoring_every_choice_for_mutated_names(vocabulary, data):
    choices = vocabulary._suggestion_choices()
    lengths = sorted(choices)
    length = data.draw(st.sampled_from(lengths[:20]), label="length")
    name = data.draw(st.sampled_from(choices[length]), label="name")
    query = _mutate(name, data)
    assert vocabulary._fuzzy_medicine_names(query) == (
        _exhaustive(vocabulary, query)
        if len(query) >= 4 and any(c.isalpha() for c in query)
        else []
    )


def test_every_accepted_choice_shares_at_least_the_bound(vocabulary):
    """The bound the index relies on, checked against what scoring every choice accepts."""
    for query in MISSPELLINGS:
        bounds = dict(_shared_characters_by_length(len(query)))
        for choice, _ in _exhaustive(vocabulary, query):
            assert _shared(query, choice) >= bounds[len(choice)], (query, choice)


# --- the ASCII short cut of fold_text ---------------------------------------------------


@settings(max_examples=300)
@given(text=st.text(alphabet=st.characters(max_codepoint=127), max_size=30))
@example("Tylenol w/ Codeine No. 3")
@example("Hashimoto's\tthyroiditis\x7f")
@example("`quoted`\x00")
def test_ascii_fold_equals_the_unicode_path(text):
    general = _NUMBER_SIGN_RE.sub("#", _W_SLASH_RE.sub(" with ", _fold_unicode(text)))
    assert fold_text(text) == general
