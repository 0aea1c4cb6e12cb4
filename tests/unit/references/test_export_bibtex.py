"""BibTeX export: parsed back with bibtexparser, with LaTeX for accents, symbols and capitals."""

from __future__ import annotations

from typing import Any

import bibtexparser
import pytest
from bibtexparser.middlewares import LatexDecodingMiddleware, SeparateCoAuthors, SplitNameParts
from hypothesis import given, settings
from hypothesis import strategies as st

from carechoices.references.exports import bibtex, export_item
from carechoices.references.exports.base import listed_names
from carechoices.references.models import CSL_TYPES

from .export_samples import sample_export_items

TEXT_FIELDS = {"title", "journal", "booktitle", "publisher", "address", "note", "organization"}


def parse(text: str) -> bibtexparser.Library:
    """Parse as a reference manager would: names split first, then LaTeX decoded."""
    library = bibtexparser.parse_string(
        text, append_middleware=[SeparateCoAuthors(), SplitNameParts()]
    )
    assert library.failed_blocks == []
    return library


def decoded(text: str) -> dict[str, dict[str, Any]]:
    """Entries by key, with the text fields decoded from LaTeX to Unicode."""
    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    assert library.failed_blocks == []
    return {
        entry.key: {f.key: f.value for f in entry.fields if f.key in TEXT_FIELDS}
        for entry in library.entries
    }


def test_sample_library_round_trips_keys_types_titles_and_dois() -> None:
    # Arrange
    items = sample_export_items()

    # Act
    library = parse(bibtex.export(items))
    texts = decoded(bibtex.export(items))

    # Assert
    assert [entry.key for entry in library.entries] == [item.key for item in items]
    for item, entry in zip(items, library.entries, strict=True):
        csl = item.csl
        fields = entry.fields_dict
        assert entry.entry_type == bibtex.entry_type(csl), item.key
        assert texts[item.key].get("title") == csl.get("title"), item.key
        assert (fields["doi"].value if "doi" in fields else None) == csl.get("DOI"), item.key
        assert (fields["pmid"].value if "pmid" in fields else None) == csl.get("PMID"), item.key


def test_sample_library_round_trips_authors_with_others_for_et_al() -> None:
    # Arrange
    items = sample_export_items()

    # Act
    library = parse(bibtex.export(items))

    # Assert
    for item, entry in zip(items, library.entries, strict=True):
        listed, et_al = listed_names(item.csl, "author")
        expected = [" ".join(n.family.split()) for n in listed] + (["others"] if et_al else [])
        names = entry.fields_dict["author"].value if "author" in entry.fields_dict else []
        assert [" ".join(name.last) for name in names] == expected, item.key


def test_journal_article_entry() -> None:
    # Arrange
    item = next(item for item in sample_export_items() if item.key == "R3")

    # Act
    text = bibtex.export([item])

    # Assert
    assert text == (
        "@article{R3,\n"
        "  author = {Bolton, M. and Hodkinson, A. and others},\n"
        "  title = {Serious adverse events reported in placebo randomised controlled trials of "
        "oral naltrexone: a systematic review and meta-analysis},\n"
        "  journal = {BMC Medicine},\n"
        "  year = {2019},\n"
        "  month = jan,\n"
        "  volume = {17},\n"
        "  number = {1},\n"
        "  pages = {10},\n"
        "  doi = {10.1186/s12916-018-1242-0},\n"
        "  pmid = {30642329},\n"
        "  pmcid = {PMC6332608}\n"
        "}\n"
    )


SPECIAL = export_item(
    {
        "id": "special2020",
        "type": "article-journal",
        "title": "Café au lait – µ-opioid receptors & pain in PI3K/AKT signalling",
        "container-title": "Anesthesia & Analgesia",
        "author": [
            {"family": "Sánchez", "given": "José"},
            {"family": "Gogh", "non-dropping-particle": "van", "given": "V"},
            {"literal": "WHO & Partners"},
        ],
        "issued": {"date-parts": [[2020, 5, 1]]},
        "page": "e12–e19",
        "DOI": "10.1000/xyz_123",
        "URL": "https://example.org/a_b?x=1&y=2",
    },
    1,
)


