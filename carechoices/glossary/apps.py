from django.apps import AppConfig


class GlossaryConfig(AppConfig):
    name = "carechoices.glossary"
    label = "glossary"
    verbose_name = "Glossary"
