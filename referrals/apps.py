from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"

    def ready(self) -> None:
        from audit.formatters import register_code_labels
        from referrals import choices, receivers  # noqa: F401  (receivers end grants when their holder changes)

        # Audit pages and CSVs show these codes by their labels (audit sits below referrals).
        register_code_labels("source", "target_status", labels=choices.ReferralStatus.choices)
        reasons = (choices.GrantReason, choices.GrantEndReason, choices.BreakGlassReason, choices.ClosingReason)
        register_code_labels("reason_code", labels=[pair for reason in reasons for pair in reason.choices])
        grant_ends = [
            ("revoked", "revoked"),
            ("expiry", "expired"),
            ("holder_changed", "ended: the holder changed"),
            ("window_ended", "ended: the case is no longer on a meeting of their panel"),
        ]
        register_code_labels("via", labels=grant_ends)
        # How a referral arrived (the details key of REFERRAL_SUBMITTED).
        register_code_labels("channel", "via", labels=[("WEB", "the web form"), ("API", "the API")])
        # The case page's own sections, through the registry other apps (MASH, Channel, closure) fill too.
        from referrals.case_sections import register_own_sections

        register_own_sections()
