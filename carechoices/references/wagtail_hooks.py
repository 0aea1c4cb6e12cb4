from django.contrib import messages
from django.shortcuts import redirect
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Reference


class CompletenessColumn(Column):
    def get_value(self, instance):
        missing = instance.missing_fields
        return f"Incomplete: no {', '.join(missing)}" if missing else "Complete"


class ReferenceViewSet(SnippetViewSet):
    model = Reference
    icon = "doc-full"
    menu_label = "References"
    menu_order = 200
    add_to_admin_menu = True
    list_display = [
        "key",
        "title_text",
        CompletenessColumn("completeness", label="Status"),
        "doi",
        "pmid",
    ]
    search_fields = ["key"]


register_snippet(ReferenceViewSet)


def cited_keys_in_reviews() -> dict[str, list[str]]:
    """Every citation key used by any review (live or latest draft) → the reviews using it."""
    from carechoices.therapies.models import TherapyPage
    from carechoices.therapies.presenters import review_citation_order

    used: dict[str, list[str]] = {}
    for page in TherapyPage.objects.all():
        versions = [page]
        latest = page.get_latest_revision_as_object()
        if latest is not None:
            versions.append(latest)
        for version in versions:
            for keys in review_citation_order(version).values():
                for key in keys:
                    if page.title not in used.setdefault(key, []):
                        used[key].append(page.title)
    return used


@hooks.register("before_delete_snippet")
def refuse_to_delete_cited_references(request, instances):
    """A reference a review cites cannot be deleted: its markers would stop resolving."""
    references = [i for i in instances if isinstance(i, Reference)]
    if not references:
        return None
    used = cited_keys_in_reviews()
    blocked = {r.key: used[r.key] for r in references if r.key in used}
    if not blocked:
        return None
    for key, titles in blocked.items():
        messages.error(request, f"“{key}” is cited by {', '.join(titles)}; remove those citations first.")
    return redirect("wagtailsnippets_references_reference:list")


@hooks.register("register_admin_urls")
def register_reference_import_url():
    from django.urls import path

    from .admin_import import import_view

    return [path("references/import/", import_view, name="reference_import")]


@hooks.register("register_admin_menu_item")
def register_reference_import_menu_item():
    from django.urls import reverse
    from wagtail.admin.menu import MenuItem

    from .admin_import import PERMISSION

    class ImportMenuItem(MenuItem):
        def is_shown(self, request):
            return request.user.has_perm(PERMISSION)

    return ImportMenuItem("Import references", reverse("reference_import"), icon_name="upload", order=201)
