from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "carechoices.api"
    label = "api"
    verbose_name = "JSON API"
