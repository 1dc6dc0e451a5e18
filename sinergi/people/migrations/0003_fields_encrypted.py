"""Personal fields encrypted at rest: the columns become text holding ciphertext, existing values are
encrypted in place and their lookup digests filled (needs the field and index keys, as the app does)."""

import sinergi.core.fields
from sinergi.core.rekey import migrate_encrypt
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0002_list_indexes'),
        ('regions', '0001_initial'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='identitydocument',
            name='people_iden_type_095538_idx',
        ),
        migrations.AddField(
            model_name='familycontact',
            name='phone_digest',
            field=sinergi.core.fields.DigestField(kind='phone', source='phone'),
        ),
        migrations.AddField(
            model_name='identitydocument',
            name='number_digest',
            field=sinergi.core.fields.DigestField(kind='document', source='number'),
        ),
        migrations.AddField(
            model_name='person',
            name='email_digest',
            field=sinergi.core.fields.DigestField(kind='email', source='email'),
        ),
        migrations.AddField(
            model_name='person',
            name='phone_digest',
            field=sinergi.core.fields.DigestField(kind='phone', source='phone'),
        ),
        migrations.AlterField(
            model_name='familycontact',
            name='address',
            field=sinergi.core.fields.EncryptedTextField(blank=True),
        ),
        migrations.AlterField(
            model_name='familycontact',
            name='phone',
            field=sinergi.core.fields.EncryptedCharField(blank=True, max_length=40),
        ),
        migrations.AlterField(
            model_name='identitydocument',
            name='number',
            field=sinergi.core.fields.EncryptedCharField(max_length=40),
        ),
        migrations.AlterField(
            model_name='person',
            name='address',
            field=sinergi.core.fields.EncryptedTextField(blank=True, verbose_name='alamat'),
        ),
        migrations.AlterField(
            model_name='person',
            name='email',
            field=sinergi.core.fields.EncryptedEmailField(blank=True, max_length=254, verbose_name='surel'),
        ),
        migrations.AlterField(
            model_name='person',
            name='phone',
            field=sinergi.core.fields.EncryptedCharField(blank=True, max_length=40, verbose_name='telepon'),
        ),
        migrations.AddIndex(
            model_name='familycontact',
            index=models.Index(fields=['phone_digest'], name='familycontact_phone_digest'),
        ),
        migrations.AddIndex(
            model_name='identitydocument',
            index=models.Index(fields=['type', 'number_digest'], name='document_type_digest'),
        ),
        migrations.AddIndex(
            model_name='person',
            index=models.Index(fields=['phone_digest'], name='person_phone_digest'),
        ),
        migrations.AddIndex(
            model_name='person',
            index=models.Index(fields=['email_digest'], name='person_email_digest'),
        ),
        migrations.RunPython(migrate_encrypt('people.Person', ['phone', 'email', 'address']),
                             migrate_encrypt('people.Person', ['phone', 'email', 'address'], reverse=True)),
        migrations.RunPython(migrate_encrypt('people.IdentityDocument', ['number']),
                             migrate_encrypt('people.IdentityDocument', ['number'], reverse=True)),
        migrations.RunPython(migrate_encrypt('people.FamilyContact', ['phone', 'address']),
                             migrate_encrypt('people.FamilyContact', ['phone', 'address'], reverse=True)),
    ]
