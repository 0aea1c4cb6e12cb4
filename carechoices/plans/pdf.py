"""The start plan as a PDF "to discuss with your doctor" (WeasyPrint, from an HTML template)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.template.loader import render_to_string
from django.utils import timezone

if TYPE_CHECKING:
    from carechoices.plans.service import PlanOutcome


def plan_context(outcome: PlanOutcome) -> dict:
    from carechoices.screening.presenters import VERDICT_TEXT

    page = outcome.content.page
    label, explanation = VERDICT_TEXT[outcome.screen["therapies"][0]["verdict"]]
    return {
        "verdict_label": label,
        "verdict_explanation": explanation,
        "outcome": outcome,
        "plan": outcome.json,
        "page": page,
        "therapy": outcome.screen["therapies"][0],
        "generated": timezone.localdate(),
    }


def plan_pdf(outcome: PlanOutcome, *, base_url: str = "") -> bytes:
    """Render the plan, the screen's findings, the references and the review's dates to PDF."""
    from weasyprint import HTML

    html = render_to_string("plans/plan_pdf.html", plan_context(outcome))
    return HTML(string=html, base_url=base_url or None).write_pdf()
