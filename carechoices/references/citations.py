"""Inline citation markers: find them, number them, and turn them into links.

Editors cite with Pandoc-style markers in any rich text or plain text field: ``[@bolton2019]``,
several at once ``[@peters2022; @lissoni1993]``, or with a locator ``[@elsegood2016, p. 20]``.
Numbers follow the order of first use across the whole review (its sub-pages in reading order),
so a reference keeps its number on every sub-page. This module has no Django import.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html import escape

MARKER = re.compile(r"\[(@[^\[\]<>]{0,400})\]")
_KEY = re.compile(r"^@([A-Za-z0-9][A-Za-z0-9_-]*)\s*(?:,\s*(.*))?$")


@dataclass(frozen=True)
class Citation:
    """One key cited by a marker, with an optional locator such as ``p. 20``."""

    key: str
    locator: str = ""


@dataclass(frozen=True)
class Marker:
    """A marker as written (``raw``) with the citations it holds; ``problem`` if malformed."""

    raw: str
    citations: tuple[Citation, ...]
    problem: str = ""


def parse_markers(text: str) -> list[Marker]:
    """All markers in ``text`` in order of appearance."""
    markers = []
    for match in MARKER.finditer(text or ""):
        citations = []
        problem = ""
        for part in match.group(1).split(";"):
            found = _KEY.match(part.strip())
            if not found:
                problem = f"“{match.group(0)}” is not a citation marker like [@bolton2019]"
                break
            citations.append(Citation(found.group(1).lower(), (found.group(2) or "").strip()))
        markers.append(Marker(match.group(0), tuple(citations), problem))
    return markers


def cited_keys(text: str) -> list[str]:
    """The keys cited in ``text``, in order of first appearance, without repeats."""
    seen: dict[str, None] = {}
    for marker in parse_markers(text):
        for citation in marker.citations:
            seen.setdefault(citation.key, None)
    return list(seen)


def marker_problems(texts: Iterable[str], known_keys: set[str]) -> list[str]:
    """Messages for malformed markers and markers whose key is not in the library."""
    problems: list[str] = []
    for text in texts:
        for marker in parse_markers(text):
            if marker.problem:
                problems.append(marker.problem)
                continue
            for citation in marker.citations:
                if citation.key not in known_keys:
                    problems.append(
                        f"The citation {marker.raw} does not resolve: no reference with the key "
                        f"“{citation.key}” is in the reference library."
                    )
    return list(dict.fromkeys(problems))


def number_citations(keys_in_reading_order: Iterable[str]) -> dict[str, int]:
    """Give each key its number: 1 for the first cited, and so on; repeats keep their number."""
    numbers: dict[str, int] = {}
    for key in keys_in_reading_order:
        if key not in numbers:
            numbers[key] = len(numbers) + 1
    return numbers


def _locator_suffix(locator: str) -> str:
    # AMA puts a page locator in parentheses after the superscript number: 1(p20).
    compact = re.sub(r"^(pp?)\.?\s*", r"\1", locator.strip())
    return f"({escape(compact)})" if compact else ""


@dataclass
class PageCitations:
    """What one rendered page cites, so its reference list and back-links can be built.

    ``numbers`` is the review-wide numbering; ``cited`` collects the numbers this page used.
    """

    numbers: dict[str, int]
    cited: dict[str, int] = field(default_factory=dict)
    _uses: dict[str, int] = field(default_factory=dict)

    def _anchor(self, key: str) -> str:
        # The first citation of reference N on a page is always ``cite-N-1``: the reference
        # list links back to it without needing to know the render order.
        self._uses[key] = self._uses.get(key, 0) + 1
        self.cited.setdefault(key, self.numbers[key])
        return f"cite-{self.numbers[key]}-{self._uses[key]}"

    def link(self, citation: Citation) -> str:
        """The superscript link for one citation (or a visible warning if it cannot resolve)."""
        if citation.key not in self.numbers:
            return f'<span class="cite-missing">[missing reference: {escape(citation.key)}]</span>'
        number = self.numbers[citation.key]
        anchor = self._anchor(citation.key)
        return (
            f'<a href="#ref-{number}" id="{anchor}" class="cite-link" '
            f'aria-label="reference {number}">{number}</a>{_locator_suffix(citation.locator)}'
        )

    def superscript(self, citations: Sequence[Citation]) -> str:
        """Citations grouped as one superscript, in number order, comma separated."""
        ordered = sorted(citations, key=lambda c: self.numbers.get(c.key, 10**6))
        inner = ",".join(self.link(c) for c in ordered)
        return f'<sup class="cite">{inner}</sup>' if inner else ""

    def render(self, text: str) -> str:
        """Replace every marker in ``text`` (HTML or escaped plain text) with its superscript."""

        def replace(match: re.Match[str]) -> str:
            marker = parse_markers(match.group(0))[0]
            if marker.problem:
                return f'<span class="cite-missing">{escape(match.group(0))}</span>'
            return self.superscript(marker.citations)

        return MARKER.sub(replace, text or "")

    def render_plain(self, text: str) -> str:
        """Plain text as HTML: escaped, with markers rendered from the unescaped text.

        Rendering before escaping keeps a locator such as ``[@a, pp. 20 & 21]`` intact.
        """
        out: list[str] = []
        pos = 0
        for match in MARKER.finditer(text or ""):
            out.append(escape(text[pos : match.start()]))
            out.append(self.render(match.group(0)))
            pos = match.end()
        out.append(escape((text or "")[pos:]))
        return "".join(out)
