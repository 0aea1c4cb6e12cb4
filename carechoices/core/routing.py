"""Page routing in one query per level where the page tree allows a single child type."""

from __future__ import annotations


class SingleChildTypeRouting:
    """Find a child page as its specific type in one query, not Wagtail's two (base, then type).

    Only for page types whose ``subpage_types`` allow exactly one type; a slug not found that
    way goes through Wagtail's own routing, so nothing routable is lost.
    """

    def route(self, request, path_components):
        allowed = type(self).allowed_subpage_models()
        if not path_components or len(allowed) != 1:
            return super().route(request, path_components)
        (model,) = allowed
        try:
            child = model.objects.child_of(self).get(slug=path_components[0])
        except model.DoesNotExist:
            return super().route(request, path_components)
        child._cached_parent_obj = self  # as Wagtail's route: get_parent() needs no query
        return child.route(request, path_components[1:])


