"""The shipped explanation of the non-official-destination rule names the one door as "LTSA/SISKOP2MI" (as its
other texts write "LTSA/Disnaker"); a rule still holding the text as first shipped gets the new one, so that it is
still read in the reader's language. An administrator's own text is left as written."""

from django.db import migrations

OLD = ("Negara ini bukan tujuan resmi penempatan pekerja migran Indonesia. Perekrutan ke sana berada di luar jalur "
       "resmi satu pintu (LTSA / SISKOP2MI) dan tidak dilindungi negara.")
NEW = OLD.replace("(LTSA / SISKOP2MI)", "(LTSA/SISKOP2MI)")


def forward(apps, schema_editor):
    apps.get_model("recruitment", "RiskRule").objects.filter(explanation=OLD).update(explanation=NEW)


def backward(apps, schema_editor):
    apps.get_model("recruitment", "RiskRule").objects.filter(explanation=NEW).update(explanation=OLD)


class Migration(migrations.Migration):
    dependencies = [("recruitment", "0005_hotline_languages_verified")]
    operations = [migrations.RunPython(forward, backward)]
