"""The screen's pages: the form, and the results grouped by severity.

Results are answered to a POST and marked ``no-store``: what a person enters never appears in
a URL, a log line, the database or a cache.
"""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from carechoices.screening.content import live_therapies
from carechoices.screening.forms import ScreenForm
from carechoices.screening.limits import InputError
from carechoices.screening.presenters import ScreenResultPresenter
from carechoices.screening.service import run_screen


def screen_page(request, *, therapy_page=None, template="screening/screen.html"):
    """GET: the form. POST: the results (or the form again with errors next to the fields)."""
    therapies = live_therapies()
    choices = [(slug, content.page.title) for slug, content in therapies.items()]
    fixed = therapy_page.slug if therapy_page is not None else None
    data = request.POST if request.method == "POST" else None
    form = ScreenForm(data, therapy_choices=choices, fixed_therapy=fixed)
    context = {"form": form, "therapy_page": therapy_page, "page": therapy_page}
    status = 200
    if request.method == "POST":
        if form.is_valid():
            payload = form.payload()
            try:
                result = run_screen(payload)
            except InputError as exc:
                form.add_input_error(exc)
                status = 400
            else:
                context["result"] = ScreenResultPresenter(result, payload, therapies)
                return render(request, "screening/results.html", context)
        else:
            status = 400
    return render(request, template, context, status=status)


# Inputs never reach error reports: Django's reporter masks these POST fields and variables.
_SENSITIVE = ("medicines", "conditions", "surgery_date", "dose_mg", "cancer_type")
site_screen = never_cache(
    require_http_methods(["GET", "HEAD", "POST"])(sensitive_post_parameters(*_SENSITIVE)(screen_page))
)
