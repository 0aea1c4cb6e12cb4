"""Citation exports for reference managers: CSL-JSON, RIS, BibTeX and AMA text.

Every format is one module with the same small interface::

    export(items: Sequence[ExportItem]) -> str    # the whole file, in the order given
    LABEL, EXTENSION, MEDIA_TYPE                  # link text, file extension, Content-Type

``FORMATS`` maps the name used in download URLs (``export.<name>``) to the format. The modules
import no Django: the views in ``carechoices.references.views`` choose the references and build
the ``ExportItem`` values; everything about the file formats is here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from . import ama, bibtex, csl, ris
from .base import ExportItem, export_item

__all__ = ["FORMATS", "ExportFormat", "ExportItem", "export_item"]


@dataclass(frozen=True)
class ExportFormat:
    """One download format: its URL name, link label, file extension, media type and writer."""

    name: str
    label: str
    extension: str
    media_type: str
    export: Callable[[Sequence[ExportItem]], str]


def _format(name: str, module) -> ExportFormat:
    return ExportFormat(name, module.LABEL, module.EXTENSION, module.MEDIA_TYPE, module.export)


#: URL name → format, in the order the download links show them.
FORMATS: Mapping[str, ExportFormat] = MappingProxyType(
    {
        "ris": _format("ris", ris),
        "bib": _format("bib", bibtex),
        "csl.json": _format("csl.json", csl),
        "txt": _format("txt", ama),
    }
)
