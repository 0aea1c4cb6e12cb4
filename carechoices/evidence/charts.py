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

# Evidence map geometry (user units of the viewBox).
_MAP_LEFT = 270
_MAP_TOP = 78
_MAP_COLUMN = 130
_MAP_ROW = 24
_MAP_MARK = 6.0
_MAP_SPACING = 14.0
_MAP_WIDTH = _MAP_LEFT + _MAP_COLUMN * len(_CATEGORIES) + 16
_MAP_GRID_BOTTOM = _MAP_TOP + _MAP_ROW * len(DESIGN_ORDER)
_MAP_HEIGHT = _MAP_GRID_BOTTOM + 92

# Ratings bar geometry.
_BAR_LABEL = 340
_BAR_POINT = 50
_BAR_ROW = 34
_BAR_TOP = 30


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


def _mark_title(
    number: int, entry: EvidenceEntry, citation_numbers: Mapping[str, int] | None = None
) -> str:
    parts = [f"Entry {number}: {entry.design.label}"]
    if entry.human and isinstance(entry.participants, int):
        parts.append(f"{entry.participants:,} participants")
    if entry.cancer_types:
        parts.append(", ".join(entry.cancer_types))
    parts.append(f"{entry.outcome_category.label}: {entry.direction.label.lower()}")
    if entry.references:
        references = _reference_text(entry.references, citation_numbers)
        if references:
            parts.append(references)
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


