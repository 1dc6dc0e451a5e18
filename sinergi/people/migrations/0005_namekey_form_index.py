"""The constraint and index of the name keys' spelling, in a transaction of their own: PostgreSQL does not alter
a table whose rows the same transaction has just written (their foreign-key checks are still pending)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("people", "0004_namekey_form"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="namekey",
            constraint=models.UniqueConstraint(fields=("person", "form", "key"), name="namekey_unique_form"),
        ),
        migrations.AddIndex(
            model_name="namekey",
            index=models.Index(fields=["form", "person"], name="namekey_form_prefix",
                               opclasses=["varchar_pattern_ops", "uuid_ops"]),
        ),
    ]
