"""The back-office reference form: plain fields that build the CSL-JSON, raw CSL-JSON as an option.

Editors fill type, title, authors (one per line), journal or site, year, volume, issue, pages
and the identifiers; the form writes them into the record's CSL-JSON, keeping any other CSL
fields already there (editors, publisher, accessed date, note). The raw CSL-JSON stays editable
under "Advanced" for what the plain fields do not cover; a plain field that is filled in wins.
Every value goes through ``carechoices.references.records.normalise_record``, the same rules an
import follows, and an error is shown next to the field it concerns.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from wagtail.admin.forms import WagtailAdminModelForm

from .formatting import ET_AL_AUTHOR
from .records import CSL_TYPES, RecordError, normalise_record

TYPE_LABELS = {
    "article-journal": "Journal article",
    "book": "Book",
    "chapter": "Book chapter",
    "webpage": "Web page",
    "report": "Report",
    "paper-conference": "Conference paper",
    "thesis": "Thesis",
    "article": "Other article (preprint, magazine)",
}
#: Which plain field shows a problem found in which CSL field.
FIELD_FOR = {"title": "title", "author": "authors", "issued": "year", "page": "pages",
             "container-title": "container", "volume": "volume", "issue": "issue",
             "type": "item_type", "DOI": "doi", "PMID": "pmid", "PMCID": "pmcid"}
PLAIN = {"item_type": "type", "title": "title", "container": "container-title",
         "volume": "volume", "issue": "issue", "pages": "page"}


def parse_authors(text: str) -> list[dict[str, str]]:
    """One name per line: "Bolton, Maggie", "Bolton M" or a group name; "et al." last."""
    names = []
    for line in (text or "").splitlines():
        line = " ".join(line.split())
        if not line:
            continue
        if line.rstrip(".").lower() in ("et al", "others"):
            names.append(dict(ET_AL_AUTHOR))
        elif "," in line:
            family, _, given = line.partition(",")
            names.append({"family": family.strip(), "given": given.strip()} if given.strip() else {"family": family.strip()})
        else:
            family, _, initials = line.rpartition(" ")
            if family and initials.isalpha() and initials.isupper() and len(initials) <= 4:
                names.append({"family": family, "given": initials})
            else:
                names.append({"literal": line})
    return names


def format_authors(names: Any) -> str:
    lines = []
    for name in names if isinstance(names, list) else []:
        if not isinstance(name, dict):
            continue
        if name.get("literal"):
            lines.append(str(name["literal"]))
        else:
            family = " ".join(str(p) for p in (name.get("non-dropping-particle"), name.get("family")) if p)
            lines.append(f"{family}, {name['given']}" if name.get("given") else family)
    return "\n".join(lines)


class ReferenceForm(WagtailAdminModelForm):
    item_type = forms.ChoiceField(
        label="Type", required=False,
        choices=[("", "Choose a type")] + [(t, label) for t, label in TYPE_LABELS.items() if t in CSL_TYPES],
    )
    title = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    authors = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One per line, family name first: “Bolton, Maggie” or “Bolton M”. A group author "
        "as written (“World Health Organization”). End with “et al.” if the source lists only some.",
    )
    container = forms.CharField(
        label="Journal, book or website", required=False, max_length=500,
        help_text="The journal for an article, the book for a chapter, the site for a web page.",
    )
    year = forms.IntegerField(required=False, min_value=1000, max_value=2999)
    volume = forms.CharField(required=False, max_length=40)
    issue = forms.CharField(required=False, max_length=40)
    pages = forms.CharField(required=False, max_length=60, help_text="e.g. 200-208 (200-8 is written out).")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "csl" in self.fields:
            self.fields["csl"].required = False
            self.fields["csl"].help_text = (
                "Advanced: the whole record as CSL-JSON, for fields the form above does not have "
                "(editors, publisher, accessed date). Fields filled in above replace the same fields here."
            )
        csl = self.instance.csl if isinstance(self.instance.csl, dict) else {}
        if csl and not self.is_bound:
            self.initial.update({
                "item_type": csl.get("type", "article-journal"),
                "title": csl.get("title", ""),
                "authors": format_authors(csl.get("author")),
                "container": csl.get("container-title", ""),
                "volume": csl.get("volume", ""),
                "issue": csl.get("issue", ""),
                "pages": csl.get("page", ""),
            })
            parts = (csl.get("issued") or {}).get("date-parts") if isinstance(csl.get("issued"), dict) else None
            if parts and parts[0]:
                self.initial["year"] = parts[0][0]

    def clean(self):
        cleaned = super().clean()
        raw = cleaned.get("csl")
        if isinstance(raw, str):
            try:
                raw = json.loads(raw) if raw.strip() else None
            except json.JSONDecodeError as exc:
                self.add_error("csl", f"Not valid JSON: {exc.msg} (line {exc.lineno}).")
                return cleaned
        if raw is not None and not isinstance(raw, dict):
            self.add_error("csl", 'CSL-JSON must be an object such as {"type": "book", …}.')
            return cleaned
        csl = dict(raw or {})
        for name, variable in PLAIN.items():
            value = cleaned.get(name)
            if value:
                csl[variable] = value
            elif name in self.changed_data:
                csl.pop(variable, None)
        if not csl.get("type"):
            self.add_error("csl" if raw else "item_type", "Choose the type of publication.")
            return cleaned
        authors = parse_authors(cleaned.get("authors", ""))
        if authors or "authors" in self.changed_data:
            csl["author"] = authors
        year = cleaned.get("year")
        if year:
            old = (csl.get("issued") or {}).get("date-parts", [[None]]) if isinstance(csl.get("issued"), dict) else [[None]]
            rest = old[0][1:] if old and old[0] and old[0][0] == year else []
            csl["issued"] = {"date-parts": [[year, *rest]]}
        elif "year" in self.changed_data:
            csl.pop("issued", None)
        identifiers = {"DOI": cleaned.get("doi", ""), "PMID": cleaned.get("pmid", ""),
                       "PMCID": cleaned.get("pmcid", ""), "URL": cleaned.get("url", "")}
        kept = {k: v for k, v in csl.items() if k not in ("id", "DOI", "PMID", "PMCID", "URL")}
        try:
            record = normalise_record(kept | {k: v for k, v in identifiers.items() if v})
        except RecordError as exc:
            self.add_error(FIELD_FOR.get(exc.field, "csl") if FIELD_FOR.get(exc.field, "csl") in self.fields else None,
                           exc.message)
            return cleaned
        # Keep CSL fields the normaliser does not know (the advanced field may hold any).
        extra = {k: v for k, v in kept.items() if k not in record.csl and k not in ("title",)}
        cleaned["csl"] = record.csl | extra
        for name in ("doi", "pmid", "pmcid"):
            if name in cleaned:
                cleaned[name] = getattr(record, name)
        return cleaned
