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
