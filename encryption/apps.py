from django.apps import AppConfig


class EncryptionConfig(AppConfig):
    name = "encryption"
