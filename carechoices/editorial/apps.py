from django.apps import AppConfig


class EditorialConfig(AppConfig):
    name = "carechoices.editorial"
    label = "editorial"
    verbose_name = "Editorial workflow"

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the publish handlers
