from django.apps import AppConfig


class ClosureConfig(AppConfig):
    name = "closure"
