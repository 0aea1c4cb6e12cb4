"""Charts for evidence and ratings, drawn on the server as SVG strings (no JavaScript needed).

Accessibility choices (WCAG 2.2 AA):

* every chart is ``role="img"`` with ``<title>`` and ``<desc>`` named by ``aria-labelledby``; the
  description repeats the data in words, and :func:`evidence_table` gives the same rows as a
  table for screen readers and print;
* direction is shown by colour *and* shape (benefit circle, no effect square, harm triangle,
  mixed diamond), and every colour has at least 3:1 contrast on white;
* numbers are printed as text ("3 of 5", "not yet rated"), never left to bar length alone.

All text from editors is escaped, and characters XML cannot hold are dropped, so no entry can
break the markup or inject any.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from carechoices.evidence.domain import (
    DESIGN_ORDER,
    PRECLINICAL_DESIGNS,
    Design,
    Direction,
    EvidenceEntry,
    EvidenceKind,
    OutcomeCategory,
)
from carechoices.evidence.pdq import classify_pdq

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
TEXT_COLOUR = "#1f1f1f"
AXIS_COLOUR = "#767676"  # 4.5:1 on white: axes and tracks are needed to read the chart
GRID_COLOUR = "#e3e3e3"  # decorative only
BAR_COLOUR = "#1f5fa8"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"


@dataclass(frozen=True)
class MarkStyle:
    """How one direction is drawn: a colour, a shape and the words in the legend."""

    colour: str
    shape: str
    legend: str


DIRECTION_STYLES = MappingProxyType(
    {
        Direction.BENEFIT: MarkStyle("#1b7a3e", "circle", "Benefit (circle)"),
        Direction.NO_EFFECT: MarkStyle("#5c5c5c", "square", "No effect (square)"),
        Direction.HARM: MarkStyle("#b3261e", "triangle", "Harm (triangle)"),
        Direction.MIXED: MarkStyle("#6a3d9a", "diamond", "Mixed (diamond)"),
    }
)

#: Column headings of the evidence map, short enough for a narrow column (one line each).
CATEGORY_HEADINGS = MappingProxyType(
    {
        OutcomeCategory.TREATMENT_OUTCOMES: ("Treatment", "outcomes"),
        OutcomeCategory.BODY_TERRAIN: ("Body", "terrain"),
        OutcomeCategory.SIDE_EFFECTS_WELLNESS: ("Side effects", "& wellness"),
        OutcomeCategory.CANCER_RISK: ("Cancer", "risk"),
        OutcomeCategory.SAFETY: ("Safety",),
    }
)

#: Columns of :func:`evidence_table`, as (key, heading), in display order.
EVIDENCE_TABLE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("number", "Entry"),
    ("outcome_category", "Outcome"),
    ("design", "Study design"),
    ("pdq_level", "PDQ level"),
    ("participants", "Participants"),
    ("population", "Population"),
    ("cancer_types", "Cancer types"),
    ("intervention", "Intervention"),
    ("dose", "Dose"),
    ("endpoint", "Endpoint"),
    ("direction", "Direction"),
    ("effect", "Effect"),
    ("evidence", "Evidence from"),
    ("notes", "Notes"),
    ("references", "References"),
)

_EVIDENCE_FROM = MappingProxyType(
    {
        EvidenceKind.HUMAN: "people",
        EvidenceKind.PRECLINICAL: "cells or animals",
        EvidenceKind.OPINION: "expert opinion or review",
    }
)

# Characters XML 1.0 cannot contain, even escaped.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_CHART_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}")

_CATEGORIES = tuple(OutcomeCategory)

# Evidence map geometry (user units of the viewBox, drawn 1:1 on screen). The wide map is as wide
# as the page's text column (46rem less padding), so its 12-unit text is 12 px on a desktop; the
# stacked map is as wide as a 375 px phone's text column, so its text is 12 px or more there.
_MAP_WIDTH = 704
_MAP_LEFT = 214
_MAP_TOP = 64
_MAP_COLUMN = (_MAP_WIDTH - _MAP_LEFT - 10) // len(_CATEGORIES)
_MAP_MARK = 6.0
_MAP_LINE = 15  # one line of 12-unit text
_MAP_CHIP_LINE = 20  # one line of marks in a cell
_MAP_DESIGN_CHARS = 30  # wrap design labels longer than this
_STACKED_WIDTH = 343
_STACKED_LEFT = 150
_STACKED_DESIGN_CHARS = 22
_DIGIT_WIDTH = 7.2  # a digit or comma of 12-unit system-ui text, rounded up
#: Smallest text in any chart, in user units: 12 px wherever the chart is drawn at full size.
MIN_FONT_SIZE = 12

# Ratings bar geometry: a stacked layout (label above its bar) that fits a 375 px phone.
_BAR_WIDTH = 360
_BAR_POINT = 50
_BAR_TRACK = 5 * _BAR_POINT
_BAR_LEFT = 4
_BAR_HEIGHT = 18
_BAR_FONT = 13
_BAR_LABEL_CHARS = 44  # wrap labels longer than this (13-unit text, about 7 units a character)
_BAR_TOP = 24


def _text(value: object) -> str:
    """Escape text for an SVG element or attribute, dropping characters XML cannot hold."""
    return html.escape(_XML_ILLEGAL.sub("", str(value)), quote=True)


def _num(value: float) -> str:
    # Short, stable coordinates: 12.0 → "12", 12.25 → "12.2".
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _check_chart_id(chart_id: str) -> str:
    if not isinstance(chart_id, str) or not _CHART_ID.fullmatch(chart_id):
        raise ValueError(
            "chart_id must start with a letter and hold only letters, digits, - or _ "
            f"(at most 64 characters), not {chart_id!r}"
        )
    return chart_id


def _svg_open(chart_id: str, width: int, height: int, css_class: str) -> str:
    return (
        f'<svg xmlns="{SVG_NAMESPACE}" class="{css_class}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" font-family="{_text(FONT)}" fill="{TEXT_COLOUR}">'
    )


def _shape_path(shape: str, cx: float, cy: float, r: float) -> str:
    if shape == "circle":
        return (
            f"M{_num(cx - r)},{_num(cy)} a{_num(r)},{_num(r)} 0 1,0 {_num(2 * r)},0 "
            f"a{_num(r)},{_num(r)} 0 1,0 {_num(-2 * r)},0 Z"
        )
    if shape == "square":
        half = r * 0.85
        return (
            f"M{_num(cx - half)},{_num(cy - half)} h{_num(2 * half)} v{_num(2 * half)} "
            f"h{_num(-2 * half)} Z"
        )
    if shape == "triangle":
        return (
            f"M{_num(cx)},{_num(cy - r)} L{_num(cx + r)},{_num(cy + r * 0.8)} "
            f"L{_num(cx - r)},{_num(cy + r * 0.8)} Z"
        )
    if shape == "diamond":
        return (
            f"M{_num(cx)},{_num(cy - r)} L{_num(cx + r)},{_num(cy)} L{_num(cx)},{_num(cy + r)} "
            f"L{_num(cx - r)},{_num(cy)} Z"
        )
    raise ValueError(f"unknown shape {shape!r}")


def _ordered(entries: Iterable[EvidenceEntry]) -> list[EvidenceEntry]:
    # Table rows and chart marks share this order, so "Entry 3" means the same in both.
    return sorted(
        entries,
        key=lambda entry: (
            _CATEGORIES.index(entry.outcome_category),
            DESIGN_ORDER.index(entry.design),
        ),
    )


def _participants_text(entry: EvidenceEntry) -> str:
    if entry.participants is not None:
        return f"{entry.participants:,}" if isinstance(entry.participants, int) else "not stated"
    return "not stated" if entry.human else "not applicable"


def _reference_text(
    references: Sequence[str], citation_numbers: Mapping[str, int] | None
) -> str:
    """The entry's references for a mark's tooltip: citation numbers when the page has them.

    Keys are shown only when no numbering is given (a chart drawn outside a review page); a key
    the numbering lacks is left out rather than shown to readers.
    """
    if citation_numbers is None:
        return "references " + ", ".join(references)
    numbers = sorted({citation_numbers[key] for key in references if key in citation_numbers})
    if not numbers:
        return ""
    label = "reference" if len(numbers) == 1 else "references"
    return f"{label} " + ", ".join(str(number) for number in numbers)


def _citation_label(
    entry: EvidenceEntry, citation_numbers: Mapping[str, int] | None
) -> str:
    """The numbers a mark is labelled with: the entry's reference numbers on the page ("9")."""
    if not citation_numbers:
        return ""
    numbers = sorted({citation_numbers[key] for key in entry.references if key in citation_numbers})
    return ",".join(str(number) for number in numbers)


