"""``_name_profile`` and ``_plain_name_match``: how a known name resolves, kept per name;
never a person's text."""

from __future__ import annotations

import dataclasses
import functools

import pytest

from carechoices.medicines import MedicineVocabulary
from carechoices.medicines.parsing import BOUNDARY_CHARS, WORD, tokenise
from carechoices.medicines.vocabulary import NAME_PROFILES_KEPT, _describes_a_kind_of_medicine

# The entry as typed, then entries that reach the same kept name with something more: a dose,
# a form for local use, a form taken into the body, a left-out word, a second name.
FAMILIES = [
    ("hydrocortisone", "hydrocortisone cream", "hydrocortisone 10 mg tablet", "HYDROCORTISONE"),
    ("tacrolimus", "tacrolimus ointment", "tacrolimus injection", "tacrolimus 1 mg"),
    ("Tylenol", "Tylenol with Codeine", "Tylenol Cold and Flu", "tylenol 500mg"),
    ("naltrexone", "naltrexone 50", "naltrexone 4.5 mg", "naltrexone / bupropion"),
    ("Advil", "Advil PM", "advil 200 mg", "prednisone and tacrolimus ointment"),
]


def answers(vocabulary: MedicineVocabulary, texts: list[str]) -> list[dict]:
    return [dataclasses.asdict(vocabulary.lookup_medicine(text)) for text in texts]


def forget(vocabulary: MedicineVocabulary) -> None:
    vocabulary._name_profile.cache_clear()
    vocabulary._plain_name_match.cache_clear()
    vocabulary._combined_name_match.cache_clear()


def first_answers(vocabulary: MedicineVocabulary, texts: list[str]) -> list[dict]:
    """Each entry's answer with nothing kept before it."""
    found = []
    for text in texts:
        forget(vocabulary)
        found.extend(answers(vocabulary, [text]))
    return found


@pytest.mark.parametrize("family", FAMILIES, ids=[family[0] for family in FAMILIES])
def test_a_kept_name_answers_each_entry_as_a_first_lookup_does(vocabulary, family) -> None:
    texts = list(family)
    cold = first_answers(vocabulary, texts)
    forget(vocabulary)
    # Every name kept, in both orders, so a profile kept with one entry's route, doses or
    # left-out words would show up in another entry's answer.
    warm, backwards = answers(vocabulary, texts), answers(vocabulary, texts[::-1])[::-1]
    assert vocabulary._name_profile.cache_info().hits > 0  # kept profiles were used
    assert warm == cold
    assert backwards == cold


def test_the_route_still_decides_the_classes_of_a_kept_name(vocabulary) -> None:
    vocabulary.lookup_medicine("hydrocortisone")  # kept first, by a systemic entry
    local = vocabulary.lookup_medicine("hydrocortisone cream")
    systemic = vocabulary.lookup_medicine("hydrocortisone")
    assert local.route == "local"
    assert "immunosuppressant" in systemic.rule_classes  # a systemic_only row
    assert "immunosuppressant" not in local.rule_classes


def test_only_the_vocabularys_own_names_are_kept(vocabulary, monkeypatch) -> None:
    asked: list[str] = []

    def spy(key: str):
        asked.append(key)
        return vocabulary._resolve_name_profile(key)

    def plain_spy(key: str):
        asked.append(key)
        return vocabulary._resolve_plain_name_match(key)

    def combined_spy(parts: tuple[str, ...]):
        asked.extend(part for part in parts if part not in BOUNDARY_CHARS)
        return vocabulary._resolve_combined_name_match(parts)

    monkeypatch.setattr(vocabulary, "_name_profile", functools.lru_cache(maxsize=8)(spy))
    monkeypatch.setattr(vocabulary, "_plain_name_match", functools.lru_cache(maxsize=8)(plain_spy))
    monkeypatch.setattr(
        vocabulary, "_combined_name_match", functools.lru_cache(maxsize=8)(combined_spy)
    )
    typed = ["Synthroid 88 mcg every morning", "tramadoll", "metformin/zzzq", "my water pill",
             "Tylenol Cold and Flu", "oxycodone/acetaminophen", "levothyroxine 50 mcg", "Zoloft",
             "Ibuprofin", "PILL"]
    for text in typed:
        vocabulary.lookup_medicine(text)
    assert asked, "the exact names should have been kept"
    assert all(vocabulary._known_name(key) for key in asked), asked
    assert not set(asked) & {text.casefold() for text in typed if text != "Zoloft"}
    assert "zoloft" in asked  # a one-word name is kept by its folded name, not as typed
    with pytest.raises(KeyError):
        vocabulary._resolve_name_profile("tramadoll")


