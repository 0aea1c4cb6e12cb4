"""Start plan pages and downloads. POST only, never cached: inputs stay out of URLs and logs."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from carechoices.plans.forms import PlanForm
from carechoices.plans.presenters import PlanPresenter
from carechoices.plans.service import protocol_choices, run_plan
from carechoices.screening.content import live_therapies
from carechoices.screening.limits import InputError, place_time_zones


def time_zone_options() -> list[tuple[str, str]]:
    """(zone, place) for the time zone list: ("Europe/London", "London, Europe")."""
    options = []
    for zone in place_time_zones():
        parts = zone.replace("_", " ").split("/")
        options.append((zone, ", ".join(reversed(parts)) if len(parts) > 1 else zone))
    return options


DOWNLOADS = [("calendar", "Download calendar (.ics)"), ("pdf", "Download PDF for your doctor")]


def _plan_or_form(request):
    data = request.POST
    content = live_therapies().get(data.get("therapy", ""))
    choices = protocol_choices(content) if content else []
    form = PlanForm(data, protocol_choices=choices)
    context = {"form": form, "page": content.page if content else None, "time_zones": time_zone_options()}
    if "start_date" not in data:  # arriving from the screen's results: ask for the dates first
        form = PlanForm(
            initial={k: v for k, v in data.items() if k in PlanForm.base_fields}, protocol_choices=choices
        )
        context["form"] = form
        return None, context, 200
    if not form.is_valid():
        return None, context, 400
    try:
        outcome = run_plan(form.payload())
    except InputError as exc:
        form.add_input_error(exc)
        return None, context, 400
    context.update(outcome=outcome, plan=outcome.json, page=outcome.content.page, view=PlanPresenter(outcome),
                   hidden_fields=form.hidden_fields_for_downloads(), downloads=DOWNLOADS)
    return outcome, context, 200


_SENSITIVE = (
    "medicines", "conditions", "surgery_date", "start_date", "time_zone", "prescriber_decision",
    "dose_mg", "start_dose_mg", "opioid_free_from", "daily_opioid_pain_medicine",
)


@never_cache
@require_POST
@sensitive_post_parameters(*_SENSITIVE)
def plan_page(request):
    outcome, context, status = _plan_or_form(request)
    template = "plans/plan.html" if outcome else "plans/plan_form.html"
    return render(request, template, context, status=status)


@never_cache
@require_POST
@sensitive_post_parameters(*_SENSITIVE)
def plan_download(request, fmt: str):
    outcome, context, status = _plan_or_form(request)
    if outcome is None:
        return render(request, "plans/plan_form.html", context, status=400 if status == 200 else status)
    slug = outcome.content.page.slug
    if fmt == "calendar":
        response = HttpResponse(outcome.ics(), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{slug}-start-plan.ics"'
    else:
        response = HttpResponse(outcome.pdf(base_url=request.build_absolute_uri("/")), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{slug}-start-plan.pdf"'
    return response