def test_accents_symbols_dashes_and_ampersands_are_written_as_latex() -> None:
    # Act
    fields = bibtex.entry(SPECIAL).fields_dict

    # Assert
    assert fields["title"].value == (
        r"Caf{\'e} au lait -- {\textmu}-opioid receptors \& pain in {PI3K/AKT} signalling"
    )
    assert fields["journal"].value == r"Anesthesia \& Analgesia"
    assert fields["author"].value == r"S{\'a}nchez, Jos{\'e} and van Gogh, V. and {WHO \& Partners}"
    assert fields["pages"].value == "e12--e19"


def test_accents_symbols_dashes_and_ampersands_decode_back_to_unicode() -> None:
    # Act
    texts = decoded(bibtex.export([SPECIAL]))["special2020"]

    # Assert
    assert texts["title"] == "Café au lait – µ-opioid receptors & pain in PI3K/AKT signalling"
    assert texts["journal"] == "Anesthesia & Analgesia"


def test_organisation_name_stays_one_name() -> None:
    # Act
    (entry,) = parse(bibtex.export([SPECIAL])).entries

    # Assert
    names = entry.fields_dict["author"].value
    assert [(n.first, n.von, n.last) for n in names] == [
        ([r"Jos{\'e}"], [], [r"S{\'a}nchez"]),
        (["V."], ["van"], ["Gogh"]),
        ([], [], [r"{WHO \& Partners}"]),
    ]


def test_doi_and_url_are_written_verbatim() -> None:
    # Act
    fields = bibtex.entry(SPECIAL).fields_dict

    # Assert
    assert fields["doi"].value == "10.1000/xyz_123"
    assert fields["url"].value == "https://example.org/a_b?x=1&y=2"


@pytest.mark.parametrize(
    ("title", "written"),
    [
        ("The LDN Book", "The {LDN} {Book}"),
        ("Effects of low-dose naltrexone", "Effects of low-dose naltrexone"),
        ("Interaction of opioid growth factor (OGF)", "Interaction of opioid growth factor ({OGF})"),
        ("mTOR signalling", "{mTOR} signalling"),
        ("ÉLAN study", r"{{\'E}LAN} study"),
    ],
)
def test_words_with_capitals_are_protected_by_braces(title: str, written: str) -> None:
    # Act
    fields = bibtex.entry(export_item({"id": "t", "type": "book", "title": title}, 1)).fields_dict

    # Assert
    assert fields["title"].value == written


def test_latex_special_characters_are_escaped_and_braces_stay_balanced() -> None:
    # Act
    written = bibtex.latex(r"50% of {x} cost $5 #1 a_b ~ \ done")

    # Assert
    assert written == (
        r"50\% of {\textbraceleft}x{\textbraceright} cost \$5 \#1 a\_b "
        r"{\textasciitilde} {\textbackslash} done"
    )
    assert written.count("{") == written.count("}")


def test_incomplete_and_unverified_entries_get_a_note() -> None:
    # Arrange
    by_key = {item.key: item for item in sample_export_items()}

    # Act
    epelbaum = bibtex.entry(by_key["C4"]).fields_dict["note"].value
    lissoni = bibtex.entry(by_key["R14"]).fields_dict["note"].value

    # Assert
    assert epelbaum == (
        "Journal not recorded; curcumin with gemcitabine in advanced pancreatic cancer. "
        "Incomplete entry: title, container-title, issued not recorded."
    )
    assert lissoni == "Volume and pages not verified."


