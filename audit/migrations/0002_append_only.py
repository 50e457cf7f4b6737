"""Make the audit log append-only in the database itself, and create the single chain-head row.

Vendor-switched: PostgreSQL gets row triggers refusing UPDATE/DELETE and statement triggers
refusing TRUNCATE; SQLite gets BEFORE UPDATE / BEFORE DELETE triggers with RAISE(ABORT).
"""

from django.db import migrations

from audit import triggers


def create_head(apps, schema_editor):
    ChainHead = apps.get_model("audit", "ChainHead")
    ChainHead.objects.using(schema_editor.connection.alias).get_or_create(
        pk=1, defaults={"sequence": 0, "mac": "0" * 64}
    )


def create_triggers(apps, schema_editor):
    for statement in triggers.create_sql(schema_editor.connection):
        schema_editor.execute(statement, params=None)


def drop_triggers(apps, schema_editor):
    for statement in triggers.drop_sql(schema_editor.connection):
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(create_head, migrations.RunPython.noop),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
