"""The shared reference library: one record per publication, cited from any review."""

from __future__ import annotations

import json
import re

from django.core.exceptions import ValidationError
from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import RevisionMixin
from wagtail.search import index

from .forms import ReferenceForm
from .identifiers import (
    doi_url,
    normalise_doi,
    normalise_pmcid,
    normalise_pmid,
    pmc_url,
    pubmed_url,
)
from .records import CSL_TYPES

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def validate_citation_key(value: str) -> None:
    if not KEY_PATTERN.match(value):
        raise ValidationError(
            "Use lower-case letters, digits, hyphens or underscores, e.g. bolton2019.",
            code="invalid_key",
        )


class Reference(RevisionMixin, index.Indexed, models.Model):
    """A publication in CSL-JSON, with its identifiers kept as validated fields.

    Reviews cite it with a marker such as ``[@bolton2019]`` using ``key``.
    """

    key = models.CharField(
        max_length=80,
        unique=True,
        validators=[validate_citation_key],
        help_text="The citation key used in markers, e.g. bolton2019 for [@bolton2019].",
    )
    csl = models.JSONField(
        verbose_name="CSL-JSON",
        help_text='The bibliographic record as CSL-JSON, e.g. {"type": "article-journal", '
        '"title": "…", "container-title": "…", "author": [{"family": "…", "given": "…"}], '
        '"issued": {"date-parts": [[2019, 1, 15]]}}.',
    )
    doi = models.CharField("DOI", max_length=200, blank=True)
    pmid = models.CharField("PMID", max_length=40, blank=True)
    pmcid = models.CharField("PMCID", max_length=40, blank=True)
    url = models.URLField("URL", max_length=500, blank=True)
    verification_note = models.CharField(
        max_length=300,
        blank=True,
        help_text="What has not been verified against the publisher, shown with the entry.",
    )

    panels = [
        FieldPanel("key"),
        MultiFieldPanel(
            [
                FieldPanel("item_type"),
                FieldPanel("title"),
                FieldPanel("authors"),
                FieldPanel("container"),
                FieldPanel("year"),
                FieldPanel("volume"),
                FieldPanel("issue"),
                FieldPanel("pages"),
            ],
            heading="Publication",
        ),
        MultiFieldPanel(
            [FieldPanel("doi"), FieldPanel("pmid"), FieldPanel("pmcid"), FieldPanel("url")],
            heading="Identifiers",
        ),
        FieldPanel("verification_note"),
        MultiFieldPanel([FieldPanel("csl")], heading="Advanced: CSL-JSON", classname="collapsed"),
    ]
    search_fields = [
        index.SearchField("key", boost=2),
        index.SearchField("title_text", boost=2),
        index.SearchField("authors_text"),
        index.SearchField("container_title_text"),
        index.SearchField("doi"),
        index.SearchField("pmid"),
        index.SearchField("pmcid"),
        index.AutocompleteField("key"),
        index.AutocompleteField("title_text"),
        index.AutocompleteField("authors_text"),
        index.AutocompleteField("doi"),
        index.AutocompleteField("pmid"),
        index.FilterField("key"),
    ]
    base_form_class = ReferenceForm

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        title = self.title_text or "(title not recorded)"
        return f"{self.key}: {title[:80]}"

    @property
    def title_text(self) -> str:
        csl = self.csl if isinstance(self.csl, dict) else {}
        return str(csl.get("title", ""))

    @property
    def authors_text(self) -> str:
        """The authors' names as one line (what search indexes), e.g. "Bolton M, Hodkinson A"."""
        csl = self.csl if isinstance(self.csl, dict) else {}
        names = []
        for person in csl.get("author") or []:
            if isinstance(person, dict):
                name = person.get("literal") or " ".join(
                    str(person[part]) for part in ("given", "family") if person.get(part)
                )
                if name:
                    names.append(name)
        return ", ".join(names)

    @property
    def container_title_text(self) -> str:
        csl = self.csl if isinstance(self.csl, dict) else {}
        return str(csl.get("container-title", ""))

    def clean(self) -> None:
        errors: dict[str, str] = {}
        csl = self.csl
        if isinstance(csl, str):
            try:
                csl = json.loads(csl)
            except json.JSONDecodeError as exc:
                errors["csl"] = f"Not valid JSON: {exc.msg} (line {exc.lineno})."
        if "csl" not in errors:
            if not isinstance(csl, dict):
                errors["csl"] = 'CSL-JSON must be an object such as {"type": "book", …}.'
            elif csl.get("type") not in CSL_TYPES:
                errors["csl"] = f'CSL-JSON needs a "type"; one of: {", ".join(sorted(CSL_TYPES))}.'
            else:
                self.csl = csl
        for field, normalise in (
            ("doi", normalise_doi),
            ("pmid", normalise_pmid),
            ("pmcid", normalise_pmcid),
        ):
            value = getattr(self, field).strip()
            if not value:
                setattr(self, field, "")
                continue
            try:
                setattr(self, field, normalise(value))
            except ValueError as exc:
                errors[field] = str(exc)
        if errors:
            raise ValidationError(errors)

    # What the reader sees -------------------------------------------------------------------
    @property
    def missing_fields(self) -> list[str]:
        """Essentials the entry lacks (e.g. title, journal); a non-empty list flags it incomplete."""
        from .formatting import csl_json_is_complete

        return csl_json_is_complete(self.csl_item())

    @property
    def is_incomplete(self) -> bool:
        return bool(self.missing_fields)

    def csl_item(self) -> dict:
        """The CSL-JSON with our identifiers merged in, keyed by the citation key."""
        item = dict(self.csl) if isinstance(self.csl, dict) else {}
        item["id"] = self.key
        if self.doi:
            item["DOI"] = self.doi
        if self.pmid:
            item["PMID"] = self.pmid
        if self.url:
            item["URL"] = self.url
        return item

    @property
    def links(self) -> list[tuple[str, str]]:
        """(label, url) pairs for the reader: DOI, PubMed, PMC and the web address."""
        out = []
        if self.doi:
            out.append((f"doi:{self.doi}", doi_url(self.doi)))
        if self.pmid:
            out.append((f"PubMed {self.pmid}", pubmed_url(self.pmid)))
        if self.pmcid:
            out.append((self.pmcid, pmc_url(self.pmcid)))
        if self.url:
            out.append(("Web page", self.url))
        return out

    @property
    def primary_url(self) -> str | None:
        return self.links[0][1] if self.links else None
