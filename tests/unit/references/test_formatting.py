"""AMA bibliography entries: golden output for the sample library, safety of the HTML, quirks."""

from __future__ import annotations

import copy
import io
from typing import Any

import pytest
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from hypothesis import given, settings
from hypothesis import strategies as st

from carechoices.references.formatting import (
    ET_AL_AUTHOR,
    FormattedReference,
    format_references,
)

from .conftest import load_golden_ama, load_sample_library

EXPECTED_IDS = [
    *(f"R{number}" for number in range(1, 19)),
    "V1",
    "V2",
    "M1",
    "M2",
    "C1",
    "C2",
    "C3",
    "C4",
    "L1",
    "L2",
    "P1",
    "K1",
]


def _article(**fields: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": "a1",
        "type": "article-journal",
        "author": [{"family": "Zagon", "given": "IS"}],
        "title": "Opioids and the apoptotic pathway in human cancer cells",
        "container-title": "Neuropeptides",
        "issued": {"date-parts": [[2003, 4]]},
        "volume": "37",
        "issue": "2",
        "page": "79-88",
    }
    item.update(fields)
    return item


def _one(item: dict[str, Any]) -> FormattedReference:
    (entry,) = format_references([item])
    return entry


# --- golden ---------------------------------------------------------------------------------


def test_sample_library_holds_every_reference_in_source_order() -> None:
    # Arrange
    library = load_sample_library()

    # Act
    ids = [item["id"] for item in library]

    # Assert
    assert ids == EXPECTED_IDS


def test_golden_file_covers_every_sample_reference() -> None:
    # Arrange
    golden_ids = [reference_id for reference_id, _ in load_golden_ama()]

    # Act / Assert
    assert golden_ids == EXPECTED_IDS


@pytest.mark.parametrize(("reference_id", "expected"), load_golden_ama())
def test_format_references_sample_matches_golden_ama(reference_id: str, expected: str) -> None:
    # Arrange
    library = load_sample_library()

    # Act
    entries = {entry.id: entry for entry in format_references(library)}

    # Assert
    assert entries[reference_id].text == expected


def test_format_references_sample_keeps_given_order() -> None:
    # Arrange
    library = load_sample_library()
    shuffled = library[::-1]

    # Act
    entries = format_references(shuffled)

    # Assert
    assert [entry.id for entry in entries] == [item["id"] for item in shuffled]


# --- shape of an entry ----------------------------------------------------------------------


def test_format_references_entry_has_no_leading_number() -> None:
    # Arrange
    items = [_article(id="first"), _article(id="second", title="Another study")]

    # Act
    entries = format_references(items)

    # Assert
    assert [entry.text.split(" ", 1)[0] for entry in entries] == ["Zagon", "Zagon"]


def test_format_references_journal_is_italic_in_html_only() -> None:
    # Arrange
    item = _article()

    # Act
    entry = _one(item)

    # Assert
    assert entry.html == (
        "Zagon IS. Opioids and the apoptotic pathway in human cancer cells. "
        "<i>Neuropeptides</i>. 2003;37(2):79-88."
    )
    assert "<" not in entry.text


def test_format_references_book_title_is_italic(sample_by_id: dict[str, dict[str, Any]]) -> None:
    # Arrange
    edited_book = sample_by_id["R1"]

    # Act
    entry = _one(edited_book)

    # Assert
    assert entry.html == "Elsegood L, ed. <i>The LDN Book</i>. Chelsea Green Publishing; 2016."


def test_format_references_empty_list_gives_empty_list() -> None:
    # Arrange / Act
    entries = format_references([])

    # Assert
    assert entries == []


def test_format_references_keeps_id_case_and_duplicates() -> None:
    # Arrange: citeproc-py lower-cases ids and merges repeats; the caller's ids must survive.
    items = [_article(id="R7"), _article(id="r7", title="Other"), _article(id="R7")]

    # Act
    entries = format_references(items)

    # Assert
    assert [entry.id for entry in entries] == ["R7", "r7", "R7"]
    assert entries[0].text == entries[2].text != entries[1].text


