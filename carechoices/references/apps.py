from django.apps import AppConfig


class ReferencesConfig(AppConfig):
    name = "carechoices.references"
    label = "references"
    verbose_name = "References"