def test_at_most_a_bounded_number_of_names_is_kept(vocabulary) -> None:
    forget(vocabulary)
    kept = (vocabulary._name_profile, vocabulary._plain_name_match)
    assert [cache.cache_info().maxsize for cache in kept] == [NAME_PROFILES_KEPT] * 2
    for name in one_word_names(vocabulary)[: NAME_PROFILES_KEPT + 10]:
        vocabulary.lookup_medicine(name)  # kept twice: its answer, and the profile under it
    assert [cache.cache_info().currsize for cache in kept] == [NAME_PROFILES_KEPT] * 2
    combined = vocabulary._combined_name_match
    assert combined.cache_info().maxsize == NAME_PROFILES_KEPT
    names = one_word_names(vocabulary)
    for first, second in zip(names[: NAME_PROFILES_KEPT + 10], names[1:], strict=False):
        vocabulary.lookup_medicine(f"{first}/{second}")
    assert combined.cache_info().currsize == NAME_PROFILES_KEPT


def plain_names(vocabulary: MedicineVocabulary) -> list[str]:
    """Every name of the index and every curated alias that reads back as its own words."""
    names = sorted({*vocabulary._names, *vocabulary._aliases})
    return [
        name
        for name in names
        if [(t.text, t.kind) for t in tokenise(name)] == [(w, WORD) for w in name.split(" ")]
    ]


def one_word_names(vocabulary: MedicineVocabulary) -> list[str]:
    return [name for name in plain_names(vocabulary) if " " not in name]


def test_a_name_typed_as_its_words_answers_as_the_full_lookup_does(vocabulary) -> None:
    # The kept answer (with the entry put in) against the steps it stands for, for every such
    # name: a kept answer that differed would change a screen without any test noticing.
    names = plain_names(vocabulary)
    assert len(names) > 40_000
    assert sum(" " in name for name in names) > 20_000  # names of several words too
    differ = []
    for name in names:
        typed = name.upper().replace(" ", "  ")
        kept = vocabulary._resolve_plain_name_match(name).with_input(typed)
        if kept != vocabulary._lookup_tokens(typed, tokenise(typed)) or kept.input != typed:
            differ.append(name)
    assert differ == []


def test_an_entry_of_a_names_words_uses_the_kept_answer(vocabulary) -> None:
    forget(vocabulary)
    first = vocabulary.lookup_medicine("Tylenol with Codeine")
    second = vocabulary.lookup_medicine("TYLENOL  with codeine ")
    assert vocabulary._plain_name_match.cache_info().hits == 1
    assert (first.input, second.input) == ("Tylenol with Codeine", "TYLENOL  with codeine ")
    assert dataclasses.replace(first, input="") == vocabulary._plain_name_match("tylenol with codeine")
    # Anything more than the name's words takes the full lookup: a dose, a form, a second name.
    for text in ("Tylenol with Codeine 300 mg", "Tylenol with Codeine tablet", "tylenol/codeine"):
        before = vocabulary._plain_name_match.cache_info().hits
        vocabulary.lookup_medicine(text)
        assert vocabulary._plain_name_match.cache_info().hits == before, text


def test_a_kept_one_word_answer_is_never_shared_with_the_entry(vocabulary) -> None:
    forget(vocabulary)
    first, second = vocabulary.lookup_medicine("Ultram"), vocabulary.lookup_medicine("ULTRAM ")
    assert (first.input, second.input) == ("Ultram", "ULTRAM ")
    assert vocabulary._plain_name_match.cache_info().hits == 1  # the second used the first's
    assert vocabulary._plain_name_match("ultram").input == ""  # the kept copy holds no entry
    assert vocabulary._resolve_plain_name_match("tylenol with codeine").input == ""


def test_a_name_that_does_not_read_back_as_one_word_takes_the_full_lookup(vocabulary, monkeypatch):
    monkeypatch.setattr(vocabulary, "_plain_name_match", lambda key: None)
    assert vocabulary.lookup_medicine("Zoloft") == vocabulary._lookup_tokens("Zoloft", tokenise("Zoloft"))
    assert vocabulary.lookup_medicine("Zoloft").status == "recognised"


