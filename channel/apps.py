from django.apps import AppConfig


class ChannelConfig(AppConfig):
    name = "channel"
    verbose_name = "Channel panel"

    def ready(self) -> None:
        from audit.formatters import register_code_labels
        from channel import choices, receivers  # noqa: F401  (a Channel case for every referral handed over)
        from channel.case_sections import register_case_sections
        from channel.meetings.case_sections import register_case_sections as register_panel_section

        # Audit pages and CSVs show these codes by their labels (audit sits below channel).
        register_code_labels("stage_before", "stage_after", "current_stage", labels=choices.ChannelStage.choices)
        from channel.meetings.choices import AGENDA_CHANGES, REFUSAL_REASONS, DecisionRule, MemberView

        register_code_labels("view", labels=MemberView.choices)
        register_code_labels("rule", labels=DecisionRule.choices)
        register_code_labels("change", labels=AGENDA_CHANGES)
        register_code_labels("refused_because", labels=REFUSAL_REASONS)
        register_code_labels("reason_code", labels=[pair for reason in choices.ALL_REASONS for pair in reason.choices])
        # The case page's Channel section, summary row and history phrases (referrals/sections.py).
        register_case_sections()
        # The case page's Panel section: the meetings the case is on (channel/meetings).
        register_panel_section()
