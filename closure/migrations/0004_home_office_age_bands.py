"""The age bands of the Home Office release (DOMAIN.md "Official statistics") on stored rows.

The earlier bands were Under 15, 15 to 20, 21 to 30, 31 to 40, 41 to 50, 51 to 60 and Over 60; the current
ones are 10 or under, 11 to 15, 16 to 17, 18 to 20, 21 to 30, 31 to 40 and 41 and over. Both models that hold
an age band (the live case's StatisticalRecord and the purge's Tombstone) hold the age band only, never the age,
so a row moves only where its old band lies whole inside one new band. The codes are written here, not imported,
so that the migration keeps its meaning when the application's bands change again.
"""

from django.db import migrations, models

# Forward: each of these old bands lies whole inside "41 and over" (21_30 and 31_40 are the same bands).
# "under_15" (0 to 14: 10 or under, or 11 to 15) and "15_20" (15 to 20: 11 to 15, 16 to 17 or 18 to 20) cannot
# be split without the age, which is not stored: they stay as they are, and the statistics show them as
# "Under 15 (earlier bands)" and "15 to 20 (earlier bands)" where a count exists, so no case is lost from the
# age table or counted in a band it may not belong to.
FORWARD = {"41_50": "41_and_over", "51_60": "41_and_over", "over_60": "41_and_over"}
# Back: each of these new bands lies whole inside one old band. "11_15" (across Under 15 and 15 to 20) and
# "41_and_over" (across three old bands) have no exact old band and stay as they are: the earlier code counts
# them in the total under no row of its own.
BACKWARD = {"10_or_under": "under_15", "16_17": "15_20", "18_20": "15_20"}
MODELS = ("StatisticalRecord", "Tombstone")


def _recode(apps, mapping: dict[str, str]) -> None:
    for name in MODELS:
        model = apps.get_model("closure", name)
        for old, new in mapping.items():
            model.objects.filter(age_band=old).update(age_band=new)


def forward(apps, schema_editor) -> None:
    _recode(apps, FORWARD)


def backward(apps, schema_editor) -> None:
    _recode(apps, BACKWARD)


class WidenAgeBand(migrations.AlterField):
    """10 to 20 characters ("41_and_over" is 11). Going back leaves the column wide: a row may still hold
    "41_and_over" (no old band holds it whole), which 10 characters would refuse on PostgreSQL, and the earlier
    code writes 10 characters at most."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        pass


class Migration(migrations.Migration):
    dependencies = [
        ("closure", "0003_statistical_records_journey_and_activity"),
    ]

    operations = [
        WidenAgeBand(
            model_name="statisticalrecord",
            name="age_band",
            field=models.CharField(blank=True, max_length=20),
        ),
        WidenAgeBand(
            model_name="tombstone",
            name="age_band",
            field=models.CharField(blank=True, max_length=20),
        ),
        migrations.RunPython(forward, backward),
    ]
