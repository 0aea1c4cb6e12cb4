"""Where in a text the searched words are, as a short highlighted snippet (no Django).

``find_terms`` gives the words to look for; :func:`best_snippet` picks, from several named texts
(a review's sub-pages), the one with most matches and cuts a window around the first, with
every match wrapped in ``<mark>``. Matching is by word start, case- and accent-insensitively,
so "interaction" finds "interactions" and "naltrexon" finds "naltrexone".
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

WINDOW = 180


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    base = unicodedata.normalize("NFD", char)[0] if char.isalpha() else char
    return base.lower() if len(base.lower()) == 1 else char


def _fold(text: str) -> str:
    """Lower case without accents, keeping every character's position (one char in, one out)."""
    if text.isascii():
        return text.lower()
    return "".join(map(_fold_char, text))


def find_terms(query: str) -> list[str]:
    """The words of a cleaned query worth highlighting (folded; operators and 1-letter words out)."""
    words = [_fold(w) for w in re.findall(r"\w[\w.\-/]*\w|\w", query)]
    return list(dict.fromkeys(w for w in words if len(w) > 1 and w not in {"and", "or", "not"}))


def _pattern(terms: list[str]) -> re.Pattern | None:
    if not terms:
        return None
    alternatives = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})\w*")


@dataclass(frozen=True)
class Snippet:
    name: str
    html: str
    matches: int


def _window(text: str, spans: list[tuple[int, int]], phrase_at: int = -1) -> str:
    first = phrase_at if phrase_at >= 0 else spans[0][0]
    start = max(0, first - WINDOW // 3)
    if start:
        space = text.rfind(" ", 0, start)
        start = space + 1 if space >= 0 and start - space < 30 else start
    end = min(len(text), start + WINDOW)
    if end < len(text):
        space = text.find(" ", end)
        end = space if 0 <= space - end < 30 else end
    pieces, cursor = [], start
    for s, e in spans:
        if s < start or e > end:
            continue
        pieces.append(html.escape(text[cursor:s]))
        pieces.append(f"<mark>{html.escape(text[s:e])}</mark>")
        cursor = e
    pieces.append(html.escape(text[cursor:end]))
    return ("…" if start else "") + "".join(pieces).strip() + ("…" if end < len(text) else "")


def fold(text: str) -> str:
    """What :func:`best_snippet` matches against (callers may keep it with the text)."""
    return _fold(text)


def best_snippet(texts: Iterable[tuple[str, str]], terms: list[str],
                 folded: Iterable[str] | None = None) -> Snippet | None:
    """The (name, highlighted window) of the text matching most terms; None if none matches.

    ``folded``, if given, holds :func:`fold` of each text in the same order (worked out once).
    """
    pattern = _pattern(terms)
    if pattern is None:
        return None
    best: Snippet | None = None
    best_score: tuple = (0, False, 0)
    texts = list(texts)
    folds = list(folded) if folded is not None else [None] * len(texts)
    for (name, text), folded_text in zip(texts, folds, strict=True):
        if not text:
            continue
        folded = folded_text if folded_text is not None else _fold(text)
        spans = [m.span() for m in pattern.finditer(folded)]
        if not spans:
            continue
        distinct = len({folded[s:e][:12] for s, e in spans})
        score = (distinct, len(spans))
        phrase_at = folded.find(" ".join(terms)) if len(terms) > 1 else -1
        score = (distinct, phrase_at >= 0, len(spans))
        if score > best_score:
            best, best_score = Snippet(name, _window(text, spans, phrase_at), len(spans)), score
    return best


def plain(text: str, length: int = WINDOW) -> str:
    """The start of a text, escaped, for a hit whose words were not in its own text."""
    text = " ".join(text.split())
    return html.escape(text if len(text) <= length else text[:length].rsplit(" ", 1)[0] + "…")
