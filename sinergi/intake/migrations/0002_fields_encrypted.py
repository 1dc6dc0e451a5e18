"""Personal fields encrypted at rest: the columns become text holding ciphertext, existing values are
encrypted in place and their lookup digests filled (needs the field and index keys, as the app does)."""

import sinergi.core.fields
from sinergi.core.rekey import migrate_encrypt
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('intake', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='report',
            name='reporter_contact',
            field=sinergi.core.fields.EncryptedCharField(blank=True, max_length=200, verbose_name='kontak pelapor'),
        ),
        migrations.RunPython(migrate_encrypt('intake.Report', ['reporter_contact']),
                             migrate_encrypt('intake.Report', ['reporter_contact'], reverse=True)),
    ]
