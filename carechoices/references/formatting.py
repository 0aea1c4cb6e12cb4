"""AMA (11th edition) bibliography entries from CSL-JSON, without Django.

``format_references`` turns CSL-JSON items into one entry each, in the order given, as plain text
and as HTML that is safe to drop into a template. The numbering is left to the page (an ``<ol>``),
so entries carry no leading number. ``csl_json_is_complete`` names the essential fields an item
still lacks, so the reference library can flag entries that must not be cited as if complete.

The style is the CSL project's ``american-medical-association.csl`` (see ``csl/README.md``).
The vendored file is left untouched. When it is first loaded, ``_adapt_ama_style`` changes the
parsed copy in five places, and each change fails loudly if an update to the style moves the
part it touches. Three make up for citeproc-py 0.11 gaps:

* ``second-field-align`` is not implemented, so the number and the entry run together
  ("1.Smith J…"). The ``citation-number`` is dropped from the bibliography layout.
* Substitution does not suppress the substituted variable: an edited book printed its editor
  twice ("Elsegood L, ed. The LDN Book. (Elsegood L, ed.). …"), and an item with neither author
  nor editor would print its title twice. Those later calls only render when an author (or, for
  the title, an author or editor) exists.
* The style only prints the accessed date next to a URL. A web page whose address was not
  recorded gets its own "Accessed <date>." branch, so the reader still knows when it was seen.

Two bring the output closer to AMA 11 and to our data:

* The style reads a journal article with no volume and no issue as an online-first article
  ("Published online 1993"). Ours lack a volume mostly because it was not verified, so the
  phrase is only printed when the item's ``status`` says it was published ahead of print (see
  ``ONLINE_FIRST_STATUSES``); otherwise the entry shows the date as recorded ("Tumori. 1993.").
* AMA 11 introduces a web page's date with "Published"; the style prints the bare date.

Three more are handled outside the style:

* Initials written together ("JT", "APS", as PubMed writes them) would be cut to their first
  letter; ``_citeproc_item`` splits them into separate initials first.
* citeproc-py does not escape data in its HTML output (a title containing ``<script>`` comes out
  as markup). Formatting marks are emitted as private-use sentinel characters instead, the whole
  entry is HTML-escaped, and only then are the sentinels turned into tags.
* citeproc-py is slow (about 4 ms of CPU an entry here, as shipped). It asks the same XPath
  questions over and over, so answers for our style's trees are memoised
  (``_memoised_xpath_search``); it looks each item's reference up afresh for every variable, so
  our citation items keep it (``_CachedCitationItem``); and finished entries are cached by
  content, since a page shows the same references on every request.

**"et al." in the source.** Our sources often list two or three authors and then "et al."
("Bolton M, Hodkinson A, et al."). Store that as the listed authors followed by
``ET_AL_AUTHOR`` (``{"literal": "et al."}``) as the last author. The style separates every name
with ", " and its own final period merges with the one in "et al.", so the entry reads exactly
"Bolton M, Hodkinson A, et al. Title…". A list of seven or more names is still cut to three plus
"et al." by the style, as AMA asks.
"""

from __future__ import annotations

import html
import io
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from importlib import resources
from types import MappingProxyType
from typing import Any

from citeproc import (
    NAMES,
    VARIABLES,
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
)
from citeproc.model import CitationStylesElement
from citeproc.source.json import CiteProcJSON
from lxml import etree

__all__ = [
    "ET_AL_AUTHOR",
    "ONLINE_FIRST_STATUSES",
    "FormattedReference",
    "csl_json_is_complete",
    "format_references",
]

#: The author entry that stands for "and others" when the source did not list every author.
ET_AL_AUTHOR: Mapping[str, str] = MappingProxyType({"literal": "et al."})

#: ``status`` values (compared case-insensitively) that mean "published online ahead of print".
#: Only these make a journal article without volume and issue read "Published online <date>".
ONLINE_FIRST_STATUSES: frozenset[str] = frozenset(
    {"advance online publication", "published online", "epub ahead of print", "ahead of print"}
)

_CSL_NS = "http://purl.org/net/xbiblio/csl"
_NS = {"cs": _CSL_NS}
_STYLE_FILE = "american-medical-association.csl"