@pytest.mark.parametrize("item", [{}, {"id": ""}, {"id": "   "}, "R1", None])
def test_format_references_item_without_id_is_refused(item: Any) -> None:
    # Arrange
    items = [_article(), item]

    # Act / Assert
    with pytest.raises(ValueError, match="position 1 has no 'id'"):
        format_references(items)


def test_format_references_does_not_change_its_input(sample_library: list[dict[str, Any]]) -> None:
    # Arrange
    before = copy.deepcopy(sample_library)

    # Act
    format_references(sample_library)

    # Assert
    assert sample_library == before


def test_format_references_ignores_fields_citeproc_does_not_know() -> None:
    # Arrange: pytest turns warnings into errors, and citeproc-py warns about unknown fields.
    item = _article(
        **{"custom-field": "x", "citation-number": "99", "issued": {"date-parts": [[2003, 4]]}}
    )
    item["author"] = [{"family": "Zagon", "given": "IS", "sequence": "first"}]

    # Act
    entry = _one(item)

    # Assert
    assert entry.text.startswith("Zagon IS. Opioids")


def test_format_references_repeated_call_gives_same_entries(
    sample_library: list[dict[str, Any]],
) -> None:
    # Arrange: the second call is answered from the entry cache.
    first = format_references(sample_library)

    # Act
    second = format_references(sample_library)

    # Assert
    assert second == first


# --- authors --------------------------------------------------------------------------------


def test_format_references_et_al_marker_renders_as_in_source() -> None:
    # Arrange
    authors = [{"family": "Bolton", "given": "M"}, {"family": "Hodkinson", "given": "A"}]
    item = _article(author=[*authors, dict(ET_AL_AUTHOR)], title="Serious adverse events")

    # Act
    entry = _one(item)

    # Assert
    assert entry.text.startswith("Bolton M, Hodkinson A, et al. Serious adverse events. ")


def test_format_references_seven_authors_become_three_and_et_al() -> None:
    # Arrange
    authors = [{"family": f"Author{n}", "given": "A"} for n in range(1, 8)]

    # Act
    entry = _one(_article(author=authors))

    # Assert
    assert entry.text.startswith("Author1 A, Author2 A, Author3 A, et al. Opioids")


def test_format_references_six_authors_are_all_listed() -> None:
    # Arrange
    authors = [{"family": f"Author{n}", "given": "A"} for n in range(1, 7)]

    # Act
    entry = _one(_article(author=authors))

    # Assert
    assert entry.text.startswith(
        "Author1 A, Author2 A, Author3 A, Author4 A, Author5 A, Author6 A. Opioids"
    )


@pytest.mark.parametrize(
    ("given", "rendered"),
    [("APS", "Hungin APS"), ("A. P. S.", "Hungin APS"), ("A P S", "Hungin APS"), ("A", "Hungin A")],
)
def test_format_references_initials_keep_every_letter(given: str, rendered: str) -> None:
    # Arrange: citeproc-py alone would shorten "APS" to "A".
    item = _article(author=[{"family": "Hungin", "given": given}])

    # Act
    entry = _one(item)

    # Assert
    assert entry.text.startswith(rendered + ". ")


def test_format_references_full_given_name_becomes_initials() -> None:
    # Arrange
    item = _article(author=[{"family": "Zagon", "given": "Ian S."}])

    # Act
    entry = _one(item)

    # Assert
    assert entry.text.startswith("Zagon IS. ")


# --- style adjustments ----------------------------------------------------------------------


def test_format_references_article_without_volume_shows_plain_year() -> None:
    # Arrange
    item = _article(volume=None, issue=None, page=None, issued={"date-parts": [[1993]]})

    # Act
    entry = _one(item)

    # Assert
    assert entry.text.endswith("Neuropeptides. 1993.")


