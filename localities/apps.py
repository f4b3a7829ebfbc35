from django.apps import AppConfig


class LocalitiesConfig(AppConfig):
    name = "localities"