# Private-use code points stand in for HTML tags while citeproc works (see _SentinelFormatter).
_ITALIC_OPEN, _ITALIC_CLOSE = "\ue000", "\ue001"
_BOLD_OPEN, _BOLD_CLOSE = "\ue002", "\ue003"
_SUP_OPEN, _SUP_CLOSE = "\ue004", "\ue005"
_SUB_OPEN, _SUB_CLOSE = "\ue006", "\ue007"
_SMALLCAPS_OPEN, _SMALLCAPS_CLOSE = "\ue008", "\ue009"
_UNDERLINE_OPEN, _UNDERLINE_CLOSE = "\ue00a", "\ue00b"
_SENTINEL_TO_TAG = {
    _ITALIC_OPEN: "<i>",
    _ITALIC_CLOSE: "</i>",
    _BOLD_OPEN: "<b>",
    _BOLD_CLOSE: "</b>",
    _SUP_OPEN: "<sup>",
    _SUP_CLOSE: "</sup>",
    _SUB_OPEN: "<sub>",
    _SUB_CLOSE: "</sub>",
    _SMALLCAPS_OPEN: '<span class="small-caps">',  # a class, not a style: the CSP allows no inline style
    _SMALLCAPS_CLOSE: "</span>",
    _UNDERLINE_OPEN: "<u>",
    _UNDERLINE_CLOSE: "</u>",
}
_SENTINELS = re.compile("[\ue000-\ue00b]")

# Initials run together, as PubMed writes them ("JT", "APS"); a real given name has lower case.
_RUN_TOGETHER_INITIALS = re.compile(r"[A-Z]{2,4}")


@dataclass(frozen=True)
class FormattedReference:
    """One AMA bibliography entry, without its number (the page numbers entries with ``<ol>``)."""

    id: str
    html: str
    text: str


def _wrapper(open_mark: str, close_mark: str) -> Callable[[Any], str]:
    def wrap(text: Any) -> str:
        return f"{open_mark}{text}{close_mark}"

    return wrap


class _SentinelFormatter:
    """A citeproc formatter whose marks are sentinels, so escaping can happen after rendering.

    citeproc-py looks formatters up by attribute (``formatter.Italic(text)``), so a class with
    static callables serves as well as its own ``formatter.html`` module.
    """

    @staticmethod
    def preformat(text: Any) -> Any:
        # Escaping happens once, on the finished entry (see _to_html).
        return text

    Italic = staticmethod(_wrapper(_ITALIC_OPEN, _ITALIC_CLOSE))
    Oblique = Italic
    Bold = staticmethod(_wrapper(_BOLD_OPEN, _BOLD_CLOSE))
    Light = staticmethod(str)
    Underline = staticmethod(_wrapper(_UNDERLINE_OPEN, _UNDERLINE_CLOSE))
    Superscript = staticmethod(_wrapper(_SUP_OPEN, _SUP_CLOSE))
    Subscript = staticmethod(_wrapper(_SUB_OPEN, _SUB_CLOSE))
    SmallCaps = staticmethod(_wrapper(_SMALLCAPS_OPEN, _SMALLCAPS_CLOSE))


# --- the style ------------------------------------------------------------------------------


def _found(elements: list[Any], expected: str) -> list[Any]:
    """Fail loudly when an adjustment no longer finds its target in the vendored style."""
    if not elements:
        raise RuntimeError(
            f"american-medical-association.csl changed: could not find {expected}; "
            "review the adjustments in carechoices/references/formatting.py"
        )
    return elements


def _render_only_if(element: Any, variables: str) -> None:
    """Wrap ``element`` so it renders only when one of ``variables`` is present."""
    parent = element.getparent()
    position = parent.index(element)
    choose = etree.Element(f"{{{_CSL_NS}}}choose")
    condition = etree.SubElement(choose, f"{{{_CSL_NS}}}if", match="any", variable=variables)
    parent.insert(position, choose)
    condition.append(element)  # lxml moves the element into the condition


