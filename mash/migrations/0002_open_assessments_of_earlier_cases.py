"""Open the assessment of every case submitted before mash existed, so the queue can inner-join it.

Its due date is counted as on submission. The flags stay False: they come from answers that only a
reader of the case may decrypt, and a migration decrypts nothing; the case page shows the answers.
"""

from django.conf import settings
from django.db import migrations
from django.utils import timezone


def open_assessments(apps, schema_editor):
    from mash.calendar import working_days_after

    Referral = apps.get_model("referrals", "Referral")
    Assessment = apps.get_model("mash", "Assessment")
    earlier = (
        Referral.objects.exclude(status="draft")
        .filter(assessment__isnull=True)
        .select_related("local_authority")
        .only("id", "submitted_at", "created_at", "local_authority__nation")
    )
    rows = []
    for referral in earlier.iterator(chunk_size=2000):
        submitted_on = timezone.localtime(referral.submitted_at or referral.created_at).date()
        due = working_days_after(submitted_on, settings.SCREENING_DUE_WORKING_DAYS, referral.local_authority.nation)
        rows.append(Assessment(referral_id=referral.id, screening_due_on=due))
    Assessment.objects.bulk_create(rows, batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("mash", "0001_initial")]

    operations = [migrations.RunPython(open_assessments, migrations.RunPython.noop)]
