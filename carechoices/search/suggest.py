""""Did you mean": the nearest known name for each misspelt word of a query (no Django).

The known names are the content's own: therapy titles and synonyms, cancer types, glossary
terms. Each query word that is not a known word is replaced by the closest known word within a
small edit distance (optimal string alignment, so a swapped pair of letters counts once):
one edit for words of four or five letters, two for longer ones; shorter words are never
changed. Ordinary words are not fuzzed against each other, only against names, and the site
offers a suggestion only when the query as typed found nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from rapidfuzz import process
from rapidfuzz.distance import OSA

_WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*")


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))


def _max_edits(word: str) -> int:
    return 0 if len(word) < 4 else 1 if len(word) < 6 else 2


class Suggester:
    """Built once from the known names; :meth:`suggest` is a few microseconds per word."""

    def __init__(self, names: Iterable[str]) -> None:
        words: set[str] = set()
        for name in names:
            words.update(_fold(w) for w in _WORD.findall(name or ""))
        self.words = frozenset(words)
        self._by_length: dict[int, list[str]] = {}
        for word in self.words:
            self._by_length.setdefault(len(word), []).append(word)

    def _nearest(self, word: str) -> str | None:
        edits = _max_edits(word)
        if not edits:
            return None
        candidates = [w for n in range(len(word) - edits, len(word) + edits + 1) for w in self._by_length.get(n, ())]
        found = process.extractOne(word, candidates, scorer=OSA.distance, score_cutoff=edits)
        return found[0] if found else None

    def suggest(self, query: str) -> str | None:
        """The query with misspelt words replaced (``None`` when nothing changes)."""
        changed = False
        out = []
        for word in query.split():
            folded = _fold(word)
            if folded in self.words or not _WORD.fullmatch(word):
                out.append(word)
                continue
            nearest = self._nearest(folded)
            if nearest is None:
                out.append(word)
            else:
                out.append(nearest)
                changed = True
        return " ".join(out) if changed else None
