"""Equality-only indexes for the columns a submission writes and only ever compares whole.

unique=True or db_index=True on a CharField also gives PostgreSQL a varchar_pattern_ops (LIKE) index;
nothing searches reference, status or person_index by prefix, so those indexes were only kept up on
every insert. reference stays unique (a constraint); status and person_index keep a plain index.
local_authority loses its own index: referral_authority_newest (0005) starts with that column.
"""

import django.db.models.deletion
import django_fsm
from django.conf import settings
from django.db import migrations, models

import encryption.blind_index


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_api_token"),
        ("encryption", "0002_equality_only_indexes"),
        ("referrals", "0005_referral_authority_newest_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="referral",
            name="local_authority",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="referrals",
                to="accounts.localauthority",
            ),
        ),
        migrations.AlterField(
            model_name="referral",
            name="person_index",
            field=encryption.blind_index.BlindIndexField(blank=True, db_index=False, editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name="referral",
            name="reference",
            field=models.CharField(blank=True, editable=False, max_length=15, null=True),
        ),
        migrations.AlterField(
            model_name="referral",
            name="status",
            field=django_fsm.FSMField(
                choices=[
                    ("draft", "Draft"),
                    ("submitted", "Submitted"),
                    ("screening", "Screening"),
                    ("information_gathering", "Information gathering"),
                    ("with_channel", "With Channel"),
                    ("closed", "Closed"),
                ],
                default="draft",
                max_length=50,
                protected=True,
            ),
        ),
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(fields=["status"], name="referral_status_idx"),
        ),
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(fields=["person_index"], name="referral_person_index_idx"),
        ),
        migrations.AddConstraint(
            model_name="referral",
            constraint=models.UniqueConstraint(fields=("reference",), name="referral_reference_unique"),
        ),
    ]
