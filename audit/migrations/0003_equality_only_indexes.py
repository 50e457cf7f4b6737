"""previous_mac stays unique (the chain cannot fork), as a constraint instead of unique=True.

unique=True on a CharField also gives PostgreSQL a varchar_pattern_ops (LIKE) index, kept up on
every event written; the MAC is only ever compared whole, so that index only cost time.

On SQLite, altering the field rebuilds the table, which drops its append-only triggers: they are
put back at once, in this migration (the same statements as 0002).
"""

from django.db import migrations, models

from audit import triggers


def reinstate_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return  # PostgreSQL alters the table in place: its triggers stay
    for statement in triggers.drop_sql(schema_editor.connection) + triggers.create_sql(schema_editor.connection):
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_append_only"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(fields=("previous_mac",), name="audit_event_previous_mac_unique"),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="previous_mac",
            field=models.CharField(max_length=64),
        ),
        migrations.RunPython(reinstate_sqlite_triggers, reinstate_sqlite_triggers),
    ]
