"""The back-office form for a cancer type."""

from wagtail.admin.forms import WagtailAdminModelForm


class CancerTypeForm(WagtailAdminModelForm):
    """The slug is shown but cannot be edited once the cancer type exists."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "slug" in self.fields:
            self.fields["slug"].disabled = True
            self.fields["slug"].help_text = "Fixed once saved: links and open data use it."
