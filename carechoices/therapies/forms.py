"""The back-office form for a therapy review: checks that only make sense across fields."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from wagtail.admin.forms import WagtailAdminPageForm

# Actions that make content public or ask for it to be made public.
_PUBLISHING_ACTIONS = ("action-publish", "action-submit", "action-workflow-action")


class TherapyPageForm(WagtailAdminPageForm):
    """Blocks publishing (or submitting for review) while a citation marker does not resolve."""

    def _is_publishing(self) -> bool:
        return any(key in self.data for key in _PUBLISHING_ACTIONS)

    def clean(self):
        cleaned = super().clean()
        ratings = self.formsets.get("ratings")
        if ratings is not None:
            seen: set[str] = set()
            for form in ratings.forms:
                if not form.is_valid() or form.cleaned_data.get("DELETE"):
                    continue
                attribute = form.cleaned_data.get("attribute")
                if attribute in seen:
                    form.add_error("attribute", "This attribute is already rated on this review.")
                seen.add(attribute)
        if self._is_publishing():
            from .citations_check import citation_problems_by_field

            for field, problems in citation_problems_by_field(cleaned, self.formsets).items():
                for problem in problems:
                    if field in self.fields:
                        self.add_error(field, ValidationError(problem, code="dangling_citation"))
                    else:
                        self.add_error(None, ValidationError(problem, code="dangling_citation"))
        return cleaned
