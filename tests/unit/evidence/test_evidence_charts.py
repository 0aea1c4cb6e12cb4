"""Server-side SVG charts: structure, text alternatives, colour contrast and escaping."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carechoices.evidence.charts import (
    AXIS_COLOUR,
    BAR_COLOUR,
    DIRECTION_STYLES,
    EVIDENCE_TABLE_COLUMNS,
    MIN_FONT_SIZE,
    TEXT_COLOUR,
    evidence_map_svg,
    evidence_table,
    ratings_bar_svg,
)
from carechoices.evidence.domain import Design, Direction, OutcomeCategory, RatedAttribute

from .factories import make_entry

NS = {"svg": "http://www.w3.org/2000/svg"}
SVG = "{http://www.w3.org/2000/svg}"


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_on_white(colour: str) -> float:
    """WCAG 2.x contrast ratio of ``colour`` against white."""
    return 1.05 / (_luminance(colour) + 0.05)


def parse_svg(svg: str) -> ET.Element:
    """Parse a chart we generated (trusted input, so the stdlib parser is fine here)."""
    return ET.fromstring(svg)  # noqa: S314


def marks(root: ET.Element) -> list[ET.Element]:
    return [el for el in root.iter(f"{SVG}path") if "mark" in el.get("class", "").split()]


def studies(root: ET.Element) -> list[ET.Element]:
    """One group per study: its mark, its label and its tooltip."""
    return [el for el in root.iter(f"{SVG}g") if el.get("class") == "study"]


def font_sizes(root: ET.Element) -> list[float]:
    """The font size every text of the chart is drawn at (inherited from its groups)."""
    sizes = []

    def walk(element: ET.Element, inherited: float) -> None:
        size = float(element.get("font-size", inherited))
        if element.tag in (f"{SVG}text", f"{SVG}tspan") and "".join(element.itertext()).strip():
            sizes.append(size)
        for child in element:
            walk(child, size)

    walk(root, 16.0)  # the browser's default, for any text that sets no size
    return sizes


def sample_entries() -> list:
    return [
        make_entry(direction=Direction.BENEFIT),
        make_entry(direction=Direction.NO_EFFECT, design=Design.META_ANALYSIS),
        make_entry(
            direction=Direction.HARM,
            design=Design.ANIMAL,
            participants=None,
            endpoint=None,
            outcome_category=OutcomeCategory.SAFETY,
        ),
        make_entry(direction=Direction.MIXED, design=Design.CASE_REPORT),
        make_entry(direction=Direction.BENEFIT, design=Design.CASE_REPORT),
    ]


def draw_map(entries: list | None = None, **kw: str) -> ET.Element:
    svg = evidence_map_svg(
        sample_entries() if entries is None else entries,
        title=kw.get("title", "Evidence for therapy X"),
        description=kw.get("description", "Each mark is one study."),
        chart_id=kw.get("chart_id", "evidence-map"),
    )
    return parse_svg(svg)


# --- evidence map -----------------------------------------------------------------------------


def test_evidence_map_draws_one_mark_per_entry() -> None:
    # Arrange
    entries = sample_entries()

    # Act
    root = draw_map(entries)

    # Assert
    assert len(marks(root)) == len(entries)
    assert sorted(int(mark.get("data-entry")) for mark in marks(root)) == [1, 2, 3, 4, 5]


def test_evidence_map_is_an_image_named_by_its_title_and_desc() -> None:
    # Arrange / Act
    root = draw_map(chart_id="ldn-map")

    # Assert
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    title = root.find("svg:title", NS)
    desc = root.find("svg:desc", NS)
    assert (
        (title.get("id"), desc.get("id"))
        == (title_id, desc_id)
        == ("ldn-map-title", "ldn-map-desc")
    )
    assert title.text == "Evidence for therapy X"
    assert desc.text.startswith("Each mark is one study.")
    assert "5 evidence entries (2 benefit, 1 no effect, 1 harm, 1 mixed)" in desc.text
    assert "4 from studies in people" in desc.text


def test_evidence_map_every_mark_has_a_text_alternative() -> None:
    # Arrange / Act
    root = draw_map()

    # Assert: without a page's numbering a study's tooltip names its design and reference keys
    assert len(studies(root)) == len(marks(root)) == 5
    for study in studies(root):
        title = study.find("svg:title", NS)
        assert title is not None
        assert title.text.split(";")[0] in {"Meta-analysis", "Randomised trial, double-blind", "Case report", "Animal study"}
        assert "ref1" in title.text


def test_evidence_map_labels_each_mark_with_its_reference_number() -> None:
    # Arrange
    entries = [make_entry(references=("a",)), make_entry(references=("b", "c"), design=Design.COHORT)]

    # Act
    root = parse_svg(
        evidence_map_svg(entries, title="t", description="d", citation_numbers={"a": 9, "b": 4, "c": 12})
    )

    # Assert: the number readers see in the list of studies, in text beside the mark and first
    # in its tooltip; "Entry N" numbering is gone
    labels = {study.get("data-references"): study for study in studies(root)}
    assert set(labels) == {"9", "4,12"}
    assert "".join(labels["9"].find("svg:text", NS).itertext()) == "9"
    assert labels["4,12"].find("svg:title", NS).text.startswith("References 4, 12: Cohort study")
    assert "Entry" not in ET.tostring(root, encoding="unicode")


def test_evidence_map_direction_is_shown_by_shape_as_well_as_colour() -> None:
    # Arrange
    entries = [make_entry(direction=direction) for direction in Direction]

    # Act
    root = draw_map(entries)

    # Assert: the path's commands (its shape) differ by direction, not only the fill
    shapes = {}
    for mark in marks(root):
        commands = "".join(ch for ch in mark.get("d") if ch.isalpha())
        shapes[mark.get("data-direction")] = (commands, mark.get("fill"))
    assert len({commands for commands, _ in shapes.values()}) == len(Direction)
    assert len({fill for _, fill in shapes.values()}) == len(Direction)


def test_evidence_map_legend_names_every_direction_in_text() -> None:
    # Arrange / Act
    root = draw_map()

    # Assert
    legend = root.find(".//svg:g[@class='legend']", NS)
    texts = " ".join("".join(t.itertext()) for t in legend.iter(f"{SVG}text"))
    for direction in Direction:
        assert direction.label in texts


@pytest.mark.parametrize(
    "colour",
    [style.colour for style in DIRECTION_STYLES.values()] + [AXIS_COLOUR, BAR_COLOUR],
)
def test_chart_colours_have_at_least_3_to_1_contrast_on_white(colour: str) -> None:
    # Arrange / Act
    ratio = contrast_on_white(colour)

    # Assert
    assert ratio >= 3.0


def test_chart_text_colour_meets_4_5_to_1() -> None:
    # Arrange / Act / Assert
    assert contrast_on_white(TEXT_COLOUR) >= 4.5


def test_evidence_map_places_marks_by_category_and_design() -> None:
    # Arrange: a strong design in the first column, a weak one in the last
    strong = make_entry(design=Design.META_ANALYSIS)
    weak = make_entry(
        design=Design.IN_VITRO,
        participants=None,
        endpoint=None,
        outcome_category=OutcomeCategory.SAFETY,
    )

    # Act
    root = draw_map([weak, strong])

    # Assert
    def start(mark: ET.Element) -> tuple[float, float]:
        x, y = mark.get("d")[1:].split()[0].split(",")
        return float(x), float(y)

    by_entry = {mark.get("data-entry"): start(mark) for mark in marks(root)}
    (x_strong, y_strong), (x_weak, y_weak) = by_entry["1"], by_entry["2"]
    assert x_strong < x_weak
    assert y_strong < y_weak


def test_evidence_map_many_marks_in_one_cell_stay_inside_it() -> None:
    # Arrange
    entries = [make_entry() for _ in range(30)]

    # Act
    root = draw_map(entries)

    # Assert: all marks share the first column (x from 214 to 310), in as many lines as it takes
    xs = [float(mark.get("d")[1:].split(",")[0]) for mark in marks(root)]
    ys = {float(mark.get("d")[1:].split(",")[1].split()[0]) for mark in marks(root)}
    assert len(xs) == 30
    assert min(xs) >= 214
    assert max(xs) <= 310
    assert len(ys) > 1


def test_evidence_map_empty_says_so() -> None:
    # Arrange / Act
    root = draw_map([])

    # Assert
    assert marks(root) == []
    assert "No evidence entries are recorded." in root.find("svg:desc", NS).text


def test_evidence_map_escapes_editor_text() -> None:
    # Arrange
    hostile = "<script>alert(\"x\")</script> & 'quotes'"
    entry = make_entry(cancer_types=(hostile,), references=("a&b",))

    # Act
    svg = evidence_map_svg([entry], title=hostile, description=hostile)
    root = parse_svg(svg)

    # Assert
    assert "<script>" not in svg
    assert root.find("svg:title", NS).text == hostile
    assert root.find("svg:desc", NS).text.startswith(hostile)
    mark_title = studies(root)[0].find("svg:title", NS).text
    assert hostile in mark_title
    assert "a&b" in mark_title


def test_evidence_map_names_references_by_the_pages_citation_numbers() -> None:
    # Arrange
    cited = make_entry(references=("smith2020", "jones2019"))
    unnumbered = make_entry(references=("nobody2001",), design=Design.COHORT)
    numbers = {"smith2020": 7, "jones2019": 3}

    # Act
    svg = evidence_map_svg(
        [cited, unnumbered], title="t", description="d", citation_numbers=numbers
    )
    titles = [study.find("svg:title", NS).text for study in studies(parse_svg(svg))]

    # Assert: numbers in order, and no citation key anywhere in the chart
    assert any(title.startswith("References 3, 7: ") for title in titles)
    assert not any("eference" in title for title in titles if "Cohort" in title)
    for key in ("smith2020", "jones2019", "nobody2001"):
        assert key not in svg


def test_evidence_map_drops_characters_xml_cannot_hold() -> None:
    # Arrange
    title = "bad\x00 control\x1b chars"

    # Act
    root = draw_map(title=title)

    # Assert
    assert root.find("svg:title", NS).text == "bad control chars"


@pytest.mark.parametrize("chart_id", ["", "1map", 'x" onload="alert(1)', "a b", "x" * 65])
def test_evidence_map_rejects_unsafe_chart_ids(chart_id: str) -> None:
    # Arrange / Act / Assert
    with pytest.raises(ValueError, match="chart_id"):
        evidence_map_svg([], title="t", description="d", chart_id=chart_id)


@settings(max_examples=100, deadline=None)
@given(title=st.text(max_size=40), description=st.text(max_size=40), cancer=st.text(max_size=20))
def test_evidence_map_any_text_gives_well_formed_svg(
    title: str, description: str, cancer: str
) -> None:
    # Arrange
    entry = make_entry(cancer_types=(cancer,))

    # Act
    root = parse_svg(evidence_map_svg([entry], title=title, description=description))

    # Assert
    assert len(marks(root)) == 1


# --- evidence table ---------------------------------------------------------------------------


def test_evidence_table_has_a_row_per_entry_in_chart_order() -> None:
    # Arrange
    entries = sample_entries()

    # Act
    rows = evidence_table(entries)
    root = draw_map(entries)

    # Assert
    assert [row["number"] for row in rows] == ["1", "2", "3", "4", "5"]
    assert all(set(row) == {key for key, _ in EVIDENCE_TABLE_COLUMNS} for row in rows)
    directions_in_chart = {m.get("data-entry"): m.get("data-direction") for m in marks(root)}
    for row in rows:
        assert Direction(directions_in_chart[row["number"]]).label == row["direction"]
    assert [row["design"] for row in rows] == [
        "Meta-analysis",
        "Randomised trial, double-blind",
        "Case report",
        "Case report",
        "Animal study",
    ]


def test_evidence_table_spells_out_missing_values_and_pdq() -> None:
    # Arrange
    human = make_entry(participants=None, dose="", endpoint=None, design=Design.CASE_REPORT)
    scored = make_entry()
    mouse = make_entry(design=Design.ANIMAL, participants=None, endpoint=None, cancer_types=())

    # Act
    rows = {row["design"]: row for row in evidence_table([human, scored, mouse])}

    # Assert
    assert rows["Case report"]["participants"] == "not stated"
    assert rows["Case report"]["dose"] == "not recorded"
    assert rows["Case report"]["endpoint"] == "not recorded"
    assert rows["Case report"]["pdq_level"].startswith("not scored")
    assert rows["Randomised trial, double-blind"]["pdq_level"] == "1iA"
    assert rows["Animal study"]["participants"] == "not applicable"
    assert rows["Animal study"]["evidence"] == "cells or animals"
    assert rows["Animal study"]["cancer_types"] == "not specified"


# --- ratings bars -----------------------------------------------------------------------------

SEVEN = [
    (RatedAttribute.TREATMENT_OUTCOMES.label, 2),
    (RatedAttribute.BODY_TERRAIN.label, None),
    (RatedAttribute.SIDE_EFFECTS_WELLNESS.label, 0),
    (RatedAttribute.CANCER_RISK.label, None),
    (RatedAttribute.EXPERT_USE.label, 2),
    (RatedAttribute.SAFETY.label, 3),
    (RatedAttribute.AFFORDABILITY.label, 5),
]


def test_ratings_bar_draws_seven_rows_with_numbers_in_text() -> None:
    # Arrange / Act
    root = parse_svg(ratings_bar_svg(SEVEN))

    # Assert
    rows = root.findall("svg:g[@class='rating']", NS)
    values = [row.find("svg:text[@class='value']", NS).text for row in rows]
    assert len(rows) == 7
    assert values == [
        "2 of 5",
        "not yet rated",
        "0 of 5",
        "not yet rated",
        "2 of 5",
        "3 of 5",
        "5 of 5",
    ]


def test_ratings_bar_length_follows_score_and_unrated_has_no_bar() -> None:
    # Arrange / Act
    root = parse_svg(ratings_bar_svg(SEVEN))

    # Assert
    widths = []
    for row in root.findall("svg:g[@class='rating']", NS):
        bar = row.find("svg:rect[@class='rating-bar']", NS)
        widths.append(None if bar is None else int(bar.get("width")))
    assert widths == [100, None, None, None, 100, 150, 250]


def test_ratings_bar_desc_reads_every_rating() -> None:
    # Arrange / Act
    root = parse_svg(ratings_bar_svg(SEVEN, description="LDN ratings.", chart_id="ldn"))

    # Assert
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "ldn-title ldn-desc"
    desc = root.find("svg:desc", NS).text
    assert desc.startswith("LDN ratings. ")
    assert "Optimizing body terrain: not yet rated" in desc
    assert "Safety: 3 of 5" in desc


@pytest.mark.parametrize("score", [-1, 6, True, 2.5, "3"])
def test_ratings_bar_rejects_scores_off_the_scale(score: object) -> None:
    # Arrange / Act / Assert
    with pytest.raises(ValueError, match="0 to 5"):
        ratings_bar_svg([("Safety", score)])  # type: ignore[list-item]


def test_ratings_bar_empty_list_raises() -> None:
    # Arrange / Act / Assert
    with pytest.raises(ValueError, match="no ratings"):
        ratings_bar_svg([])


def test_ratings_bar_escapes_labels() -> None:
    # Arrange
    label = "Cost & <access>"

    # Act
    svg = ratings_bar_svg([(label, 4)], title="<b>")
    root = parse_svg(svg)

    # Assert
    assert "<access>" not in svg
    assert root.find(".//svg:text[@class='label']", NS).text == label
    assert root.find("svg:title", NS).text == "<b>"


# --- phone readability ------------------------------------------------------------------------


@pytest.mark.parametrize("layout", ["wide", "stacked"])
def test_evidence_map_text_is_never_smaller_than_12_units(layout: str) -> None:
    # Arrange
    entries = sample_entries()

    # Act
    root = parse_svg(
        evidence_map_svg(entries, title="t", description="d", citation_numbers={"ref1": 1}, layout=layout)
    )

    # Assert
    assert font_sizes(root) and min(font_sizes(root)) >= MIN_FONT_SIZE == 12


def test_evidence_map_stacked_fits_a_375px_phone_at_full_size() -> None:
    # Arrange / Act: a 375 px phone's text column is 343 px wide
    root = parse_svg(evidence_map_svg(sample_entries(), title="t", description="d", layout="stacked"))

    # Assert: drawn 1:1 there, so 12-unit text is 12 px
    assert int(root.get("width")) <= 343
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    assert len(marks(root)) == 5


def test_evidence_map_stacked_names_the_outcomes_with_no_studies() -> None:
    # Arrange / Act
    root = parse_svg(evidence_map_svg([make_entry()], title="t", description="d", layout="stacked"))
    text = " ".join(" ".join(t.itertext()) for t in root.iter(f"{SVG}text"))
    text = " ".join(text.split())

    # Assert
    assert "Improving treatment outcomes" in text
    assert "No studies recorded for: Optimizing body terrain; Managing side effects" in text


def test_evidence_map_rejects_an_unknown_layout() -> None:
    with pytest.raises(ValueError, match="layout"):
        evidence_map_svg([], title="t", description="d", layout="tall")


def test_ratings_bar_fits_a_phone_with_13_unit_text_and_wraps_long_labels() -> None:
    # Arrange
    long_label = "Managing side effects and promoting wellness, and a good deal more besides"

    # Act
    root = parse_svg(ratings_bar_svg([(long_label, 3), ("Safety", 2)]))

    # Assert: nothing is cut off: every word of the label is drawn, on lines that fit
    assert int(root.get("width")) <= 360
    assert min(font_sizes(root)) >= 13
    label = root.find(".//svg:text[@class='label']", NS)
    lines = [span.text for span in label.findall("svg:tspan", NS)]
    assert len(lines) == 2 and " ".join(lines) == long_label
    assert all(len(line) <= 44 for line in lines)


def test_ratings_bar_width_cannot_be_overridden_by_a_page_class() -> None:
    # A site-wide ".bar { width: … }" once drew every bar 0 px wide: bars carry a class no page
    # style uses, with their width in the attribute and no inline style (the CSP forbids it).
    root = parse_svg(ratings_bar_svg([("Safety", 3)]))
    bar = root.find(".//svg:rect[@class='rating-bar']", NS)
    assert root.find(".//*[@class='bar']") is None
    assert bar.get("width") == "150" and bar.get("style") is None
