from django.contrib import messages
from django.shortcuts import redirect
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet

from .models import Reference


class CompletenessColumn(Column):
    def get_value(self, instance):
        missing = instance.missing_fields
        return f"Incomplete: no {', '.join(missing)}" if missing else "Complete"


class ReferenceIndexView(IndexView):
    """A pasted DOI, PMID or PMCID finds its reference exactly (full text splits identifiers)."""

    def search_queryset(self, queryset):
        from .identifiers import identifier_in

        found = identifier_in(self.search_query) if self.is_searching else None
        if found is not None:
            kind, value = found
            return queryset.filter(**{kind: value})
        return super().search_queryset(queryset)


class ReferenceViewSet(SnippetViewSet):
    model = Reference
    icon = "doc-full"
    menu_label = "References"
    menu_order = 200
    add_to_admin_menu = True
    index_view_class = ReferenceIndexView
    list_display = [
        "key",
        "title_text",
        CompletenessColumn("completeness", label="Status"),
        "doi",
        "pmid",
    ]
    # No search_fields: the back office searches the model's whole search index (naming fields
    # fails on SQLite, "no such column", wagtail/wagtail#10217).


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