def _mark_title(
    number: int, entry: EvidenceEntry, citation_numbers: Mapping[str, int] | None = None
) -> str:
    """A mark's tooltip. On a review page it starts with the reference number(s), the one
    numbering readers see everywhere; a chart drawn without a numbering starts with the design."""
    label = _citation_label(entry, citation_numbers)
    if label:
        noun = "Reference" if "," not in label else "References"
        parts = [f"{noun} {label.replace(',', ', ')}: {entry.design.label}"]
    else:
        parts = [entry.design.label]
    if entry.human and isinstance(entry.participants, int):
        parts.append(f"{entry.participants:,} participants")
    if entry.cancer_types:
        parts.append(", ".join(entry.cancer_types))
    parts.append(f"{entry.outcome_category.label}: {entry.direction.label.lower()}")
    if entry.references and citation_numbers is None:
        parts.append(_reference_text(entry.references, None))
    return "; ".join(parts)


def evidence_table(entries: Iterable[EvidenceEntry]) -> list[dict[str, Any]]:
    """Return the evidence map's data as table rows (keys: :data:`EVIDENCE_TABLE_COLUMNS`).

    Rows are in the chart's order (outcome category, then design from strongest) and numbered
    from 1, matching the "Entry N" in each mark's tooltip. Values are display strings, except
    ``references``, a tuple of citation keys for the template to link.
    """
    rows: list[dict[str, Any]] = []
    for number, entry in enumerate(_ordered(entries), start=1):
        pdq = classify_pdq(entry.design, entry.endpoint)
        rows.append(
            {
                "number": str(number),
                "outcome_category": entry.outcome_category.label,
                "design": entry.design.label,
                "pdq_level": pdq.code if pdq.code is not None else pdq.reason,
                "participants": _participants_text(entry),
                "population": entry.population,
                "cancer_types": ", ".join(entry.cancer_types) or "not specified",
                "intervention": entry.intervention,
                "dose": entry.dose or "not recorded",
                "endpoint": entry.endpoint.label if entry.endpoint else "not recorded",
                "direction": entry.direction.label,
                "effect": entry.effect,
                "evidence": _EVIDENCE_FROM[entry.kind],
                "notes": entry.notes,
                "references": entry.references,
            }
        )
    return rows


