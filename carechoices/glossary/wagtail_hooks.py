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
    search_fields = ["term", "definition"]


register_snippet(GlossaryTermViewSet)
