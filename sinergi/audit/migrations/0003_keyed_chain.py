"""Key the audit chain: rows so far stay a plain SHA-256 segment up to the head's seq (``legacy_until``), every
later row is keyed, and the head gets its MAC. Needs the audit key (``sinergi keys init`` in a deployment)."""

from django.db import migrations, models


def seal_legacy_segment(apps, schema_editor):
    from sinergi.audit.chain import GENESIS, head_mac

    AuditHead = apps.get_model("audit", "AuditHead")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    head = AuditHead.objects.filter(pk=1).first()
    if head is None:
        last = AuditEvent.objects.order_by("-seq").first()
        head = AuditHead(pk=1, seq=last.seq if last else 0, hash=last.hash if last else GENESIS)
    head.legacy_until = head.seq
    head.mac = head_mac(head.seq, head.hash, head.legacy_until)
    head.save()


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_chain_head")]
    operations = [
        migrations.AddField(model_name="auditevent", name="key_id",
                            field=models.CharField(blank=True, default="", max_length=16)),
        migrations.AddField(model_name="audithead", name="legacy_until", field=models.BigIntegerField(default=0)),
        migrations.AddField(model_name="audithead", name="mac",
                            field=models.CharField(blank=True, default="", max_length=96)),
        migrations.RunPython(seal_legacy_segment, migrations.RunPython.noop),
    ]
