from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "carechoices.plans"
    label = "plans"
    verbose_name = "Personal start plans"
