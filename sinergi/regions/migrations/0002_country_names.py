"""Country names set right in existing databases: Taiwan is "Taiwan" (not "Taiwan, Provinsi China"), China is
"Tiongkok", and the other Indonesian and English names of ``regions.names``."""

from django.db import migrations


def fix_names(apps, schema_editor):
    from sinergi.regions.names import country_names

    Country = apps.get_model("regions", "Country")
    names = country_names()
    changed = []
    for country in Country.objects.all():
        if country.code in names and (country.name, country.name_id) != names[country.code]:
            country.name, country.name_id = names[country.code]
            changed.append(country)
    Country.objects.bulk_update(changed, ["name", "name_id"])


class Migration(migrations.Migration):
    dependencies = [("regions", "0001_initial")]
    operations = [migrations.RunPython(fix_names, migrations.RunPython.noop)]
