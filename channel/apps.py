from django.apps import AppConfig


class ChannelConfig(AppConfig):
    name = "channel"
    verbose_name = "Channel panel"

    def ready(self) -> None:
        from audit.formatters import register_code_labels
        from channel import choices, receivers  # noqa: F401  (a Channel case for every referral handed over)
        from channel.case_sections import register_case_sections
        from channel.meetings.case_sections import register_case_sections as register_panel_section
        from channel.support import choices as support_choices
        from channel.support.case_sections import register_support_sections

        # Audit pages and CSVs show these codes by their labels (audit sits below channel).
        register_code_labels("stage_before", "stage_after", "current_stage", labels=choices.ChannelStage.choices)
        from channel.meetings.choices import AGENDA_CHANGES, REFUSAL_REASONS, DecisionRule, MemberView

        register_code_labels("view", labels=MemberView.choices)
        register_code_labels("rule", labels=DecisionRule.choices)
        register_code_labels("change", labels=AGENDA_CHANGES)
        register_code_labels("refused_because", labels=REFUSAL_REASONS)
        register_code_labels("reason_code", labels=[pair for reason in choices.ALL_REASONS for pair in reason.choices])
        from channel.models import ChannelCase

        steps = ChannelCase._meta.get_field("state").get_all_transitions(ChannelCase)
        register_code_labels("transition", labels=[(step.name, step.custom["label"]) for step in steps])
        # The case page's Channel section, summary row and history phrases (referrals/sections.py).
        register_case_sections()
        # The case page's Panel section: the meetings the case is on (channel/meetings).
        register_panel_section()
        # Channel support's Consent, Support and Reviews sections (channel/support/case_sections.py).
        register_support_sections()
        register_code_labels("answer", labels=support_choices.ConsentOutcome.choices)
        register_code_labels("given_by", labels=support_choices.ConsentGivenBy.choices)
        register_code_labels("end_reason", labels=support_choices.InterventionEndReason.choices)
        register_code_labels("reason_code", labels=support_choices.PostExitOutcome.choices)
        kinds = [*support_choices.ReminderKind.choices, *support_choices.PostExitReviewKind.choices]
        register_code_labels("kind", labels=kinds)
        from audit.formatters import register_code_lookup
        from channel.support.models import InterventionType

        # Kinds of intervention are reference data (the admin edits them): looked up when a page is drawn.
        def intervention_types(codes: set[str]) -> dict[str, str]:
            return dict(InterventionType.objects.filter(code__in=codes).values_list("code", "label"))

        register_code_lookup("intervention_type", actions=["CHANNEL_INTERVENTION_ADDED"], lookup=intervention_types)
