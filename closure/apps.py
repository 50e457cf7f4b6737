from django.apps import AppConfig


class ClosureConfig(AppConfig):
    name = "closure"
    verbose_name = "Closure"

    def ready(self) -> None:
        from closure import receivers  # noqa: F401  (a transfer for every case closed)
        from closure.case_section import register_case_section

        # The case page's Closure section and history phrases (referrals/sections.py).
        register_case_section()