def _adapt_ama_style(csl: bytes) -> bytes:
    """Return the AMA style with the adjustments listed in the module docstring applied."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    root = etree.fromstring(csl, parser=parser)
    layout = _found(root.xpath("cs:bibliography/cs:layout", namespaces=_NS), "bibliography")[0]

    # The page numbers entries itself (<ol>); citeproc-py would run number and text together.
    for number in _found(
        layout.xpath("cs:text[@variable='citation-number']", namespaces=_NS), "citation-number"
    ):
        layout.remove(number)

    # Substitution must suppress the substituted variable for the rest of the entry.
    for editor in _found(layout.xpath(".//cs:text[@macro='editor']", namespaces=_NS), "editor"):
        _render_only_if(editor, "author")
    for title in _found(layout.xpath(".//cs:text[@macro='title']", namespaces=_NS), "title"):
        _render_only_if(title, "author editor")

    # "Published online" only for articles whose status says so.
    (online_term,) = _found(
        layout.xpath(".//cs:text[@term='advance-online-publication']", namespaces=_NS),
        "the advance-online-publication term",
    )
    branch = online_term.getparent()
    if branch.tag != f"{{{_CSL_NS}}}else":
        raise RuntimeError("american-medical-association.csl changed around 'published online'")
    branch.tag = f"{{{_CSL_NS}}}else-if"
    branch.set("variable", "status")

    # AMA 11 dates a web page as "Published <date>."; the style prints the bare date.
    (web_date,) = _found(
        layout.xpath(
            ".//cs:else-if[contains(@type, 'webpage')]/cs:date[@variable='issued']",
            namespaces=_NS,
        ),
        "the web page's issued date",
    )
    web_date.set("prefix", "Published ")

    # A web page seen but with no URL recorded still shows when it was seen.
    (url_branch,) = _found(
        root.xpath(
            "cs:macro[@name='access']/cs:choose/cs:else-if[@variable='URL']", namespaces=_NS
        ),
        "the URL branch of the access macro",
    )
    url_branch.addnext(
        etree.fromstring(
            f'<else-if xmlns="{_CSL_NS}" variable="accessed">'
            '<group delimiter=" " suffix=".">'
            '<text term="accessed" text-case="capitalize-first"/>'
            '<date form="text" variable="accessed"/>'
            "</group></else-if>",
            parser=parser,
        )
    )

    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


_style: CitationStylesStyle | None = None
# citeproc keeps per-run state on the style (its formatter, the running bibliography), so one
# lock covers the lazy load, every formatting run and the entry cache.
_style_lock = threading.Lock()

_plain_xpath_search = CitationStylesElement.xpath_search
_memoised_roots: set[Any] = set()
_xpath_answers: dict[tuple[Any, str], list[Any]] = {}


def _memoised_xpath_search(element: Any, expression: str) -> list[Any]:
    """citeproc-py's ``xpath_search``, remembering answers for the trees of our style.

    citeproc-py asks the same XPath questions of the same nodes for every entry (the enclosing
    layout, a locale term, a macro), and answering them took over a third of each run. The
    style and locale trees never change once loaded, so those answers can be kept; queries on
    any other tree go to citeproc-py unchanged. The number of distinct questions is bounded by
    the style, so the memo stays small (under a thousand answers).
    """
    if element.getroottree().getroot() not in _memoised_roots:
        return _plain_xpath_search(element, expression)
    key = (element, expression)
    answer = _xpath_answers.get(key)
    if answer is None:
        answer = _xpath_answers[key] = _plain_xpath_search(element, expression)
    return list(answer)


def _ama_style() -> CitationStylesStyle:
    """The adapted AMA style, parsed once per process. Call with ``_style_lock`` held."""
    global _style
    if _style is None:
        raw = resources.files("carechoices.references.csl").joinpath(_STYLE_FILE).read_bytes()
        style = CitationStylesStyle(io.BytesIO(_adapt_ama_style(raw)), validate=False)
        _memoised_roots.add(style.root)
        _memoised_roots.update(locale.getroottree().getroot() for locale in style.root.locales)
        CitationStylesElement.xpath_search = _memoised_xpath_search
        _style = style
    return _style


# --- the data -------------------------------------------------------------------------------

# CSL-JSON keys citeproc-py accepts; anything else makes it warn, so it is left out.
# Variables citeproc computes itself are not taken from the data.
_CITEPROC_KEYS = frozenset(variable.replace("_", "-") for variable in VARIABLES) - {
    "citation-number",
    "first-reference-note-number",
    "locator",
    "year-suffix",
}
_NAME_KEYS = ("family", "given", "dropping-particle", "non-dropping-particle", "suffix")
_NAME_VARIABLES = frozenset(name.replace("_", "-") for name in NAMES)
_DATE_VARIABLES = frozenset(
    {"accessed", "container", "event-date", "issued", "original-date", "submitted"}
)


def _has_text(value: Any) -> bool:
    return isinstance(value, str | int | float) and str(value).strip() != ""


def _clean_text(value: Any) -> str:
    # Sentinel characters in the data would otherwise turn into tags.
    return _SENTINELS.sub("", str(value)).strip()


def _citeproc_name(name: Any) -> dict[str, str] | None:
    if not isinstance(name, Mapping):
        return None
    if _has_text(name.get("literal")):
        return {"literal": _clean_text(name["literal"])}
    cleaned = {key: _clean_text(name[key]) for key in _NAME_KEYS if _has_text(name.get(key))}
    given = cleaned.get("given")
    if given and _RUN_TOGETHER_INITIALS.fullmatch(given):
        cleaned["given"] = " ".join(given)
    return cleaned or None


def _date_parts(value: Any) -> list[int] | None:
    """The first [year, month, day] of a CSL-JSON date, keeping only the parts that make sense.

    A month outside 1-12 or a day that month does not have is dropped (with what follows), so
    bad data shortens the date instead of printing "40, 2019".
    """
    if not isinstance(value, Mapping):
        return None
    parts = value.get("date-parts")
    if not isinstance(parts, list) or not parts or not isinstance(parts[0], list):
        return None
    numbers: list[int] = []
    for part in parts[0][:3]:
        try:
            numbers.append(int(part))
        except (TypeError, ValueError):
            break
    if not numbers or numbers[0] == 0:
        return None
    if len(numbers) >= 2 and not 1 <= numbers[1] <= 12:
        return numbers[:1]
    if len(numbers) == 3:
        try:
            date(2000 if numbers[0] < 1 else numbers[0], numbers[1], numbers[2])
        except ValueError:
            return numbers[:2]
    return numbers


def _citeproc_date(value: Any) -> dict[str, Any] | None:
    parts = _date_parts(value)
    if parts is not None:
        return {"date-parts": [parts]}
    if isinstance(value, Mapping) and _has_text(value.get("literal")):
        return {"literal": _clean_text(value["literal"])}
    return None


def _citeproc_item(item: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``item`` (without its id) that citeproc-py renders correctly and quietly."""
    cleaned: dict[str, Any] = {"type": str(item.get("type") or "document")}
    for name, value in item.items():
        if name not in _CITEPROC_KEYS:
            continue
        if name in _NAME_VARIABLES:
            if not isinstance(value, list):
                continue
            names = [n for n in map(_citeproc_name, value) if n is not None]
            if names:
                cleaned[name] = names
        elif name in _DATE_VARIABLES:
            parsed = _citeproc_date(value)
            if parsed is not None:
                cleaned[name] = parsed
        elif _has_text(value):
            cleaned[name] = _clean_text(value)
    status = str(cleaned.pop("status", "")).casefold()
    if status in ONLINE_FIRST_STATUSES:
        cleaned["status"] = status
    return cleaned


