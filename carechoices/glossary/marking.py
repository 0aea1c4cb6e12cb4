"""Mark glossary terms in rendered HTML so readers get the definition in place.

The first use of each term on a page becomes a button that opens the definition in place as a
popover (HTML's ``popovertarget``: no JavaScript needed, and a tap works on a touch screen, where
hover does not). The definition is also the button's ``aria-describedby``, so screen readers
announce it on focus, and CSS shows it on hover and keyboard focus. Inside it, a link leads to
the full glossary entry. No Django import.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

# Text inside these elements is never marked: links, headings, code, existing definitions.
_SKIP = {"a", "h1", "h2", "h3", "h4", "h5", "h6", "code", "pre", "sup", "button", "dfn", "script", "style"}
_ENTITY = re.compile(r"&#?\w+;")
_ENTITY_SPLIT = re.compile(r"(&#?\w+;)")
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(/?)>|<!--.*?-->", re.S)


@dataclass(frozen=True)
class TermInfo:
    """A glossary entry as the marker needs it."""

    slug: str
    term: str
    synonyms: tuple[str, ...]
    definition: str
    url: str


@dataclass
class GlossaryMarker:
    """Marks terms across all the texts of one page; each term is marked once per page."""

    terms: Sequence[TermInfo]
    id_prefix: str = "gloss"
    seen: set[str] = field(default_factory=set)
    used: list[TermInfo] = field(default_factory=list)
    _pattern: re.Pattern[str] | None = None
    _by_phrase: dict[str, TermInfo] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for info in self.terms:
            for phrase in (info.term, *info.synonyms):
                if phrase.strip():
                    self._by_phrase.setdefault(phrase.strip().lower(), info)
        phrases = sorted(self._by_phrase, key=len, reverse=True)
        if phrases:
            alternatives = "|".join(re.escape(p) for p in phrases)
            self._pattern = re.compile(rf"(?<![\w-])({alternatives})(?![\w-])", re.I)

    def _markup(self, info: TermInfo, shown: str) -> str:
        def_id = f"{self.id_prefix}-{info.slug}"
        more = (
            f' <a class="gloss-more" href="{escape(info.url)}">{escape(info.term)} in the glossary</a>'
            if info.url
            else ""
        )
        return (
            f'<span class="gloss"><button type="button" class="gloss-term" '
            f'popovertarget="{def_id}" aria-describedby="{def_id}-text">{shown}</button>'
            f'<span class="gloss-def" id="{def_id}" popover>'
            f'<button type="button" class="gloss-close" popovertarget="{def_id}" '
            f'popovertargetaction="hide" aria-label="Close the definition">×</button>'
            f'<span id="{def_id}-text"><strong>{escape(info.term)}:</strong> '
            f"{escape(info.definition)}</span>{more}</span></span>"
        )

    def _mark_text(self, text: str) -> str:
        if self._pattern is None:
            return text
        # Never inside a character reference such as "&amp;": mark only the text between them.
        if "&" in text:
            return "".join(
                piece if _ENTITY.fullmatch(piece) else self._mark_text_plain(piece)
                for piece in _ENTITY_SPLIT.split(text)
            )
        return self._mark_text_plain(text)

    def _mark_text_plain(self, text: str) -> str:

        def replace(match: re.Match[str]) -> str:
            info = self._by_phrase[match.group(1).lower()]
            if info.slug in self.seen:
                return match.group(0)
            self.seen.add(info.slug)
            self.used.append(info)
            return self._markup(info, match.group(0))

        return self._pattern.sub(replace, text)

    def mark(self, html: str) -> str:
        """Return ``html`` with the first unseen use of each term marked."""
        if not html or self._pattern is None:
            return html or ""
        out: list[str] = []
        skipping: list[str] = []
        pos = 0
        for tag in _TAG.finditer(html):
            text = html[pos : tag.start()]
            out.append(text if skipping else self._mark_text(text))
            out.append(tag.group(0))
            name = (tag.group(2) or "").lower()
            if name in _SKIP and not tag.group(3):
                if tag.group(1):
                    if skipping and skipping[-1] == name:
                        skipping.pop()
                else:
                    skipping.append(name)
            pos = tag.end()
        tail = html[pos:]
        out.append(tail if skipping else self._mark_text(tail))
        return "".join(out)
