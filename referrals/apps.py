from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"

    def ready(self) -> None:
        from referrals import receivers  # noqa: F401  (ends grants when their holder changes)
