"""The public glossary page."""

from django.shortcuts import render
from django.views.decorators.cache import cache_control

from .models import GlossaryTerm


# Public: the edge cache (deploy/nginx.conf.template) may keep it; no form, no personal data.
@cache_control(public=True, max_age=300)
def glossary_index(request):
    """All terms, alphabetically, each with an anchor the in-text definitions link to."""
    return render(request, "glossary/index.html", {"terms": GlossaryTerm.objects.all()})
