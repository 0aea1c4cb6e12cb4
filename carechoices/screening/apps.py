from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "carechoices.screening"
    label = "screening"
    verbose_name = "Personal safety screen"
