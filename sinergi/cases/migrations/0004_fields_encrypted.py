"""Personal fields encrypted at rest: the columns become text holding ciphertext, existing values are
encrypted in place and their lookup digests filled (needs the field and index keys, as the app does)."""

import sinergi.core.fields
from sinergi.core.rekey import migrate_encrypt
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('agencies', '0003_agency_local_name'),
        ('cases', '0003_list_indexes'),
        ('people', '0002_list_indexes'),
        ('regions', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='case',
            name='travel_document_digest',
            field=sinergi.core.fields.DigestField(kind='document', source='travel_document_number'),
        ),
        migrations.AlterField(
            model_name='case',
            name='travel_document_number',
            field=sinergi.core.fields.EncryptedCharField(blank=True, max_length=40),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(fields=['travel_document_digest'], name='case_travel_document_digest'),
        ),
        migrations.RunPython(migrate_encrypt('cases.Case', ['travel_document_number']),
                             migrate_encrypt('cases.Case', ['travel_document_number'], reverse=True)),
    ]
