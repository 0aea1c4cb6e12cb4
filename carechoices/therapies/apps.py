from django.apps import AppConfig


class TherapiesConfig(AppConfig):
    name = "carechoices.therapies"
    label = "therapies"
    verbose_name = "Therapy reviews"