def _to_html(marked: str) -> str:
    escaped = html.escape(marked, quote=False)
    return _SENTINELS.sub(lambda match: _SENTINEL_TO_TAG[match.group()], escaped)


def _to_text(marked: str) -> str:
    return _SENTINELS.sub("", marked)


class _CachedCitationItem(CitationItem):
    """A citation item that looks its reference up once instead of on every variable.

    citeproc-py resolves ``item.reference`` through three attribute look-ups each time a style
    element reads a variable, thousands of times per bibliography; a reference cannot change
    during one run, so the first answer is kept on the instance.
    """

    @property
    def reference(self) -> Any:
        # CustomDict turns attribute writes into dict items, so the instance __dict__ is used.
        cached = self.__dict__.get("_reference")
        if cached is None:
            cached = self.__dict__["_reference"] = self.citation.bibliography.source[self.key]
        return cached


def _render(items: Sequence[dict[str, Any]]) -> list[str]:
    """Render cleaned items with citeproc, as entries marked with sentinels. Hold the lock."""
    # Positional keys: citeproc lower-cases ids and merges duplicates, and we want neither.
    keys = [f"item{position}" for position in range(len(items))]
    source = CiteProcJSON([{**item, "id": key} for item, key in zip(items, keys, strict=True)])
    style = _ama_style()
    bibliography = CitationStylesBibliography(style, source, _SentinelFormatter)
    for key in keys:
        bibliography.register(Citation([_CachedCitationItem(key)]))
    # One item at a time: citeproc drops an entry that renders as nothing, which would shift
    # every later entry onto the wrong reference if the list were rendered in one go.
    entries = []
    for citation_item in bibliography.items:
        rendered = style.render_bibliography([citation_item])
        entries.append(str(rendered[0]) if rendered else "")
    return entries


