"""Move the authenticators django-otp kept with their keys in clear into ``access.Authenticator`` (key encrypted),
then delete the clear copies. Sessions verified with an old device ask for a code again at the next sign-in."""

from django.db import migrations

FIELDS = ("user_id", "name", "confirmed", "created_at", "last_used_at", "throttling_failure_timestamp",
          "throttling_failure_count", "key", "step", "t0", "digits", "tolerance", "drift", "last_t")


def forwards(apps, schema_editor):
    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    Authenticator = apps.get_model("access", "Authenticator")
    for old in TOTPDevice.objects.all().iterator():
        Authenticator.objects.create(**{f: getattr(old, f) for f in FIELDS})
    TOTPDevice.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0001_authenticator"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
