from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "carechoices.people"
    label = "people"
    verbose_name = "People"