def test_one_word_that_is_no_name_answers_as_the_full_lookup_does(vocabulary) -> None:
    # The short cut straight to "did you mean" against every step it leaves out, for
    # misspellings made from the index's own names (a letter dropped, doubled, or swapped)
    # and for words that are nothing like a medicine.
    names = one_word_names(vocabulary)[::5]
    typed = {"zzqx", "pill", "tablet", "and", "x", "mg", "hcl"}
    for name in names:
        if len(name) > 3:
            typed.update({name[1:], name[:2] + name[1:], name[:1] + name[2] + name[1] + name[3:]})
    # Only the words that reach the short cut: one word, no name, not "pill" and the like
    # (a kind of medicine is unrecognised before any of these steps).
    words = [
        text
        for text in sorted(typed)
        if [t.kind for t in tokenise(text)] == [WORD]
        and not vocabulary._known_name(tokenise(text)[0].text)
        and not _describes_a_kind_of_medicine(tokenise(text))
    ]
    assert len(words) > 3_000
    assert {"zzqx", "tablet", "and", "mg", "hcl"} <= set(words)
    differ = [
        text
        for text in words
        if vocabulary.lookup_medicine(text) != vocabulary._lookup_tokens(text, tokenise(text))
    ]
    assert differ == []
    assert any(vocabulary.lookup_medicine(text).suggestions for text in words)


def combinations(vocabulary: MedicineVocabulary) -> list[str]:
    """Entries of two or three known names between separators, written as people do."""
    names = plain_names(vocabulary)[::97]
    joins = ["/", " / ", " + ", ", ", "; ", " & "]
    typed = []
    for number, name in enumerate(names):
        other = names[(number * 7 + 3) % len(names)]
        join = joins[number % len(joins)]
        typed.append(f"{name.title()}{join}{other}")
        if number % 3 == 0:
            typed.append(f"{name} ({other}){join}{names[(number * 11 + 5) % len(names)]}")
    return typed


def test_known_names_between_separators_answer_as_the_full_lookup_does(vocabulary) -> None:
    # The kept answer for names and separators against the steps it stands for: the entry
    # as typed, then again once every answer is kept (so a kept answer from one entry would
    # show in another's), both against a lookup that keeps nothing.
    typed = combinations(vocabulary)
    assert len(typed) > 500
    assert sum(" " in text.split("/")[0] for text in typed) > 100  # names of several words
    forget(vocabulary)
    first = [vocabulary.lookup_medicine(text) for text in typed]
    again = [vocabulary.lookup_medicine(text) for text in typed]
    steps = [vocabulary._lookup_tokens(text, tokenise(text)) for text in typed]
    assert vocabulary._combined_name_match.cache_info().hits >= len(typed)
    assert [answer for answer, want in zip(first, steps, strict=True) if answer != want] == []
    assert again == steps
    assert [answer.input for answer in again] == typed
    assert {answer.status for answer in steps} >= {"recognised", "ambiguous"}


def test_names_between_separators_are_kept_by_the_names_only(vocabulary) -> None:
    forget(vocabulary)
    answer = vocabulary.lookup_medicine("Oxycodone / ACETAMINOPHEN")
    assert answer.input == "Oxycodone / ACETAMINOPHEN"
    assert set(answer.ingredients) == {"oxycodone", "acetaminophen"}
    kept = vocabulary._combined_name_match(("oxycodone", "/", "acetaminophen"))
    assert vocabulary._combined_name_match.cache_info().hits == 1  # the entry's answer, kept
    assert kept.input == ""
    assert dataclasses.replace(answer, input="") == kept
    # Anything but known names and separators takes the full lookup.
    for text in ("metformin/zzzq", "oxycodone 5 mg/acetaminophen", "tylenol w/ codeine",
                 "oxycodone/acetaminophen tablet", "/"):
        before = vocabulary._combined_name_match.cache_info()
        vocabulary.lookup_medicine(text)
        after = vocabulary._combined_name_match.cache_info()
        assert (after.hits, after.misses) == (before.hits, before.misses), text


@pytest.mark.parametrize("entry", ["water pill", "Blood Pressure Pills", "thyroid medication"])
def test_a_known_name_that_describes_a_kind_of_medicine_stays_unrecognised(
    vocabulary, monkeypatch, entry
) -> None:
    # No shipped name is such words today; made known here, the entry must still be asked
    # about rather than matched, whether its answer is worked out or kept.
    words = " ".join(t.text for t in tokenise(entry))
    assert _describes_a_kind_of_medicine(tokenise(entry))
    known = vocabulary._known_name
    monkeypatch.setattr(vocabulary, "_known_name", lambda key: key == words or known(key))
    forget(vocabulary)
    try:
        for _ in range(2):  # the first lookup, then with whatever it kept
            match, kept = vocabulary.lookup_medicine_kept(entry)
            assert kept is None
            assert (match.status, match.input, match.ingredients) == ("unrecognised", entry, ())
    finally:
        forget(vocabulary)
