"""``GET /search/?q=``: the search page, a plain form that works without JavaScript."""

from __future__ import annotations

from django.shortcuts import render

from .service import search


def search_page(request):
    typed = request.GET.get("q", "")
    results = search(typed) if typed.strip() else None
    response = render(request, "search/results.html", {"typed": typed, "results": results})
    response["Cache-Control"] = "no-store"  # what someone searched for stays theirs
    return response
