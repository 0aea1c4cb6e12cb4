from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "carechoices.core"
    label = "core"
    verbose_name = "Core"
