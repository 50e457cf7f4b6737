from django.apps import AppConfig


class MashConfig(AppConfig):
    name = "mash"
    verbose_name = "MASH"

    def ready(self) -> None:
        from audit.formatters import register_code_labels, register_code_lookup
        from mash import case_page, receivers  # noqa: F401  (an assessment for every submitted referral)
        from mash.models import DecisionRoute, ScreeningReason, ScreeningRoute

        # Audit pages and CSVs show these codes by their labels (audit sits below mash).
        register_code_labels("route", labels=[*ScreeningRoute.choices, *DecisionRoute.choices])
        ended = ("answered", "declined", "withdrawn")  # a request grant ends when its request does
        register_code_labels("via", labels=[(code, f"the request was {code}") for code in ended])

        # The screening outcome's reason is reference data (the admin edits it): looked up when a page is drawn.
        def screening_reasons(codes: set[str]) -> dict[str, str]:
            return dict(ScreeningReason.objects.filter(code__in=codes).values_list("code", "label"))

        register_code_lookup("reason_code", actions=["SCREENING_OUTCOME_RECORDED"], lookup=screening_reasons)
        from mash.information_requests import case_section
        from mash.screening import case_page as screening_case_page

        case_page.register()  # the case summary card's assignee and screening due date
        screening_case_page.register()  # the Screening section, its actions and history phrases
        case_section.register()  # the case page's "Information requests" section and history phrases
