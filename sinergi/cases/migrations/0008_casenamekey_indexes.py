"""The indexes of ``CaseNameKey``, built once its rows are in (0007)."""

from django.db import migrations, models

UNIQUE = models.UniqueConstraint(fields=("case", "form", "key"), name="casenamekey_unique")


def add_unique(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        # SQLite adds a constraint by rebuilding the table, which its triggers (0007) do not allow: a unique
        # index is the same there.
        schema_editor.execute("CREATE UNIQUE INDEX casenamekey_unique ON cases_casenamekey (case_id, form, key)")
    else:
        schema_editor.add_constraint(apps.get_model("cases", "CaseNameKey"), UNIQUE)


def remove_unique(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP INDEX IF EXISTS casenamekey_unique")
    else:
        schema_editor.remove_constraint(apps.get_model("cases", "CaseNameKey"), UNIQUE)


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0007_casenamekey"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(add_unique, remove_unique, elidable=False)],
            state_operations=[migrations.AddConstraint(model_name="casenamekey", constraint=UNIQUE)],
        ),
        migrations.AddIndex(
            model_name="casenamekey",
            index=models.Index(fields=["lead_agency", "key", "case"], name="casenamekey_agency_key",
                               opclasses=["uuid_ops", "varchar_pattern_ops", "uuid_ops"]),
        ),
        migrations.AddIndex(
            model_name="casenamekey",
            index=models.Index(fields=["lead_agency", "form", "case"], name="casenamekey_agency_form",
                               opclasses=["uuid_ops", "varchar_pattern_ops", "uuid_ops"]),
        ),
    ]