def _summary(entries: Sequence[EvidenceEntry]) -> str:
    if not entries:
        return "No evidence entries are recorded."
    counts = Counter(entry.direction for entry in entries)
    by_direction = ", ".join(
        f"{counts[direction]} {direction.label.lower()}"
        for direction in Direction
        if counts[direction]
    )
    human = sum(1 for entry in entries if entry.human)
    noun = "entry" if len(entries) == 1 else "entries"
    return (
        f"{len(entries)} evidence {noun} ({by_direction}); {human} from studies in people. "
        "The table of evidence lists the same entries."
    )


def _wrap(text: str, max_chars: int) -> list[str]:
    """Split ``text`` into lines of at most ``max_chars`` characters, at spaces where possible."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if len(candidate) <= max_chars or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines or [""]


def _text_lines(
    lines: Sequence[str], x: float, first_baseline: float, step: float, **attributes: str
) -> str:
    """One ``<text>`` holding ``lines`` (a ``<tspan>`` each when there are several)."""
    # Keyword names stand for attributes: font_size → font-size, class_ → class.
    attrs = "".join(
        f' {name.rstrip("_").replace("_", "-")}="{_text(value)}"' for name, value in attributes.items()
    )
    if len(lines) == 1:
        return f'<text x="{_num(x)}" y="{_num(first_baseline)}"{attrs}>{_text(lines[0])}</text>'
    spans = "".join(
        f'<tspan x="{_num(x)}" y="{_num(first_baseline + step * index)}">{_text(line)}</tspan>'
        for index, line in enumerate(lines)
    )
    return f"<text{attrs}>{spans}</text>"


@dataclass(frozen=True)
class _Chip:
    """One mark with its label, as laid out in a cell."""

    number: int
    entry: EvidenceEntry
    label: str

    @property
    def width(self) -> float:
        text = 3 + len(self.label) * _DIGIT_WIDTH if self.label else 0
        return 2 * _MAP_MARK + text


_CHIP_GAP = 7.0


def _chip_lines(chips: Sequence[_Chip], width: float) -> list[list[_Chip]]:
    """Chips in lines no wider than ``width`` (at least one chip a line)."""
    lines: list[list[_Chip]] = []
    used = 0.0
    for chip in chips:
        if lines and used + _CHIP_GAP + chip.width <= width:
            lines[-1].append(chip)
            used += _CHIP_GAP + chip.width
        else:
            lines.append([chip])
            used = chip.width
    return lines


def _draw_chips(
    lines: Sequence[Sequence[_Chip]],
    left: float,
    width: float,
    top: float,
    height: float,
    citation_numbers: Mapping[str, int] | None,
    *,
    align: str = "middle",
) -> list[str]:
    """The marks of one cell, each line centred (or left-aligned) in the cell."""
    parts = []
    first = top + (height - len(lines) * _MAP_CHIP_LINE) / 2 + _MAP_CHIP_LINE / 2
    for row, line in enumerate(lines):
        total = sum(chip.width for chip in line) + _CHIP_GAP * (len(line) - 1)
        x = left + (width - total) / 2 if align == "middle" else left
        cy = first + row * _MAP_CHIP_LINE
        for chip in line:
            style = DIRECTION_STYLES[chip.entry.direction]
            cx = x + _MAP_MARK
            title = _text(_mark_title(chip.number, chip.entry, citation_numbers))
            parts.append(
                f'<g class="study" data-entry="{chip.number}" data-references="{_text(chip.label)}">'
                f'<title>{title}</title>'
                f'<path class="mark mark-{chip.entry.direction.value}" '
                f'data-direction="{chip.entry.direction.value}" data-entry="{chip.number}" '
                f'd="{_shape_path(style.shape, cx, cy, _MAP_MARK)}" fill="{style.colour}" '
                f'stroke="#ffffff" stroke-width="1"/>'
            )
            if chip.label:
                parts.append(
                    f'<text class="mark-label" x="{_num(cx + _MAP_MARK + 3)}" y="{_num(cy + 4)}" '
                    f'font-size="{MIN_FONT_SIZE}">{_text(chip.label)}</text>'
                )
            parts.append("</g>")
            x += chip.width + _CHIP_GAP
    return parts


def _legend(x: float, y: float, *, columns: int, column_width: float) -> tuple[list[str], float]:
    """The direction legend as rows of ``columns`` items; returns the parts and the next y."""
    parts = [f'<g class="legend" font-size="{MIN_FONT_SIZE}">']
    for index, direction in enumerate(Direction):
        style = DIRECTION_STYLES[direction]
        item_x = x + (index % columns) * column_width + _MAP_MARK
        item_y = y + (index // columns) * 20
        parts.append(
            f'<path d="{_shape_path(style.shape, item_x, item_y - 4, _MAP_MARK)}" '
            f'fill="{style.colour}"/>'
            f'<text x="{_num(item_x + 12)}" y="{_num(item_y)}">{_text(style.legend)}</text>'
        )
    rows = -(-len(Direction) // columns)
    return parts, y + rows * 20


def evidence_map_svg(
    entries: Iterable[EvidenceEntry],
    *,
    title: str,
    description: str,
    chart_id: str = "evidence-map",
    citation_numbers: Mapping[str, int] | None = None,
    layout: str = "wide",
) -> str:
    """Draw one mark per entry, by outcome category and study design (strongest first).

    ``layout="wide"`` draws the map as a grid, outcome categories across and designs down, as
    wide as the page's text column on a desktop. ``layout="stacked"`` draws the same marks for a
    phone: one block per outcome category, listing the designs it has studies of, so its text is
    12 px or more on a 375 px screen. ``title`` and ``description`` become the chart's accessible
    name and description; a summary of the marks is appended to the description. ``chart_id``
    prefixes the element ids, so give each chart on a page its own. ``citation_numbers``
    (citation key → the page's reference number) labels each mark with its reference number, the
    one numbering readers see on the page; without it marks are unlabelled and their tooltips
    name citation keys.

    Raises:
        ValueError: if ``chart_id`` is not a safe element id, or ``layout`` is unknown.
    """
    chart_id = _check_chart_id(chart_id)
    if layout not in ("wide", "stacked"):
        raise ValueError(f"layout must be 'wide' or 'stacked', not {layout!r}")
    ordered = _ordered(entries)
    full_description = f"{description.strip()} {_summary(ordered)}".strip()
    cells: dict[tuple[OutcomeCategory, Design], list[_Chip]] = {}
    for number, entry in enumerate(ordered, start=1):
        chip = _Chip(number, entry, _citation_label(entry, citation_numbers))
        cells.setdefault((entry.outcome_category, entry.design), []).append(chip)
    draw = _draw_wide if layout == "wide" else _draw_stacked
    body, width, height = draw(cells, citation_numbers)
    return "".join(
        [
            _svg_open(chart_id, width, height, f"chart evidence-map evidence-map-{layout}"),
            f'<title id="{chart_id}-title">{_text(title)}</title>',
            f'<desc id="{chart_id}-desc">{_text(full_description)}</desc>',
            *body,
            "</svg>",
        ]
    )


_NUMBERS_NOTE = "Each number is the study's reference number in the list of studies."
_HUMAN_NOTE = "Below the dashed line: cell, animal and opinion evidence, not studies in people."


def _draw_wide(
    cells: Mapping[tuple[OutcomeCategory, Design], list[_Chip]],
    citation_numbers: Mapping[str, int] | None,
) -> tuple[list[str], int, int]:
    cell_width = _MAP_COLUMN - 8
    heights = []
    for design in DESIGN_ORDER:
        label_lines = len(_wrap(design.label, _MAP_DESIGN_CHARS))
        chip_lines = max(
            (len(_chip_lines(cells.get((category, design), []), cell_width)) for category in _CATEGORIES),
            default=0,
        )
        heights.append(max(26, label_lines * _MAP_LINE + 9, chip_lines * _MAP_CHIP_LINE + 6))
    tops = [_MAP_TOP + sum(heights[:row]) for row in range(len(DESIGN_ORDER))]
    grid_bottom = _MAP_TOP + sum(heights)
    right = _MAP_LEFT + _MAP_COLUMN * len(_CATEGORIES)
    parts = [
        f'<g class="axes" font-size="{MIN_FONT_SIZE}">',
        f'<text x="{_MAP_LEFT - 10}" y="{_MAP_TOP - 12}" text-anchor="end" font-weight="bold">'
        "Study design (strongest first)</text>",
    ]
    for column, category in enumerate(_CATEGORIES):
        centre = _MAP_LEFT + column * _MAP_COLUMN + _MAP_COLUMN / 2
        lines = CATEGORY_HEADINGS[category]
        first_y = _MAP_TOP - 12 - _MAP_LINE * (len(lines) - 1)
        parts.append(
            _text_lines(lines, centre, first_y, _MAP_LINE, text_anchor="middle", font_weight="bold")
        )
    for design, top, height in zip(DESIGN_ORDER, tops, heights, strict=True):
        parts.append(
            f'<line x1="8" y1="{_num(top)}" x2="{right}" y2="{_num(top)}" stroke="{GRID_COLOUR}"/>'
        )
        lines = _wrap(design.label, _MAP_DESIGN_CHARS)
        first = top + (height - len(lines) * _MAP_LINE) / 2 + 11
        parts.append(_text_lines(lines, _MAP_LEFT - 10, first, _MAP_LINE, text_anchor="end"))
    # A dashed rule separates studies in people from cell, animal and opinion evidence.
    first_non_human = min(DESIGN_ORDER.index(design) for design in PRECLINICAL_DESIGNS)
    rule_y = tops[first_non_human]
    parts.append(
        f'<line class="human-boundary" x1="8" y1="{_num(rule_y)}" x2="{right}" '
        f'y2="{_num(rule_y)}" stroke="{AXIS_COLOUR}" stroke-dasharray="6 4"/>'
    )
    for column in range(len(_CATEGORIES) + 1):
        x = _MAP_LEFT + column * _MAP_COLUMN
        parts.append(
            f'<line x1="{x}" y1="{_MAP_TOP}" x2="{x}" y2="{_num(grid_bottom)}" '
            f'stroke="{AXIS_COLOUR if column == 0 else GRID_COLOUR}"/>'
        )
    parts.append("</g>")
    parts.append('<g class="marks">')
    for (category, design), chips in cells.items():
        row = DESIGN_ORDER.index(design)
        left = _MAP_LEFT + _CATEGORIES.index(category) * _MAP_COLUMN + 4
        lines = _chip_lines(chips, cell_width)
        parts += _draw_chips(lines, left, cell_width, tops[row], heights[row], citation_numbers)
    parts.append("</g>")
    legend, y = _legend(16, grid_bottom + 30, columns=4, column_width=170)
    parts += legend
    notes = ([_NUMBERS_NOTE] if citation_numbers else []) + [_HUMAN_NOTE]
    parts.append(_text_lines(notes, 16, y + 6, 18))
    parts.append("</g>")
    return parts, _MAP_WIDTH, int(y + 6 + 18 * (len(notes) - 1) + 14)


def _draw_stacked(
    cells: Mapping[tuple[OutcomeCategory, Design], list[_Chip]],
    citation_numbers: Mapping[str, int] | None,
) -> tuple[list[str], int, int]:
    chips_left = _STACKED_LEFT + 8
    chips_width = _STACKED_WIDTH - chips_left - 2
    parts = [f'<g class="axes" font-size="{MIN_FONT_SIZE}">']
    marks: list[str] = ['<g class="marks">']
    y = 4.0
    empty = []
    for category in _CATEGORIES:
        designs = [design for design in DESIGN_ORDER if (category, design) in cells]
        if not designs:
            empty.append(category.label)
            continue
        heading = _wrap(category.label, 40)
        parts.append(_text_lines(heading, 0, y + 14, 17, font_weight="bold", font_size="13"))
        y += 17 * len(heading) + 6
        for design in designs:
            label = _wrap(design.label, _STACKED_DESIGN_CHARS)
            lines = _chip_lines(cells[(category, design)], chips_width)
            height = max(26, len(label) * _MAP_LINE + 9, len(lines) * _MAP_CHIP_LINE + 6)
            parts.append(
                f'<line x1="0" y1="{_num(y)}" x2="{_STACKED_WIDTH}" y2="{_num(y)}" '
                f'stroke="{GRID_COLOUR}"/>'
            )
            first = y + (height - len(label) * _MAP_LINE) / 2 + 11
            parts.append(_text_lines(label, 0, first, _MAP_LINE))
            marks += _draw_chips(
                lines, chips_left, chips_width, y, height, citation_numbers, align="start"
            )
            y += height
        parts.append(
            f'<line x1="0" y1="{_num(y)}" x2="{_STACKED_WIDTH}" y2="{_num(y)}" '
            f'stroke="{AXIS_COLOUR}"/>'
        )
        y += 14
    if empty:
        lines = _wrap("No studies recorded for: " + "; ".join(empty) + ".", 46)
        parts.append(_text_lines(lines, 0, y + 12, _MAP_LINE))
        y += _MAP_LINE * len(lines) + 10
    parts.append("</g>")
    marks.append("</g>")
    legend, y = _legend(0, y + 16, columns=2, column_width=170)
    notes = _wrap(_NUMBERS_NOTE, 46) if citation_numbers else []
    if notes:
        legend.append(_text_lines(notes, 0, y + 4, _MAP_LINE))
        y += _MAP_LINE * (len(notes) - 1) + 4
    legend.append("</g>")
    return parts + marks + legend, _STACKED_WIDTH, int(y + 12)


def _check_score(label: str, score: object) -> int | None:
    if score is None:
        return None
    if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 5:
        raise ValueError(f"the score for {label!r} must be a whole number from 0 to 5 or None")
    return score


def ratings_bar_svg(
    ratings: Sequence[tuple[str, int | None]],
    *,
    title: str = "Ratings from 0 (lowest) to 5 (highest)",
    description: str = "",
    chart_id: str = "ratings",
) -> str:
    """Draw one horizontal bar per rating, its label above it and the score written beside it.

    The layout is stacked (label, then bar) so it fits a 375 px phone with 13 px text and long
    labels wrap instead of being cut off. ``ratings`` is a list of (label, score) with scores 0–5,
    or ``None`` for "not yet rated", drawn as an empty dashed track and written out in words.

    Raises:
        ValueError: for an empty list, a score outside 0–5, or an unsafe ``chart_id``.
    """
    chart_id = _check_chart_id(chart_id)
    checked = [(str(label), _check_score(str(label), score)) for label, score in ratings]
    if not checked:
        raise ValueError("there are no ratings to draw")
    values = ["not yet rated" if score is None else f"{score} of 5" for _, score in checked]
    spoken = "; ".join(
        f"{label}: {value}" for (label, _), value in zip(checked, values, strict=True)
    )
    full_description = f"{description.strip()} {spoken}.".strip()
    line = _BAR_FONT + 4
    rows = []
    top = _BAR_TOP
    for (label, score), value in zip(checked, values, strict=True):
        lines = _wrap(label, _BAR_LABEL_CHARS)
        rows.append((top, lines, score, value))
        top += len(lines) * line + 4 + _BAR_HEIGHT + 14
    parts = [
        _svg_open(chart_id, _BAR_WIDTH, top, "chart ratings-bars"),
        f'<title id="{chart_id}-title">{_text(title)}</title>',
        f'<desc id="{chart_id}-desc">{_text(full_description)}</desc>',
        f'<g class="scale" font-size="{_BAR_FONT}" fill="{TEXT_COLOUR}">',
    ]
    for point in range(6):
        x = _BAR_LEFT + point * _BAR_POINT
        anchor = "start" if point == 0 else "middle"
        parts.append(
            f'<text x="{x}" y="{_BAR_TOP - 8}" text-anchor="{anchor}">{point}</text>'
            f'<line x1="{x}" y1="{_BAR_TOP - 4}" x2="{x}" y2="{top - 10}" stroke="{GRID_COLOUR}"/>'
        )
    parts.append("</g>")
    for row_top, lines, score, value in rows:
        bar_top = row_top + len(lines) * line + 4
        data_score = "none" if score is None else str(score)
        label = " ".join(lines)
        parts.append(f'<g class="rating" data-score="{data_score}" font-size="{_BAR_FONT}">')
        parts.append(f"<title>{_text(label)}: {_text(value)}</title>")
        parts.append(
            _text_lines(lines, _BAR_LEFT, row_top + _BAR_FONT, line, class_="label", font_weight="bold")
        )
        dash = ' stroke-dasharray="4 3"' if score is None else ""
        parts.append(
            f'<rect class="track" x="{_BAR_LEFT}" y="{bar_top}" width="{_BAR_TRACK}" '
            f'height="{_BAR_HEIGHT}" fill="none" stroke="{AXIS_COLOUR}"{dash}/>'
        )
        if score:
            # Geometry in attributes, under a class no page style uses: a site-wide ".bar
            # { width: … }" once drew every bar 0 px wide. (No inline style: the pages' CSP
            # forbids style attributes; the browser tests check the drawn width.)
            width = score * _BAR_POINT
            parts.append(
                f'<rect class="rating-bar" x="{_BAR_LEFT}" y="{bar_top}" width="{width}" '
                f'height="{_BAR_HEIGHT}" fill="{BAR_COLOUR}"/>'
            )
        parts.append(
            f'<text class="value" x="{_BAR_LEFT + _BAR_TRACK + 10}" y="{bar_top + _BAR_FONT}">'
            f"{_text(value)}</text>"
        )
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)
