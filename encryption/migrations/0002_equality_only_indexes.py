"""kek_id keeps an equality index (rotation counts and rewraps by KEK), without the LIKE index
db_index=True also gave it on PostgreSQL, kept up on every case's new data key."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("encryption", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="datakey",
            name="kek_id",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddIndex(
            model_name="datakey",
            index=models.Index(fields=["kek_id"], name="datakey_kek_idx"),
        ),
    ]
