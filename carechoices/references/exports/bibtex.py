"""BibTeX for LaTeX, JabRef, Zotero and the rest, written with bibtexparser 2.

Each reference becomes one entry keyed by our citation key (``@article{bolton2019, …}``); the
entry type follows the CSL type (``BIBTEX_TYPES``: journal articles ``@article``, books
``@book``, chapters ``@incollection``, web pages biblatex's ``@online``, anything else
``@misc``).

Text is written as plain ASCII LaTeX so it works with classic BibTeX as well as biber:

* accents and symbols become LaTeX commands in braces, the form BibTeX sorts and case-changes
  correctly: é → ``{\\'e}``, µ → ``{\\textmu}``; an en dash is ``--`` and an em dash ``---``;
* LaTeX's special characters are escaped: & → ``\\&``, % → ``\\%``, ``_``, ``#``, ``$``; a
  literal brace or backslash becomes a command (``{\\textbraceleft}``), since BibTeX counts
  every brace;
* in titles (and a chapter's book title), every word with a capital letter (other than the
  first word's initial) is wrapped in braces (``The {LDN} {Book}``, ``{PI3K/AKT/mTOR}``), so
  styles that lower-case titles keep acronyms and names as the source writes them;
* names are "Family, Given" joined by ``and``; initials written together ("IS") are spaced
  ("I. S.") so styles abbreviate them correctly; a name given as one literal string (an
  organisation) is braced whole; the source's "et al." becomes BibTeX's ``and others``.

DOIs and URLs are written verbatim (only a brace or backslash is percent-encoded). PubMed
identifiers go in ``pmid`` and ``pmcid``; the record's note and the flags of an incomplete or
unverified entry go in ``note``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import bibtexparser
from bibtexparser.library import Library
from bibtexparser.model import Entry, Field
from bibtexparser.writer import BibtexFormat
from pylatexenc.latexencode import RULE_DICT, UnicodeToLatexConversionRule, UnicodeToLatexEncoder

from .base import ExportItem, Name, clean_text, date_parts, listed_names, page_range, sentence

__all__ = ["BIBTEX_TYPES", "EXTENSION", "LABEL", "MEDIA_TYPE", "export", "entry", "latex"]

LABEL = "BibTeX"
EXTENSION = "bib"
MEDIA_TYPE = "application/x-bibtex; charset=utf-8"

#: CSL item type → BibTeX entry type; anything not listed is ``misc``.
BIBTEX_TYPES: Mapping[str, str] = {
    "article-journal": "article",
    "article-magazine": "article",
    "article-newspaper": "article",
    "review": "article",
    "review-book": "article",
    "book": "book",
    "classic": "book",
    "chapter": "incollection",
    "paper-conference": "inproceedings",
    "report": "techreport",
    "thesis": "phdthesis",
    "manuscript": "unpublished",
    "pamphlet": "booklet",
    "webpage": "online",
    "post": "online",
    "post-weblog": "online",
}
# Where the container title (journal, book, website) and the publisher go, by entry type.
_CONTAINER_FIELD = {
    "article": "journal",
    "incollection": "booktitle",
    "inproceedings": "booktitle",
    "online": "organization",
}
_PUBLISHER_FIELD = {"techreport": "institution", "phdthesis": "school", "mastersthesis": "school"}
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

_ASCII_SPECIALS = {
    "\\": r"{\textbackslash}",
    "{": r"{\textbraceleft}",
    "}": r"{\textbraceright}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"{\textasciitilde}",
    "^": r"{\textasciicircum}",
}
_ENCODER = UnicodeToLatexEncoder(
    conversion_rules=[
        UnicodeToLatexConversionRule(RULE_DICT, {0x2013: "--", 0x2014: "---"}),
        "defaults",
    ],
    non_ascii_only=True,
    replacement_latex_protection="braces-almost-all",
    unknown_char_policy="keep",
    unknown_char_warning=False,
)
_WORDS = re.compile(r"(\s+)")
_WORD_PARTS = re.compile(r"^([^\w]*)(.*?)([^\w]*)$", re.DOTALL)
_NEEDS_BRACES = re.compile(r",|\band\b", re.IGNORECASE)
_URL_UNSAFE = {"{": "%7B", "}": "%7D", "\\": "%5C"}


def latex(text: str) -> str:
    """``text`` as ASCII LaTeX: special characters escaped, the rest as LaTeX commands.

    A character LaTeX has no command for (say, Chinese) is kept as it is, in UTF-8.
    """
    escaped = "".join(_ASCII_SPECIALS.get(char, char) for char in text)
    return _ENCODER.unicode_to_latex(escaped)


def _protected_title(title: str) -> str:
    """The title in LaTeX with each word that has a capital (after the first letter) braced.

    Punctuation around a word stays outside the braces: "(OGF)" becomes ``({OGF})``.
    """
    out = []
    for position, word in enumerate(_WORDS.split(title)):
        lead, core, trail = _WORD_PARTS.match(word).groups()
        capitals = [char for char in core if char.isupper()]
        initial_only = position == 0 and capitals == [core[:1]]
        if capitals and not initial_only:
            out.append(f"{latex(lead)}{{{latex(core)}}}{latex(trail)}")
        else:
            out.append(latex(word))
    return "".join(out)


def _part(text: str) -> str:
    encoded = latex(text)
    return f"{{{encoded}}}" if _NEEDS_BRACES.search(text) else encoded


def _bib_name(name: Name) -> str:
    if name.literal:
        return f"{{{latex(name.literal)}}}"
    family = name.family_with_particle
    if not family:
        return f"{{{latex(name.given)}}}"
    parts = [_part(family)]
    if name.suffix:
        # "Last, Jr, First" is BibTeX's only form with a suffix; an empty first part is an
        # empty group, as a trailing ", " is a parse error.
        parts += [_part(name.suffix), _part(name.given) if name.given else "{}"]
    elif name.given:
        parts.append(_part(name.given))
    return ", ".join(parts)


def _names(csl: Mapping[str, Any], variable: str) -> str:
    listed, et_al = listed_names(csl, variable)
    if not listed:
        return ""
    return " and ".join([*map(_bib_name, listed), *(["others"] if et_al else [])])


def _verbatim(value: str) -> str:
    return "".join(_URL_UNSAFE.get(char, char) for char in value)


def _iso(parts: tuple[int, ...]) -> str:
    return "-".join(f"{part:02d}" if position else f"{part:04d}" for position, part in enumerate(parts))


def entry_type(csl: Mapping[str, Any]) -> str:
    kind = BIBTEX_TYPES.get(str(csl.get("type")), "misc")
    if kind == "phdthesis" and "master" in clean_text(csl.get("genre")).casefold():
        return "mastersthesis"
    return kind


def entry(item: ExportItem) -> Entry:
    """The bibtexparser entry for one item; values are LaTeX, enclosed in braces on writing."""
    csl = item.csl
    kind = entry_type(csl)
    text = {name: clean_text(csl.get(name)) for name in csl}
    fields: list[Field] = []

    def add(key: str, value: str, **kwargs: Any) -> None:
        if value:
            fields.append(Field(key, value, **kwargs))

    add("author", _names(csl, "author"))
    add("editor", _names(csl, "editor"))
    add("title", _protected_title(text.get("title", "")))
    container_field = _CONTAINER_FIELD.get(kind, "howpublished")
    container = text.get("container-title", "")
    add(container_field, _protected_title(container) if container_field == "booktitle" else latex(container))
    issued = date_parts(csl.get("issued"))
    if issued:
        add("year", f"{issued[0]:04d}")
    if len(issued) > 1:
        add("month", _MONTHS[issued[1] - 1], enclosing="no-enclosing")
    add("volume", latex(text.get("volume", "")))
    add("number", latex(text.get("issue") or text.get("number", "")))
    first, last = page_range(csl.get("page"))
    add("pages", latex(f"{first}--{last}" if last else first))
    add("edition", latex(text.get("edition", "")))
    add(_PUBLISHER_FIELD.get(kind, "publisher"), latex(text.get("publisher", "")))
    add("address", latex(text.get("publisher-place", "")))
    add("isbn", latex(text.get("ISBN", "")))
    add("issn", latex(text.get("ISSN", "")))
    add("doi", _verbatim(text.get("DOI", "")))
    add("url", _verbatim(text.get("URL", "")))
    accessed = date_parts(csl.get("accessed"))
    if accessed:
        add("urldate", _iso(accessed))
    add("pmid", latex(text.get("PMID", "")))
    add("pmcid", latex(text.get("PMCID", "")))
    add("language", latex(text.get("language", "")))
    add("note", latex(" ".join(sentence(note) for note in item.notes)))
    return Entry(kind, item.key, fields)


def export(items: Sequence[ExportItem]) -> str:
    """A BibTeX file with one entry per item, in the order given."""
    library = Library()
    for item in items:
        library.add(entry(item))
    bibtex_format = BibtexFormat()
    bibtex_format.indent = "  "
    bibtex_format.block_separator = "\n"
    return bibtexparser.write_string(library, bibtex_format=bibtex_format)
