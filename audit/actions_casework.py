"""The audit actions of casework after intake: MASH screening and information requests, the Channel panel,
its meetings and support, and the transfer to CTP. Part of the one table (audit/actions.py, ACTIONS), kept in
a module of its own only for length; the same rules hold: ids, codes and counts, never free text."""

from __future__ import annotations

from .action_spec import ActionSpec, Kind

CASEWORK_ACTIONS: dict[str, ActionSpec] = {
    # MASH screening (mash/services/screening.py): answers and reasons as codes; notes and rationales never.
    "GATEWAY_CHECK_RECORDED": ActionSpec(
        "Gateway check recorded",
        "{actor} recorded the police gateway check of case {case_reference}"
        " (counter-terrorism investigation: {counter_terrorism})",
        {"counter_terrorism": Kind.BOOL, "rerecorded": Kind.BOOL},
    ),
    "SCREENING_OUTCOME_RECORDED": ActionSpec(
        "Screening outcome recorded",
        "{actor} recorded the screening outcome of case {case_reference} ({reason_code})",
        {"route": Kind.NAME},
    ),
    "MASH_DECISION_RECORDED": ActionSpec(
        "Decision after information gathering recorded",
        "{actor} recorded the decision on case {case_reference}: {route} ({reason_code})",
        {"route": Kind.NAME},
    ),
    # The scheduled reminder of an overdue screening decision (mash/screening/reminders.py), once per due date:
    # to the assignee (assignee_id), or to the council's triage officers when the case has none.
    "SCREENING_DECISION_CHASED": ActionSpec(
        "Overdue screening decision chased",
        "A reminder that the screening decision on case {case_reference} is overdue (due {due_on}) was sent",
        {"due_on": Kind.DATE, "assignee_id": Kind.INT},
    ),
    # The Channel panel (channel app): a case listed on hand-over, each step of its sub-lifecycle, conflicts.
    "CHANNEL_CASE_OPENED": ActionSpec(
        "Listed for the Channel panel", "Case {case_reference} was listed for the Channel panel by {actor}"
    ),
    "CHANNEL_STAGE_CHANGED": ActionSpec(
        "Channel stage changed",
        "{actor} moved the Channel case {case_reference} from {stage_before} to {stage_after} ({transition})",
        {"transition": Kind.NAME, "stage_before": Kind.NAME, "stage_after": Kind.NAME, "decision_id": Kind.UUID},
    ),
    # Refused (outcome "refused"): the Channel case had moved on since the page was shown; nothing was saved.
    "CHANNEL_TRANSITION_CONFLICTED": ActionSpec(
        "Channel change refused: case changed meanwhile",
        "{actor} tried {transition} on the Channel case {case_reference}, but it had changed "
        "({stage_before} when shown, {current_stage} now); nothing was saved",
        {"transition": Kind.NAME, "stage_before": Kind.NAME, "current_stage": Kind.NAME},
    ),
    # Channel panel meetings (channel/meetings): codes, ids and counts only (never the minutes or reasons).
    # Refused too (outcome "refused", refused_because): a past date, no quorum (who was present), no views.
    "PANEL_CREATED": ActionSpec("Panel set up", "{actor} set up Channel panel {panel_id}", {"panel_id": Kind.INT}),
    "PANEL_MEMBER_ADDED": ActionSpec(
        "Panel member added",
        "{actor} added {user} to Channel panel {panel_id}",
        {"panel_id": Kind.INT, "user_id": Kind.INT},
    ),
    "PANEL_MEMBER_REMOVED": ActionSpec(
        "Panel member left the panel",
        "{actor} recorded that {user} left Channel panel {panel_id}",
        {"panel_id": Kind.INT, "user_id": Kind.INT},
    ),
    "PANEL_MEETING_CREATED": ActionSpec(
        "Panel meeting arranged",
        "{actor} arranged a meeting of Channel panel {panel_id} on {meeting_date}",
        {"panel_id": Kind.INT, "meeting_id": Kind.INT, "meeting_date": Kind.DATE, "refused_because": Kind.NAME},
    ),
    "PANEL_MEETING_RESCHEDULED": ActionSpec(
        "Panel meeting moved",
        "{actor} moved Channel panel meeting {meeting_id} to {meeting_date}",
        {"meeting_id": Kind.INT, "meeting_date": Kind.DATE, "refused_because": Kind.NAME},
    ),
    "PANEL_AGENDA_CHANGED": ActionSpec(
        "Panel agenda changed",
        "{actor} changed the agenda of Channel panel meeting {meeting_id}: case {case_reference} {change}",
        {"meeting_id": Kind.INT, "change": Kind.NAME, "order": Kind.INT},
    ),
    "PANEL_ATTENDANCE_RECORDED": ActionSpec(
        "Panel attendance recorded",
        "{actor} recorded attendance at panel meeting {meeting_id}: {present} present, {apologies} apologies",
        {"meeting_id": Kind.INT, "present": Kind.INT, "apologies": Kind.INT, "absent": Kind.INT},
    ),
    "PANEL_MINUTES_RECORDED": ActionSpec(
        "Panel minutes recorded", "{actor} recorded minutes of case {case_reference}", {"meeting_id": Kind.INT}
    ),
    "PANEL_VIEWS_RECORDED": ActionSpec(
        "Panel members' views recorded",
        "{actor} recorded {count} members' views on case {case_reference}",
        {"meeting_id": Kind.INT, "count": Kind.INT},
    ),
    "PANEL_DECISION_RECORDED": ActionSpec(
        "Panel decision recorded",
        "{actor} recorded the panel's decision on case {case_reference}: {view} ({rule})",
        {"meeting_id": Kind.INT, "view": Kind.NAME, "rule": Kind.NAME, "views_for": Kind.INT, "views_total": Kind.INT}
        | {"chair_present": Kind.BOOL, "police_present": Kind.BOOL, "refused_because": Kind.NAME},
    ),
    # Channel support (channel/support): the VAF, consent, the support plan, post-exit reviews, reminders.
    # Ids, codes and counts only: evidence, notes and session notes stay encrypted on their rows.
    "CHANNEL_VAF_ASSESSED": ActionSpec(
        "VAF assessment recorded",
        "{actor} recorded a VAF assessment ({factors} factors, catalogue version {catalogue_version}) "
        "on case {case_reference}",
        {"assessment_id": Kind.UUID, "catalogue_version": Kind.INT, "factors": Kind.INT, "occasion": Kind.NAME},
    ),
    "CHANNEL_CONSENT_RECORDED": ActionSpec(
        "Consent to Channel support recorded",
        "{actor} recorded consent ({answer}, from {given_by}) on case {case_reference}",
        {"consent_id": Kind.UUID, "answer": Kind.NAME, "given_by": Kind.NAME},
    ),
    "CHANNEL_INTERVENTION_ADDED": ActionSpec(
        "Intervention added to the support plan",
        "{actor} added an intervention ({intervention_type}) to the support plan of case {case_reference}",
        {"intervention_id": Kind.UUID, "intervention_type": Kind.CODE, "provider_id": Kind.INT, "owner_id": Kind.INT},
    ),
    "CHANNEL_INTERVENTION_STARTED": ActionSpec(
        "Intervention started",
        "{actor} recorded that an intervention of case {case_reference} started",
        {"intervention_id": Kind.UUID},
    ),
    "CHANNEL_INTERVENTION_ENDED": ActionSpec(
        "Intervention ended",
        "{actor} recorded that an intervention of case {case_reference} ended ({end_reason})",
        {"intervention_id": Kind.UUID, "end_reason": Kind.NAME, "started": Kind.BOOL},
    ),
    "CHANNEL_SESSION_LOGGED": ActionSpec(
        "Intervention session logged",
        "{actor} logged a session ({minutes} minutes) of an intervention of case {case_reference}",
        {"intervention_id": Kind.UUID, "session_id": Kind.UUID, "minutes": Kind.INT},
    ),
    # Refused (outcome "refused"): a support step that was not the actor's to take, or not possible yet.
    "CHANNEL_SUPPORT_REFUSED": ActionSpec(
        "Channel support step refused",
        "{actor} was refused {step} on case {case_reference}",
        {"step": Kind.NAME, "intervention_id": Kind.UUID},
    ),
    "CHANNEL_POST_EXIT_REVIEW_RECORDED": ActionSpec(
        "Post-exit review recorded",
        "{actor} recorded the {kind} post-exit review of case {case_reference} ({reason_code})",
        {"review_id": Kind.UUID, "kind": Kind.NAME, "decision_id": Kind.UUID},
    ),
    "CHANNEL_REMINDER_QUEUED": ActionSpec(
        "Channel reminder queued",
        "A reminder ({kind}) about case {case_reference} was queued",
        {"reminder_id": Kind.INT, "kind": Kind.NAME},
    ),
    "CASE_ACCESS_GRANTED": ActionSpec(
        "Case access granted",
        "{actor} granted {grantee} access to case {case_reference}",
        {"grantee_id": Kind.INT, "hours": Kind.INT, "grant_id": Kind.INT, "break_glass": Kind.BOOL},
    ),
    "CASE_ACCESS_REVOKED": ActionSpec(
        "Case access revoked",
        "{actor} revoked {grantee}'s access to case {case_reference} ({via})",
        {"grantee_id": Kind.INT, "grant_id": Kind.INT, "via": Kind.NAME},
    ),
    # The transfer to CTP (closure): package and receipt ids, its SHA-256, sizes and codes; never its content.
    "TRANSFER_PACKAGE_BUILT": ActionSpec(
        "Transfer package built",
        "The transfer package of case {case_reference} was built, signed and sealed to CTP ({size} bytes)",
        {"package_id": Kind.UUID, "package_sha256": Kind.NAME, "size": Kind.INT, "attachments": Kind.INT},
    ),
    "TRANSFER_PACKAGE_DELIVERED": ActionSpec(
        "Transfer package delivered",
        "The transfer package of case {case_reference} was delivered to CTP by {transport}",
        {"package_id": Kind.UUID, "transport": Kind.NAME, "attempts": Kind.INT},
    ),
    "TRANSFER_DELIVERY_FAILED": ActionSpec(
        "Transfer delivery failed",
        "Delivering the transfer package of case {case_reference} failed (attempt {attempts}); it is retried",
        {"package_id": Kind.UUID, "transport": Kind.NAME, "attempts": Kind.INT},
    ),
    "TRANSFER_RECEIPT_ACCEPTED": ActionSpec(
        "Transfer receipt accepted",
        "CTP's receipt {receipt_id} for the package of case {case_reference} was accepted ({via})",
        {"package_id": Kind.UUID, "receipt_id": Kind.UUID, "via": Kind.NAME},
    ),
    # Refused (outcome "refused"): reason_code says why (another package, wrong signature, unreadable ...).
    "TRANSFER_RECEIPT_REFUSED": ActionSpec(
        "Transfer receipt refused",
        "{actor} gave a transfer receipt that was refused ({reason_code})",
        {"package_id": Kind.UUID, "via": Kind.NAME},
    ),
    # The recipient's side (open_package, acknowledge_package): a package refused or opened with a key here.
    "TRANSFER_PACKAGE_OPEN_REFUSED": ActionSpec(
        "Transfer package refused", "A transfer package was refused when opened ({reason_code})", {"command": Kind.NAME}
    ),
    # The purge (closure): refusals carry NO_RECEIPT, HOLD_PERIOD or NOT_PERMITTED; the tombstone names no case.
    "CASE_PURGED": ActionSpec(
        "Case purged",
        "Case {case_reference} was purged ({rows} rows, {files} files); its certificate was signed",
        {"rows": Kind.INT, "files": Kind.INT, "certificate_id": Kind.UUID, "via": Kind.NAME},
    ),
    "CASE_PURGE_REFUSED": ActionSpec(
        "Case purge refused", "{actor} may not purge case {case_reference} now", {"via": Kind.NAME}
    ),
    "CASE_TOMBSTONE_WRITTEN": ActionSpec("Tombstone written", "A statistical tombstone of a purged case was written"),
    # The closure sweep: a stalled delivery queued again; the Prevent lead told of a case not transferred.
    "TRANSFER_RESTARTED": ActionSpec("Transfer restarted", "Case {case_reference}'s stalled transfer was queued again"),
    "TRANSFER_OVERDUE_ALERTED": ActionSpec("Transfer overdue", "Case {case_reference} is not transferred: lead told"),
    # Information requests to partner agencies (mash): ids only, never the question, answer or a name.
    "INFORMATION_REQUEST_CREATED": ActionSpec(
        "Information requested",
        "{actor} asked organisation {organisation_id} for information on case {case_reference}",
        {"request_id": Kind.UUID, "organisation_id": Kind.INT, "addressee_id": Kind.INT},
    ),
    "INFORMATION_REQUEST_ANSWERED": ActionSpec(
        "Information request answered",
        "{actor} answered an information request on case {case_reference}",
        {"request_id": Kind.UUID, "organisation_id": Kind.INT, "attachments": Kind.INT, "status": Kind.NAME},
    ),
    "INFORMATION_REQUEST_DECLINED": ActionSpec(
        "Information request declined",
        "{actor} declined an information request on case {case_reference}",
        {"request_id": Kind.UUID, "organisation_id": Kind.INT, "status": Kind.NAME},
    ),
    "INFORMATION_REQUEST_CHASED": ActionSpec(
        "Information request chased",
        "A reminder of an information request on case {case_reference} was sent ({when})",
        {"request_id": Kind.UUID, "organisation_id": Kind.INT, "when": Kind.NAME, "status": Kind.NAME},
    ),
    "INFORMATION_REQUEST_WITHDRAWN": ActionSpec(
        "Information request withdrawn",
        "{actor} withdrew an information request on case {case_reference}",
        {"request_id": Kind.UUID, "organisation_id": Kind.INT, "status": Kind.NAME},
    ),
    "INFORMATION_REQUEST_EXPIRED": ActionSpec(
        "Information request expired",
        "An information request on case {case_reference} expired unanswered",
        {"request_id": Kind.UUID, "organisation_id": Kind.INT},
    ),
    "INFORMATION_REQUEST_NOTIFIED": ActionSpec(
        "Information request e-mailed",
        "The addressee of an information request on case {case_reference} was e-mailed (reminder: {reminder})",
        {"request_id": Kind.UUID, "reminder": Kind.BOOL},
    ),
    "INFORMATION_REQUEST_ACCESS_ENDED": ActionSpec(
        "Information request access ended",
        "The access of {addressee} to an information request on case {case_reference} ended ({via})",
        {"request_id": Kind.UUID, "addressee_id": Kind.INT, "grant_id": Kind.INT, "via": Kind.NAME},
    ),
}