@pytest.mark.parametrize(
    ("csl", "entry_type"),
    [
        ({"type": "article-journal"}, "article"),
        ({"type": "book"}, "book"),
        ({"type": "chapter"}, "incollection"),
        ({"type": "webpage"}, "online"),
        ({"type": "report"}, "techreport"),
        ({"type": "paper-conference"}, "inproceedings"),
        ({"type": "thesis"}, "phdthesis"),
        ({"type": "thesis", "genre": "Master's thesis"}, "mastersthesis"),
        ({"type": "article"}, "misc"),
        ({"type": "dataset"}, "misc"),
        ({}, "misc"),
    ],
)
def test_csl_types_map_to_bibtex_entry_types(csl: dict[str, Any], entry_type: str) -> None:
    # Act
    written = bibtex.export([export_item({"id": "k", **csl}, 1)])

    # Assert
    assert written.startswith(f"@{entry_type}{{k,\n")


def test_every_type_editors_can_choose_has_an_entry_type() -> None:
    # Act
    mapped = {csl_type: bibtex.entry_type({"type": csl_type}) for csl_type in CSL_TYPES}

    # Assert
    assert mapped == {
        "article-journal": "article",
        "book": "book",
        "chapter": "incollection",
        "webpage": "online",
        "report": "techreport",
        "paper-conference": "inproceedings",
        "thesis": "phdthesis",
        "article": "misc",
    }


def test_chapter_puts_the_book_in_booktitle_and_web_page_gets_urldate() -> None:
    # Arrange
    chapter = export_item(
        {"id": "ch", "type": "chapter", "title": "A chapter", "container-title": "The Book",
         "editor": [{"family": "Ed", "given": "A"}], "publisher": "P", "page": "1-20"},
        1,
    )
    page = export_item(
        {"id": "web", "type": "webpage", "title": "A page", "container-title": "Site",
         "URL": "https://example.org/", "accessed": {"date-parts": [[2021, 9, 19]]}},
        2,
    )

    # Act
    chapter_fields = bibtex.entry(chapter).fields_dict
    page_fields = bibtex.entry(page).fields_dict

    # Assert
    assert chapter_fields["booktitle"].value == "The {Book}"
    assert chapter_fields["editor"].value == "Ed, A."
    assert chapter_fields["pages"].value == "1--20"
    assert page_fields["organization"].value == "Site"
    assert page_fields["urldate"].value == "2021-09-19"


JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.text(max_size=12)
NAMES = st.lists(
    st.dictionaries(st.sampled_from(["family", "given", "literal", "suffix", "dropping-particle"]), JSON_SCALARS, max_size=3)
    | JSON_SCALARS,
    max_size=3,
)
RECORDS = st.fixed_dictionaries(
    {"id": st.from_regex(r"[a-z][a-z0-9_-]{0,8}", fullmatch=True)},
    optional={
        "type": st.sampled_from(sorted(CSL_TYPES)) | JSON_SCALARS,
        "title": JSON_SCALARS,
        "author": NAMES,
        "editor": NAMES,
        "container-title": JSON_SCALARS,
        "publisher": JSON_SCALARS,
        "issued": st.fixed_dictionaries({"date-parts": st.lists(st.lists(JSON_SCALARS, max_size=3), max_size=2)}),
        "page": JSON_SCALARS,
        "DOI": JSON_SCALARS,
        "URL": JSON_SCALARS,
        "note": JSON_SCALARS,
    },
)


@settings(max_examples=150, deadline=None)
@given(st.lists(RECORDS, min_size=1, max_size=3, unique_by=lambda r: r["id"]))
def test_any_records_give_one_parsable_entry_each(stored: list[dict[str, Any]]) -> None:
    # Arrange
    items = [export_item(csl, number) for number, csl in enumerate(stored, start=1)]

    # Act
    library = parse(bibtex.export(items))

    # Assert
    assert [entry.key for entry in library.entries] == [item.key for item in items]
    for item, entry in zip(items, library.entries, strict=True):
        title = item.csl.get("title")
        if isinstance(title, str) and title.strip():
            assert "title" in entry.fields_dict


def test_a_name_with_a_suffix_and_no_given_name_parses() -> None:
    item = export_item({"id": "a", "type": "book", "title": "T", "author": [{"family": "King", "suffix": "Jr"}]}, 1)
    (entry,) = parse(bibtex.export([item])).entries
    (name,) = entry.fields_dict["author"].value
    assert (name.last, name.jr) == (["King"], ["Jr"])
