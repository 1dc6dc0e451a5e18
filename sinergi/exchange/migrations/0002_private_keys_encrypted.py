"""Instance private keys encrypted at rest (existing ones encrypted in place; needs the exchange key), and
rate-limited logging of refused messages (the source column, and the counter of what was not logged)."""

from django.db import migrations, models

import sinergi.core.fields
from sinergi.core.rekey import migrate_encrypt

encrypt_private_keys = migrate_encrypt("exchange.InstanceKey", ["private_jwk"])
decrypt_private_keys = migrate_encrypt("exchange.InstanceKey", ["private_jwk"], reverse=True)


class Migration(migrations.Migration):
    dependencies = [("exchange", "0001_initial")]
    operations = [
        migrations.AlterField(model_name="instancekey", name="private_jwk",
                              field=sinergi.core.fields.EncryptedJSONField(key_purpose="exchange")),
        migrations.RunPython(encrypt_private_keys, decrypt_private_keys),
        migrations.AddField(model_name="exchangelog", name="source",
                            field=models.CharField(blank=True, default="", max_length=64)),
        migrations.AddIndex(model_name="exchangelog",
                            index=models.Index(fields=["source", "at"], name="exchangelog_source_at")),
        migrations.CreateModel(
            name="ExchangeLogDropped",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("window_start", models.DateTimeField(unique=True)),
                ("count", models.PositiveIntegerField(default=0)),
            ],
        ),
    ]
