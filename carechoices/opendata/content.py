"""Pages and library records as the export writes them, and the checks import makes on text.

A review's content is the table ``carechoices.demo.loader.build_review`` reads (the shape of the
sample content files): page fields by name, every record of every StreamField as a plain object
with all its fields, references by citation key, people by slug, decimals as strings, dates as
YYYY-MM-DD. Block ids and the database's own ids are not content and are not written.

Rich text links to other pages are stored by Wagtail as ``<a linktype="page" id="42">``, an id
only this database knows; the export writes the page's tree path instead
(``data-page-path="/home/therapies/melatonin/"``) and import turns it back into the new id.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from wagtail import blocks
from wagtail.blocks.field_block import ChooserBlock

from carechoices.therapies.citations_check import RICH_TEXT_FIELDS
from carechoices.therapies.models import TherapyPage

__all__ = [
    "RICH_TEXT_FIELDS",
    "STREAM_FIELDS",
    "PageLinks",
    "block_data",
    "ensure_snippets_registered",
    "rich_text_problems",
    "single_block",
]

#: The review's StreamFields, each holding one kind of block, in the order the page edits them.
STREAM_FIELDS = (
    "evidence",
    "grades",
    "side_effects",
    "contraindications",
    "expert_uses",
    "dosing_protocols",
    "keep_reading",
)
PAGE_PATH = "data-page-path"


def ensure_snippets_registered() -> None:
    """Load the apps' ``wagtail_hooks`` (where ``Reference`` becomes a snippet).

    A web process loads them with the admin's URLs; a command line process has not, and a
    reference chooser block cannot validate or describe itself until then.
    """
    from wagtail.hooks import search_for_hooks

    search_for_hooks()


def single_block(field_name: str) -> tuple[str, blocks.Block]:
    """(block type name, block) of a review StreamField, which holds one kind of block."""
    stream_block = TherapyPage._meta.get_field(field_name).stream_block
    items = list(stream_block.child_blocks.items())
    if len(items) != 1:  # pragma: no cover - the export format would need a "type" per item
        raise TypeError(f"{field_name} holds {len(items)} kinds of block; the export expects one")
    return items[0]


def block_data(block: blocks.Block, value: Any) -> Any:
    """One block value as plain JSON data, every field present (what ``build_review`` reads)."""
    if isinstance(block, blocks.StructBlock):
        return {
            name: block_data(child, value.get(name) if value is not None else None)
            for name, child in block.child_blocks.items()
        }
    if isinstance(block, blocks.ListBlock):
        return [block_data(block.child_block, item) for item in value or []]
    if isinstance(block, ChooserBlock):  # a reference from the library, by its citation key
        return value.key if value is not None else None
    if isinstance(value, Decimal):
        return format(value, "f")
    return block.get_prep_value(value)


def stream_data(page: TherapyPage, field_name: str) -> list[dict[str, Any]]:
    block_type, block = single_block(field_name)
    return [block_data(block, child.value) for child in getattr(page, field_name) if child.block_type == block_type]


# Page links in rich text --------------------------------------------------------------------------
_ANCHOR = re.compile(r"<a\b([^>]*)>")
_ATTRIBUTE = re.compile(r'([\w:.-]+)="([^"]*)"')


def _attributes(tag_body: str) -> list[tuple[str, str]]:
    return _ATTRIBUTE.findall(tag_body)


def _anchor(attributes: list[tuple[str, str]]) -> str:
    return "<a" + "".join(f' {name}="{value}"' for name, value in attributes) + ">"


class PageLinks:
    """Rich-text page links written by tree path (export) and read back to ids (import).

    ``paths`` maps the exported pages' ids to their tree paths; a link to any other page (not
    published, or not part of the export) is written as a plain link to its address, which
    ``url_for`` gives, so nothing in the export points at an id of this database.
    """

    def __init__(self, paths: Mapping[int, str], url_for: Callable[[int], str | None]) -> None:
        self.paths = paths
        self.url_for = url_for

    def export(self, html: str) -> str:
        def replace(match: re.Match) -> str:
            attributes = _attributes(match.group(1))
            values = dict(attributes)
            if values.get("linktype") != "page" or not values.get("id", "").isdigit():
                return match.group(0)
            pk = int(values["id"])
            if pk in self.paths:
                return _anchor([(PAGE_PATH, self.paths[pk]) if n == "id" else (n, v) for n, v in attributes])
            url = self.url_for(pk)
            kept = [(n, v) for n, v in attributes if n not in ("linktype", "id")]
            return _anchor(([("href", url)] if url else []) + kept)

        return _ANCHOR.sub(replace, html or "")

    @staticmethod
    def resolve(html: str, ids: Mapping[str, int]) -> str:
        """``html`` with every ``data-page-path`` turned into the id ``ids`` gives its path."""
        def replace(match: re.Match) -> str:
            attributes = _attributes(match.group(1))
            if PAGE_PATH not in dict(attributes):
                return match.group(0)
            return _anchor([("id", str(ids[v])) if n == PAGE_PATH else (n, v) for n, v in attributes])

        return _ANCHOR.sub(replace, html or "")

    @staticmethod
    def unlinked(html: str) -> str:
        """``html`` with its page links made plain text links, until the pages they need exist."""
        def replace(match: re.Match) -> str:
            attributes = _attributes(match.group(1))
            if PAGE_PATH not in dict(attributes):
                return match.group(0)
            return _anchor([(n, v) for n, v in attributes if n not in (PAGE_PATH, "linktype")])

        return _ANCHOR.sub(replace, html or "")

    @staticmethod
    def paths_in(html: str) -> list[str]:
        return [dict(_attributes(m.group(1)))[PAGE_PATH] for m in _ANCHOR.finditer(html or "")
                if PAGE_PATH in dict(_attributes(m.group(1)))]


# What rich text may hold ----------------------------------------------------------------------------
#: The elements the back office's rich text features (h3, h4, bold, italic, link, ol, ul) write,
#: and the paragraph class the sample content uses for "Not yet reviewed".
_ELEMENTS = {"p", "h2", "h3", "h4", "b", "strong", "i", "em", "a", "ol", "ul", "li", "br"}
_ANY_ELEMENT_ATTRIBUTES = {"class", "data-block-key"}
_LINK_ATTRIBUTES = {"href", "linktype", PAGE_PATH}
_SCHEMES = {"", "http", "https", "mailto", "tel"}


class _RichTextChecker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _ELEMENTS:
            self.problems.append(f"<{tag}> is not allowed in rich text")
            return
        names = dict(attrs)
        if tag == "a" and (names.get("linktype") == "page") != (PAGE_PATH in names):
            self.problems.append(f"a page link needs both linktype=\"page\" and {PAGE_PATH}")
        for name, value in attrs:
            allowed = _ANY_ELEMENT_ATTRIBUTES | (_LINK_ATTRIBUTES if tag == "a" else set())
            if name not in allowed:
                what = ("a page link by database id; write data-page-path" if (tag, name) == ("a", "id")
                        else f"the attribute {name!r} is not allowed on <{tag}>")
                self.problems.append(what)
            elif name == "href" and urlsplit((value or "").strip()).scheme.lower() not in _SCHEMES:
                self.problems.append(f"the link {value!r} is not a web, mail or phone address")
            elif name == "linktype" and value != "page":
                self.problems.append(f"a {value!r} link cannot be imported")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


def rich_text_problems(html: str) -> list[str]:
    """Why ``html`` is not rich text the back office could have written (empty when it is)."""
    checker = _RichTextChecker()
    checker.feed(html or "")
    checker.close()
    return list(dict.fromkeys(checker.problems))
