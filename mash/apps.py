from django.apps import AppConfig


class MashConfig(AppConfig):
    name = "mash"
    verbose_name = "MASH"

    def ready(self) -> None:
        from mash import case_page, receivers  # noqa: F401  (an assessment for every submitted referral)
        from mash.information_requests import case_section
        from mash.screening import case_page as screening_case_page

        case_page.register()  # the case summary card's assignee and screening due date
        screening_case_page.register()  # the Screening section, its actions and history phrases
        case_section.register()  # the case page's "Information requests" section and history phrases