@pytest.mark.parametrize("status", ["advance online publication", "Epub ahead of print"])
def test_format_references_online_first_status_says_published_online(status: str) -> None:
    # Arrange
    item = _article(volume=None, issue=None, page=None, issued={"date-parts": [[2021, 1, 26]]})
    item["status"] = status

    # Act
    entry = _one(item)

    # Assert
    assert entry.text.endswith("Neuropeptides. Published online January 26, 2021.")


def test_format_references_other_status_is_not_online_first() -> None:
    # Arrange
    item = _article(volume=None, issue=None, page=None, status="retracted")

    # Act
    entry = _one(item)

    # Assert
    assert "Published online" not in entry.text


def test_format_references_item_without_author_prints_title_once() -> None:
    # Arrange
    item = _article(author=None, title="Family cancer syndromes")

    # Act
    entry = _one(item)

    # Assert
    assert entry.text == "Family cancer syndromes. Neuropeptides. 2003;37(2):79-88."


def test_format_references_chapter_names_its_editors() -> None:
    # Arrange
    item = {
        "id": "ch",
        "type": "chapter",
        "author": [{"family": "Bihari", "given": "B"}],
        "editor": [{"family": "Elsegood", "given": "L"}],
        "title": "A chapter",
        "container-title": "The LDN Book",
        "publisher": "Chelsea Green Publishing",
        "issued": {"date-parts": [[2016]]},
        "page": "20-21",
    }

    # Act
    entry = _one(item)

    # Assert
    assert entry.text == (
        "Bihari B. A chapter. In: Elsegood L, ed. The LDN Book. Chelsea Green Publishing; 2016:20-21."
    )


def test_format_references_web_page_with_url_puts_accessed_before_url() -> None:
    # Arrange
    item = {
        "id": "w",
        "type": "webpage",
        "title": "LDN and cancer",
        "container-title": "Low Dose Naltrexone",
        "issued": {"date-parts": [[2021, 2, 21]]},
        "accessed": {"date-parts": [[2021, 9, 19]]},
        "URL": "https://example.org/ldn?a=1&b=2",
    }

    # Act
    entry = _one(item)

    # Assert
    assert entry.text.endswith(
        "Published February 21, 2021. Accessed September 19, 2021. https://example.org/ldn?a=1&b=2"
    )
    assert entry.html.endswith("https://example.org/ldn?a=1&amp;b=2")


# --- HTML safety ----------------------------------------------------------------------------


def test_format_references_html_escapes_script_in_title() -> None:
    # Arrange
    item = _article(title='Bad <script>alert("x")</script> & co')

    # Act
    entry = _one(item)

    # Assert
    assert "<script" not in entry.html
    assert '&lt;script&gt;alert("x")&lt;/script&gt; &amp; co' in entry.html
    assert '<script>alert("x")</script> & co' in entry.text


def test_format_references_html_escapes_markup_in_every_field() -> None:
    # Arrange
    item = _article(
        author=[{"family": "<b>Evil</b>", "given": "A"}, {"literal": "<img src=x onerror=1>"}],
        **{"container-title": "J <i>x</i>", "volume": "<1>", "page": "<p>"},
    )

    # Act
    entry = _one(item)

    # Assert
    assert entry.html.count("<") == entry.html.count("<i>") + entry.html.count("</i>")
    assert entry.html.count("<i>") == 1


def test_format_references_sentinel_characters_in_data_do_not_become_tags() -> None:
    # Arrange: the formatter marks italics with private-use characters; data may not forge them.
    item = _article(title="\ue000forged\ue001 title")

    # Act
    entry = _one(item)

    # Assert
    assert entry.html.count("<i>") == 1
    assert "forged title" in entry.text


# --- citeproc left as it was for others ------------------------------------------------------


