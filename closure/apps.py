from django.apps import AppConfig


class ClosureConfig(AppConfig):
    name = "closure"
    verbose_name = "Closure"

    def ready(self) -> None:
        from audit.formatters import register_code_labels

        # Audit pages and CSVs name the transport by its label (audit sits below closure).
        register_code_labels(
            "transport", labels=[("drop_folder", "the drop folder"), ("https", "CTP's secure endpoint")]
        )
        ways = [
            ("command", "by an operator command"),
            ("upload", "uploaded on the case page"),
            ("schedule", "by the scheduled closure sweep"),
        ]
        register_code_labels("via", labels=ways)
        from closure import receivers  # noqa: F401  (a transfer for every case closed)
        from closure.case_section import register_case_section

        # The case page's Closure section and history phrases (referrals/sections.py).
        register_case_section()
        # The tombstone keeps how the case's information requests and interventions went (closure.activity).
        from closure.activity import case_activity
        from closure.statistics import register_statistics

        register_statistics(case_activity)
        # A purged case still reads "Closed" in its referrer's list (by its certificate).
        from closure.selectors import purged_references_for_referrer
        from referrals import sections

        sections.register_gone_cases(lambda user: purged_references_for_referrer(user=user))
