from django.contrib import messages
from django.shortcuts import redirect
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import CancerType
from .usage import reviews_using


class CancerTypeViewSet(SnippetViewSet):
    model = CancerType
    icon = "list-ul"
    menu_label = "Cancer types"
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["name", "slug", "synonyms", "parent"]
    # No search_fields: the whole search index is searched (see references' viewset).


register_snippet(CancerTypeViewSet)


@hooks.register("before_delete_snippet")
def refuse_to_delete_cancer_types_in_use(request, instances):
    """A cancer type that a review's evidence or grades use (or that has subtypes) stays."""
    types = [i for i in instances if isinstance(i, CancerType)]
    if not types:
        return None
    used = reviews_using(t.slug for t in types)
    blocked = False
    for cancer_type in types:
        if cancer_type.slug in used:
            blocked = True
            messages.error(request, f"“{cancer_type.name}” is used by {', '.join(used[cancer_type.slug])}; "
                           "change those reviews' evidence and grades first.")
        children = list(cancer_type.children.values_list("name", flat=True))
        if children:
            blocked = True
            messages.error(request, f"“{cancer_type.name}” has subtypes ({', '.join(children)}); move or delete them first.")
    return redirect("wagtailsnippets_cancertypes_cancertype:list") if blocked else None
