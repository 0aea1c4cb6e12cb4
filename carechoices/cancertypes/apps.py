from django.apps import AppConfig


class CancerTypesConfig(AppConfig):
    name = "carechoices.cancertypes"
    label = "cancertypes"
    verbose_name = "Cancer types"

    def ready(self) -> None:
        from . import signals  # noqa: F401
