"""AMA text export: the page's entries, one numbered line each, with the page's flags."""

from __future__ import annotations

from carechoices.references.exports import ama, export_item

from .conftest import load_golden_ama
from .export_samples import sample_export_items


def test_each_line_is_the_number_and_the_golden_ama_entry() -> None:
    # Arrange
    items = sample_export_items()
    golden = dict(load_golden_ama())

    # Act
    lines = ama.export(items).splitlines()

    # Assert
    assert len(lines) == len(items)
    for item, line in zip(items, lines, strict=True):
        assert line.startswith(f"{item.number}. {golden[item.key]}"), item.key


def test_flags_follow_the_entry_in_brackets() -> None:
    # Arrange
    by_key = {item.key: item for item in sample_export_items()}

    # Act
    lines = ama.export([by_key["C4"], by_key["R14"]]).splitlines()

    # Assert
    assert lines == [
        "26. Epelbaum R, Schaffer M, Vizel B, et al. "
        "[Incomplete entry: title, container-title, issued not recorded.]",
        "14. Lissoni P, et al. Radioendocrine therapy of brain tumors with the long acting opioid "
        "antagonist naltrexone in association with radiotherapy. Tumori. 1993. "
        "[Volume and pages not verified.]",
    ]


def test_numbers_are_the_items_own_so_they_match_the_page() -> None:
    # Arrange
    items = [
        export_item({"id": "a", "type": "book", "title": "First", "author": [{"literal": "A"}],
                     "publisher": "P", "issued": {"date-parts": [[2020]]}}, 4),
        export_item({"id": "b", "type": "book", "title": "Second", "author": [{"literal": "B"}],
                     "publisher": "P", "issued": {"date-parts": [[2021]]}}, 9),
    ]

    # Act
    text = ama.export(items)

    # Assert
    assert text == "4. A. First. P; 2020.\n9. B. Second. P; 2021.\n"


def test_entry_is_plain_text_on_one_line() -> None:
    # Arrange
    item = export_item(
        {"id": "x", "type": "webpage", "title": "<b>Bold</b>\nclaims", "container-title": "Site",
         "URL": "https://example.org/"},
        1,
    )

    # Act
    text = ama.export([item])

    # Assert
    assert text.count("\n") == 1
    assert "<b>Bold</b> claims" in text
    assert "<i>" not in text
