"""The public glossary page."""

from django.shortcuts import render

from .models import GlossaryTerm


def glossary_index(request):
    """All terms, alphabetically, each with an anchor the in-text definitions link to."""
    return render(request, "glossary/index.html", {"terms": GlossaryTerm.objects.all()})