# An entry depends only on its item (AMA numbering is the page's job), so entries are kept:
# a page shows the same references on every request. Keyed by the cleaned item as JSON.
_ENTRY_CACHE_SIZE = 4096
_entry_cache: OrderedDict[str, str] = OrderedDict()


def format_references(items: Sequence[Mapping[str, Any]]) -> list[FormattedReference]:
    """Format CSL-JSON items as AMA bibliography entries, in the order given.

    Each item needs an ``id``; the entry keeps it as given. Entries have no leading number.
    ``html`` escapes every character that came from the data and marks titles with ``<i>``;
    ``text`` is the same entry without markup. Unknown CSL-JSON fields and values that make no
    sense (a month 13, names that are not a list) are left out; an item with nothing printable
    gives an empty entry (``csl_json_is_complete`` says what it lacks).

    Raises ``ValueError`` when an item is not a mapping or has no ``id``.
    """
    for position, item in enumerate(items):
        if not isinstance(item, Mapping) or not _has_text(item.get("id")):
            raise ValueError(f"reference at position {position} has no 'id'")

    cleaned = [_citeproc_item(item) for item in items]
    signatures = [json.dumps(item, sort_keys=True, ensure_ascii=False) for item in cleaned]

    with _style_lock:
        entries: dict[str, str] = {}
        to_render: dict[str, dict[str, Any]] = {}
        for signature, item in zip(signatures, cleaned, strict=True):
            cached = _entry_cache.get(signature)
            if cached is None:
                to_render[signature] = item
            else:
                entries[signature] = cached
        if to_render:
            entries.update(zip(to_render, _render(list(to_render.values())), strict=True))
        for signature, entry in entries.items():
            _entry_cache[signature] = entry
            _entry_cache.move_to_end(signature)
        while len(_entry_cache) > _ENTRY_CACHE_SIZE:
            _entry_cache.popitem(last=False)

    formatted: list[FormattedReference] = []
    for item, signature in zip(items, signatures, strict=True):
        marked = entries[signature]
        formatted.append(
            FormattedReference(id=str(item["id"]), html=_to_html(marked), text=_to_text(marked))
        )
    return formatted


# --- completeness ---------------------------------------------------------------------------

# What a reader needs to find the work, by CSL type; "title" is needed by every type.
_ESSENTIALS: Mapping[str, tuple[str, ...]] = {
    "article-journal": ("author", "title", "container-title", "issued"),
    "book": ("author|editor", "title", "publisher", "issued"),
    "chapter": ("author", "title", "container-title", "publisher", "issued"),
    "webpage": ("title", "container-title|URL"),
}


def _is_present(item: Mapping[str, Any], field: str) -> bool:
    value = item.get(field)
    if field in _NAME_VARIABLES:
        return isinstance(value, list) and any(_citeproc_name(name) for name in value)
    if field in _DATE_VARIABLES:
        return _citeproc_date(value) is not None
    return _has_text(value)


def csl_json_is_complete(item: Mapping[str, Any]) -> list[str]:
    """Return the essential CSL-JSON fields ``item`` lacks; an empty list means complete.

    Every item needs a ``type`` and a ``title``. Journal articles also need an ``author``, a
    ``container-title`` (the journal) and an ``issued`` date; books an author or editor, a
    publisher and a date; chapters an author, the book's title, a publisher and a date; web
    pages the site's name or a URL. Alternatives are reported as ``"author|editor"``. Fields
    come back in a fixed order, so the list can be shown as it is.
    """
    item_type = item.get("type")
    essentials = _ESSENTIALS.get(str(item_type), ("title",))
    missing = [] if _has_text(item_type) else ["type"]
    if "title" not in essentials:
        essentials = ("title", *essentials)
    for essential in essentials:
        alternatives = essential.split("|")
        if not any(_is_present(item, field) for field in alternatives):
            missing.append(essential)
    return missing
