"""The start plan as a PDF "to discuss with your doctor" (WeasyPrint, from an HTML template).

The PDF is tagged PDF/UA-1 (``pdf_variant="pdf/ua-1"``, WeasyPrint 61 and later), so a screen
reader can follow its headings, lists and tables: it has a structure tree, ``/MarkInfo``, the
document language from ``<html lang>`` and the title from ``<title>``.

What a person typed ends up in this document, so it must never end up in a log: WeasyPrint and
fontTools log missing glyphs and font subsetting at WARNING with the characters concerned, and
those loggers are switched off for good (``silence_content_loggers``). Fonts covering the
scripts people type come from Debian's Noto packages (``make`` installs them).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.template.loader import render_to_string

if TYPE_CHECKING:
    from carechoices.plans.service import PlanOutcome

#: Logger trees that may repeat document text (missing glyphs, subset characters) while rendering.
CONTENT_LOGGERS = ("weasyprint", "fontTools")


def silence_content_loggers() -> None:
    """Stop every record of those logger trees from reaching any handler (idempotent).

    Records of child loggers ("fontTools.subset", "weasyprint.progress") propagate to these
    parents, which drop them: nothing below CRITICAL is created, and nothing at all travels
    further up to the root logger's handlers.
    """
    for name in CONTENT_LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(logging.CRITICAL + 1)
        logger.propagate = False
        if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
            logger.addHandler(logging.NullHandler())


silence_content_loggers()


def plan_context(outcome: PlanOutcome) -> dict:
    from carechoices.plans.presenters import PlanPresenter

    return {
        "outcome": outcome,
        "plan": outcome.json,
        "page": outcome.content.page,
        "view": PlanPresenter(outcome),
    }


def plan_pdf(outcome: PlanOutcome, *, base_url: str = "") -> bytes:
    """Render the inputs, the screen's findings, the plan, the references and the review's dates."""
    from weasyprint import HTML

    html = render_to_string("plans/plan_pdf.html", plan_context(outcome))
    silence_content_loggers()
    return HTML(string=html, base_url=base_url or None).write_pdf(pdf_variant=PDF_VARIANT)


#: Tagged, accessible PDF (ISO 14289-1); WeasyPrint sets ``pdf_tags`` and PDF 1.7 for it.
PDF_VARIANT = "pdf/ua-1"
