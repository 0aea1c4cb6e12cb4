"""Blocks that point at cancer types by slug (the menus list the vocabulary as it is now)."""

from django import forms
from wagtail import blocks

from . import lookup
from .models import choices


class CancerTypeBlock(blocks.ChoiceBlock):
    """One cancer type's slug; empty for cancer in general."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(choices=choices, **kwargs)

    def get_searchable_content(self, value):
        return [lookup.name_of(value)] if value and self.search_index else []

    def deconstruct(self):
        path, args, kwargs = super().deconstruct()
        kwargs.pop("choices", None)
        return "carechoices.cancertypes.blocks.CancerTypeBlock", args, kwargs


class CancerTypesBlock(blocks.MultipleChoiceBlock):
    """The slugs of the cancer types a study was in; none for cancer in general."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        super().__init__(choices=choices, **kwargs)

    def get_searchable_content(self, value):
        """The cancer types' names (and synonyms), so a review is found by its evidence's types."""
        if not self.search_index:
            return []
        return [text for text in (lookup.searchable(slug) for slug in value or []) if text]

    def deconstruct(self):
        path, args, kwargs = super().deconstruct()
        kwargs.pop("choices", None)
        kwargs.pop("widget", None)
        return "carechoices.cancertypes.blocks.CancerTypesBlock", args, kwargs
