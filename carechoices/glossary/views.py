"""The public glossary page."""

from django.shortcuts import render

from carechoices.core.pagecache import public_page

from .models import GlossaryTerm


@public_page
def glossary_index(request):
    """All terms, alphabetically, each with an anchor the in-text definitions link to."""
    return render(request, "glossary/index.html", {"terms": GlossaryTerm.objects.all()})
