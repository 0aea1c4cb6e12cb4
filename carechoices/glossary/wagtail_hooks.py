from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import GlossaryTerm


class GlossaryTermViewSet(SnippetViewSet):
    model = GlossaryTerm
    icon = "help"
    menu_label = "Glossary"
    menu_order = 220
    add_to_admin_menu = True
    list_display = ["term", "synonyms", "house_definition"]
    # No search_fields: the back office searches the model's whole search index (naming fields
    # fails on SQLite, "no such column", wagtail/wagtail#10217).


register_snippet(GlossaryTermViewSet)
