"""Name keys with the token's spelling (prefix search) and the old j-for-y spelling folded: every key is
computed again, so that rows written before and after this change match the same way."""

from django.db import migrations, models


def rebuild_name_keys(apps, schema_editor):
    from sinergi.people import names

    Person = apps.get_model("people", "Person")
    PersonAlias = apps.get_model("people", "PersonAlias")
    NameKey = apps.get_model("people", "NameKey")
    NameKey.objects.all().delete()
    aliases: dict = {}
    for person_id, name in PersonAlias.objects.values_list("person_id", "name").iterator(chunk_size=5000):
        aliases.setdefault(person_id, []).append(name)
    batch: list = []
    for person_id, full_name in Person.objects.values_list("id", "full_name").iterator(chunk_size=5000):
        for key, form in names.entries_for(full_name, *aliases.get(person_id, ())):
            batch.append(NameKey(person_id=person_id, key=key, form=form))
        if len(batch) >= 20_000:
            NameKey.objects.bulk_create(batch)
            batch = []
    NameKey.objects.bulk_create(batch)


class Migration(migrations.Migration):

    dependencies = [
        ("people", "0003_fields_encrypted"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="namekey", name="namekey_unique"),
        migrations.AddField(model_name="namekey", name="form", field=models.CharField(default="", max_length=40)),
        migrations.RunPython(rebuild_name_keys, migrations.RunPython.noop, elidable=True),
    ]
