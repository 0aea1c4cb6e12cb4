"""Page routing in one query per level: a child page is read as its specific type at once."""

from __future__ import annotations

from carechoices.editorial.generation import PerGenerationMap

#: For pages that allow several child types: each child's slug and its specific model, read once
#: per content generation (a publish, move or delete of any page raises it).
_child_models: PerGenerationMap[dict] = PerGenerationMap()


class SingleChildTypeRouting:
    """Find a child page as its specific type in one query, not Wagtail's two (base, then type).

    Where ``subpage_types`` allow one type, that type is queried by slug. Where they allow
    several, the slug's type comes from a small map of the children kept per content
    generation. A slug not found either way goes through Wagtail's own routing, so nothing
    routable is lost.
    """

    def route(self, request, path_components):
        if not path_components:
            return super().route(request, path_components)
        allowed = type(self).allowed_subpage_models()
        if len(allowed) == 1:
            (model,) = allowed
        else:
            model = self._child_models().get(path_components[0])
            if model is None:
                return super().route(request, path_components)
        try:
            child = model.objects.child_of(self).get(slug=path_components[0])
        except model.DoesNotExist:
            return super().route(request, path_components)
        child._cached_parent_obj = self  # as Wagtail's route: get_parent() needs no query
        return child.route(request, path_components[1:])

    def _child_models(self) -> dict:
        def build() -> dict:
            from django.contrib.contenttypes.models import ContentType
            from wagtail.models import Page

            found = {}
            for slug, content_type in Page.objects.child_of(self).values_list("slug", "content_type"):
                model = ContentType.objects.get_for_id(content_type).model_class()
                if model is not None:
                    found[slug] = model
            return found

        return _child_models.get(self.pk, build)
