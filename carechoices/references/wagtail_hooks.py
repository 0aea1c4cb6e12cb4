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
    from carechoices.therapies.compile import review_citation_order
    from carechoices.therapies.models import used_by_reviews

    return used_by_reviews(
        lambda version: [key for keys in review_citation_order(version).values() for key in keys]
    )


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


def look_alike(reference: Reference):
    """The library entry this reference duplicates or resembles (the import's rules), if any."""
    from .importing.dedupe import DuplicateIndex, Verdict, entry_from_csl

    others = Reference.objects.exclude(pk=reference.pk).values_list("key", "csl", "doi", "pmid", "pmcid")
    index = DuplicateIndex(
        entry_from_csl(key, csl if isinstance(csl, dict) else {}, doi=doi, pmid=pmid, pmcid=pmcid)
        for key, csl, doi, pmid, pmcid in others.iterator()
    )
    csl = reference.csl if isinstance(reference.csl, dict) else {}
    match = index.classify(
        entry_from_csl(reference.key, csl, doi=reference.doi, pmid=reference.pmid, pmcid=reference.pmcid)
    )
    return None if match.verdict == Verdict.NEW else match


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def warn_about_look_alikes(request, instance):
    """Saved, but the editor is told when the library already seems to hold the publication."""
    if not isinstance(instance, Reference):
        return None
    match = look_alike(instance)
    if match is not None:
        reason = match.reason.replace(instance.key, "this entry")
        messages.warning(
            request,
            f"Look-alike already in the library: “{instance.key}” is a {match.verdict.value} of "
            f"“{match.other}” ({reason}). If they are the same publication, cite one and delete the other.",
        )
    return None