def test_format_references_leaves_other_citeproc_styles_working() -> None:
    # Arrange: our XPath memo must only apply to our own style's trees.
    format_references([_article()])
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    source = CiteProcJSON([{k: v for k, v in _article().items() if v is not None}])
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    bibliography.register(Citation([CitationItem("a1")]))

    # Act
    (entry,) = [str(text) for text in bibliography.bibliography()]

    # Assert
    assert "Zagon" in entry and "Neuropeptides" in entry


def test_adapted_style_still_validates_against_csl_schema(recwarn: pytest.WarningsRecorder) -> None:
    # Arrange
    from importlib import resources

    from carechoices.references.formatting import _adapt_ama_style

    raw = resources.files("carechoices.references.csl").joinpath("american-medical-association.csl")

    # Act: citeproc-py reports schema errors as a warning, which pytest turns into an error.
    CitationStylesStyle(io.BytesIO(_adapt_ama_style(raw.read_bytes())), validate=True)

    # Assert
    assert len(recwarn) == 0


# --- odd data -------------------------------------------------------------------------------


def test_format_references_empty_entry_does_not_shift_later_entries() -> None:
    # Arrange: citeproc drops an item that renders as nothing from its output list.
    items = [{"id": "blank", "type": "article-journal"}, _article(id="after")]

    # Act
    entries = format_references(items)

    # Assert
    assert [(entry.id, entry.text) for entry in entries] == [
        ("blank", ""),
        (
            "after",
            "Zagon IS. Opioids and the apoptotic pathway in human cancer cells. "
            "Neuropeptides. 2003;37(2):79-88.",
        ),
    ]


@pytest.mark.parametrize(
    ("issued", "ending"),
    [
        ({"date-parts": [[2021, 1, 26]]}, "Neuropeptides. January 26, 2021."),
        ({"date-parts": [[2019, 13, 40]]}, "Neuropeptides. 2019."),
        ({"date-parts": [[2019, 2, 30]]}, "Neuropeptides. February 2019."),
        ({"date-parts": [["2019", "2"]]}, "Neuropeptides. February 2019."),
        ({"date-parts": [[]]}, "Neuropeptides."),
        ("2019", "Neuropeptides."),
    ],
)
def test_format_references_bad_date_parts_are_shortened(issued: Any, ending: str) -> None:
    # Arrange
    item = _article(volume=None, issue=None, page=None, issued=issued)

    # Act
    entry = _one(item)

    # Assert
    assert entry.text.endswith(ending)


@pytest.mark.parametrize("author", ["Zagon IS", 5, [None, "Zagon", {"given": ""}]])
def test_format_references_malformed_names_are_left_out(author: Any) -> None:
    # Arrange
    item = _article(author=author)

    # Act
    entry = _one(item)

    # Assert
    assert entry.text.startswith("Opioids and the apoptotic pathway")


_csl_text = st.text(max_size=30)
_csl_values = st.one_of(
    st.none(),
    _csl_text,
    st.integers(),
    st.lists(
        st.dictionaries(st.sampled_from(["family", "given", "literal"]), _csl_text), max_size=4
    ),
    st.fixed_dictionaries(
        {"date-parts": st.lists(st.lists(st.integers(), max_size=4), max_size=2)}
    ),
)
_csl_items = st.dictionaries(
    st.sampled_from(
        [
            "type",
            "title",
            "author",
            "editor",
            "container-title",
            "issued",
            "accessed",
            "volume",
            "issue",
            "page",
            "DOI",
            "URL",
            "publisher",
            "status",
            "edition",
            "note",
        ]
    ),
    _csl_values,
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_csl_items, max_size=5))
def test_format_references_any_csl_like_data_gives_one_entry_per_item(
    raw_items: list[dict[str, Any]],
) -> None:
    # Arrange
    items = [{**item, "id": f"id{position}"} for position, item in enumerate(raw_items)]

    # Act
    entries = format_references(items)

    # Assert
    assert [entry.id for entry in entries] == [item["id"] for item in items]
    assert all("<" not in entry.html.replace("<i>", "").replace("</i>", "") for entry in entries)
