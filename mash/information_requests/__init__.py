"""Information requests to partner agencies: the MASH asks one partner contributor, who answers by a date.

models in mash/models.py; services (writes), grants (the per-request access), selectors (reads),
notifications (e-mails through the outbox, the scheduled reminders), views and urls, case_section (the
case page's "Information requests" section and history phrases). docs/mash.md describes the whole.
"""
