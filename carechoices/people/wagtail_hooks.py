from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Person


class PersonViewSet(SnippetViewSet):
    model = Person
    icon = "user"
    menu_label = "People"
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["name", "role", "credentials", "is_demo"]
    # No search_fields: the back office searches the model's whole search index (naming fields
    # fails on SQLite, "no such column", wagtail/wagtail#10217).


register_snippet(PersonViewSet)