def evidence_map_svg(
    entries: Iterable[EvidenceEntry],
    *,
    title: str,
    description: str,
    chart_id: str = "evidence-map",
    citation_numbers: Mapping[str, int] | None = None,
) -> str:
    """Draw one mark per entry: outcome category across, study design down (strongest on top).

    ``title`` and ``description`` become the chart's accessible name and description; a summary
    of the marks is appended to the description. ``chart_id`` prefixes the element ids, so give
    each chart on a page its own. ``citation_numbers`` (citation key → the page's reference
    number) makes each mark's tooltip name its references by number, as readers see them;
    without it the tooltip names citation keys.

    Raises:
        ValueError: if ``chart_id`` is not a safe element id.
    """
    chart_id = _check_chart_id(chart_id)
    ordered = _ordered(entries)
    full_description = f"{description.strip()} {_summary(ordered)}".strip()
    parts = [
        _svg_open(chart_id, _MAP_WIDTH, _MAP_HEIGHT, "chart evidence-map"),
        f'<title id="{chart_id}-title">{_text(title)}</title>',
        f'<desc id="{chart_id}-desc">{_text(full_description)}</desc>',
        '<g class="axes" font-size="12">',
        f'<text x="{_MAP_LEFT - 10}" y="{_MAP_TOP - 12}" text-anchor="end" font-weight="bold">'
        "Study design (strongest first)</text>",
    ]
    for column, category in enumerate(_CATEGORIES):
        centre = _MAP_LEFT + column * _MAP_COLUMN + _MAP_COLUMN / 2
        lines = CATEGORY_HEADINGS[category]
        first_y = _MAP_TOP - 12 - 15 * (len(lines) - 1)
        tspans = "".join(
            f'<tspan x="{_num(centre)}" y="{first_y + 15 * index}">{_text(line)}</tspan>'
            for index, line in enumerate(lines)
        )
        parts.append(f'<text text-anchor="middle" font-weight="bold">{tspans}</text>')
    for row, design in enumerate(DESIGN_ORDER):
        top = _MAP_TOP + row * _MAP_ROW
        parts.append(
            f'<line x1="{_MAP_LEFT}" y1="{top}" x2="{_MAP_WIDTH - 16}" y2="{top}" '
            f'stroke="{GRID_COLOUR}"/>'
        )
        parts.append(
            f'<text x="{_MAP_LEFT - 10}" y="{_num(top + _MAP_ROW / 2 + 4)}" text-anchor="end" '
            f'font-size="11">{_text(design.label)}</text>'
        )
    # A dashed rule separates studies in people from cell, animal and opinion evidence.
    first_non_human = min(DESIGN_ORDER.index(design) for design in PRECLINICAL_DESIGNS)
    rule_y = _MAP_TOP + first_non_human * _MAP_ROW
    parts.append(
        f'<line class="human-boundary" x1="16" y1="{rule_y}" x2="{_MAP_WIDTH - 16}" '
        f'y2="{rule_y}" stroke="{AXIS_COLOUR}" stroke-dasharray="6 4"/>'
    )
    for column in range(len(_CATEGORIES) + 1):
        x = _MAP_LEFT + column * _MAP_COLUMN
        parts.append(
            f'<line x1="{x}" y1="{_MAP_TOP}" x2="{x}" y2="{_MAP_GRID_BOTTOM}" '
            f'stroke="{AXIS_COLOUR if column == 0 else GRID_COLOUR}"/>'
        )
    parts.append("</g>")

    cells: dict[tuple[OutcomeCategory, Design], list[tuple[int, EvidenceEntry]]] = {}
    for number, entry in enumerate(ordered, start=1):
        cells.setdefault((entry.outcome_category, entry.design), []).append((number, entry))
    parts.append('<g class="marks">')
    for (category, design), members in cells.items():
        centre_x = _MAP_LEFT + _CATEGORIES.index(category) * _MAP_COLUMN + _MAP_COLUMN / 2
        centre_y = _MAP_TOP + DESIGN_ORDER.index(design) * _MAP_ROW + _MAP_ROW / 2
        # Spread marks across the cell; squeeze them when there are many, never past its edges.
        spacing = min(_MAP_SPACING, (_MAP_COLUMN - 4 * _MAP_MARK) / max(len(members) - 1, 1))
        for index, (number, entry) in enumerate(members):
            style = DIRECTION_STYLES[entry.direction]
            x = centre_x + (index - (len(members) - 1) / 2) * spacing
            parts.append(
                f'<path class="mark mark-{entry.direction.value}" '
                f'data-direction="{entry.direction.value}" data-entry="{number}" '
                f'd="{_shape_path(style.shape, x, centre_y, _MAP_MARK)}" fill="{style.colour}" '
                f'stroke="#ffffff" stroke-width="1"><title>{_text(_mark_title(number, entry, citation_numbers))}'
                "</title></path>"
            )
    parts.append("</g>")

    legend_y = _MAP_GRID_BOTTOM + 34
    parts.append('<g class="legend" font-size="12">')
    for index, direction in enumerate(Direction):
        style = DIRECTION_STYLES[direction]
        x = _MAP_LEFT + index * 150
        parts.append(
            f'<path d="{_shape_path(style.shape, x, legend_y - 4, _MAP_MARK)}" '
            f'fill="{style.colour}"/>'
            f'<text x="{x + 12}" y="{legend_y}">{_text(style.legend)}</text>'
        )
    parts.append(
        f'<text x="{_MAP_LEFT}" y="{legend_y + 26}">Below the dashed line: cell, animal and '
        "opinion evidence, not studies in people.</text>"
    )
    parts.append("</g></svg>")
    return "".join(parts)


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
    """Draw one horizontal bar per rating, with the score written out beside it.

    ``ratings`` is a list of (label, score) with scores 0–5, or ``None`` for "not yet rated",
    which is drawn as an empty dashed track and written out in words.

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
    width = _BAR_LABEL + 5 * _BAR_POINT + 130
    height = _BAR_TOP + _BAR_ROW * len(checked) + 8
    parts = [
        _svg_open(chart_id, width, height, "chart ratings-bars"),
        f'<title id="{chart_id}-title">{_text(title)}</title>',
        f'<desc id="{chart_id}-desc">{_text(full_description)}</desc>',
        '<g class="scale" font-size="11">',
    ]
    for point in range(6):
        x = _BAR_LABEL + point * _BAR_POINT
        parts.append(f'<text x="{x}" y="{_BAR_TOP - 10}" text-anchor="middle">{point}</text>')
    parts.append("</g>")
    for row, ((label, score), value) in enumerate(zip(checked, values, strict=True)):
        top = _BAR_TOP + row * _BAR_ROW
        middle = top + _BAR_ROW / 2
        data_score = "none" if score is None else str(score)
        parts.append(f'<g class="rating" data-score="{data_score}" font-size="13">')
        parts.append(f"<title>{_text(label)}: {_text(value)}</title>")
        parts.append(
            f'<text class="label" x="{_BAR_LABEL - 12}" y="{_num(middle + 4)}" '
            f'text-anchor="end">{_text(label)}</text>'
        )
        dash = ' stroke-dasharray="4 3"' if score is None else ""
        parts.append(
            f'<rect class="track" x="{_BAR_LABEL}" y="{top + 7}" width="{5 * _BAR_POINT}" '
            f'height="{_BAR_ROW - 14}" fill="none" stroke="{AXIS_COLOUR}"{dash}/>'
        )
        if score:
            parts.append(
                f'<rect class="bar" x="{_BAR_LABEL}" y="{top + 7}" width="{score * _BAR_POINT}" '
                f'height="{_BAR_ROW - 14}" fill="{BAR_COLOUR}"/>'
            )
        parts.append(
            f'<text class="value" x="{_BAR_LABEL + 5 * _BAR_POINT + 12}" y="{_num(middle + 4)}">'
            f"{_text(value)}</text>"
        )
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)
