from django.apps import AppConfig


class MashConfig(AppConfig):
    name = "mash"
    verbose_name = "MASH"

    def ready(self) -> None:
        from mash import case_page, receivers  # noqa: F401  (an assessment for every submitted referral)

        case_page.register()  # the case summary card's assignee and screening due date
