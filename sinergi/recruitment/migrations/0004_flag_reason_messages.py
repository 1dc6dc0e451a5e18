"""A risk flag's reason becomes a message id and its parameters, read in each reader's language.

Flags raised before kept one Indonesian text. Each text the rules ever wrote is recognised here and turned into
its message and parameters (a licence's date taken from the licence history, as the rules now do, even where the
old text named the day of the check); a text not recognised stays in ``reason_text`` and is shown as it was.
The patterns are copied here, not imported: a migration is history and must not change when the rules do.
"""

import datetime as dt
import re

from django.db import migrations, models

LICENCE = {"dibekukan": ("suspended", "Izin %(agency)s dibekukan sejak %(since)s."),
           "dicabut": ("revoked", "Izin %(agency)s dicabut sejak %(since)s."),
           "tidak aktif": ("", "Izin %(agency)s tidak aktif sejak %(since)s.")}

FIXED = {
    "Perusahaan tidak ditemukan dalam daftar perusahaan penempatan berizin (P3MI).": None,
    "Job order belum disetujui.": None,
    "Job order sudah tidak berlaku.": None,
    "Berangkat bekerja dengan visa turis/kunjungan, bukan visa kerja.": None,
    "Perekrutan hanya lewat media sosial atau aplikasi chat, tanpa kantor resmi atau LTSA.": None,
    "Penempatan terkait kasus perdagangan orang.": None,  # the large demo generator's text
}

DESTINATION = re.compile(r"^(?P<country>.+?) bukan negara tujuan resmi penempatan pekerja migran Indonesia\.$")
NOT_YET = re.compile(r"^Izin (?P<agency>.+) belum berlaku\.$")
LICENCE_AT = re.compile(r"^Izin (?P<agency>.+) (?P<label>dibekukan|dicabut|tidak aktif) (?:sejak|pada) "
                        r"(?P<day>\d{2})-(?P<month>\d{2})-(?P<year>\d{4})\.$")
QUOTA = re.compile(r"^Penempatan \((?P<placed>\d+)\) melebihi kuota job order \((?P<quota>\d+)\)\.$")
PAY = re.compile(r"^Gaji sekitar US\$(?P<pay>[\d.,]+) per bulan untuk pekerjaan tanpa keahlian khusus jauh di atas "
                 r"kewajaran \(batas US\$(?P<limit>[\d.,]+)\)\.$")
FEE = re.compile(r"^Calon pekerja diminta membayar Rp(?P<fee>[\d.]+)\.$")
SHARED = re.compile(r"^Nomor/akun/rekening yang sama muncul dalam (?P<n>\d+) kasus perdagangan orang\.$")


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _country_code(apps, text: str, evidence: dict) -> str | None:
    code = str(evidence.get("destination") or "").upper()
    if len(code) == 2:
        return code
    Country = apps.get_model("regions", "Country")
    text = text.strip()
    if len(text) == 2 and Country.objects.filter(code=text.upper()).exists():
        return text.upper()
    match = (Country.objects.filter(name_id__iexact=text).values_list("code", flat=True).first()
             or Country.objects.filter(name__iexact=text).values_list("code", flat=True).first())
    return match


def _licence_since(apps, evidence: dict, status: str, written: dt.date) -> dt.date:
    """The day the suspension or revocation took effect: the evidence's, else the licence history's entry of that
    status in force on the day the old text named, else that day."""
    try:
        return dt.date.fromisoformat(str(evidence["since"]))
    except (KeyError, ValueError):
        pass
    LicenceEvent = apps.get_model("recruitment", "LicenceEvent")
    agency = str(evidence.get("agency") or "")
    events = LicenceEvent.objects.filter(agency_id=agency, effective_from__lte=written) if _is_uuid(agency) else None
    if events is not None:
        current = events.order_by("-effective_from", "-created_at").first()
        if current is not None and (not status or current.status == status):
            return current.effective_from
    return written


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
        return True
    except ValueError:
        return False


def message_of(apps, text: str, evidence: dict) -> tuple[str, dict] | None:
    """(msgid, params) for a reason the rules wrote as Indonesian text, or None when it is not one of theirs."""
    text = (text or "").strip()
    evidence = evidence if isinstance(evidence, dict) else {}
    if text in FIXED:
        return text, {}
    if m := NOT_YET.match(text):
        return "Izin %(agency)s belum berlaku.", {"agency": m["agency"]}
    if m := LICENCE_AT.match(text):
        status, msgid = LICENCE[m["label"]]
        try:
            written = dt.date(int(m["year"]), int(m["month"]), int(m["day"]))
        except ValueError:
            return None
        since = _licence_since(apps, evidence, status, written)
        return msgid, {"agency": m["agency"], "since": {"date": since.isoformat()}}
    if m := QUOTA.match(text):
        return ("Penempatan (%(placed)s) melebihi kuota job order (%(quota)s).",
                {"placed": int(m["placed"]), "quota": int(m["quota"])})
    if m := PAY.match(text):
        return ("Gaji sekitar %(pay)s per bulan untuk pekerjaan tanpa keahlian khusus jauh di atas kewajaran "
                "(batas %(limit)s).", {"pay": {"money": _digits(m["pay"]), "currency": "USD"},
                                       "limit": {"money": _digits(m["limit"]), "currency": "USD"}})
    if m := FEE.match(text):
        return "Calon pekerja diminta membayar %(fee)s.", {"fee": {"money": _digits(m["fee"]), "currency": "IDR"}}
    if m := SHARED.match(text):
        return "Nomor/akun/rekening yang sama muncul dalam %(n)s kasus perdagangan orang.", {"n": int(m["n"])}
    if m := DESTINATION.match(text):
        code = _country_code(apps, m["country"], evidence)
        if code:
            return ("%(country)s bukan negara tujuan resmi penempatan pekerja migran Indonesia.",
                    {"country": {"country": code}})
    return None


def forwards(apps, schema_editor):
    RiskFlag = apps.get_model("recruitment", "RiskFlag")
    for flag in RiskFlag.objects.filter(reason_msgid="").exclude(reason_text="").iterator():
        found = message_of(apps, flag.reason_text, flag.evidence)
        if found is None:
            continue  # not a text of the rules: kept, and shown as it was
        flag.reason_msgid, flag.reason_params = found
        flag.reason_text = ""
        flag.save(update_fields=["reason_msgid", "reason_params", "reason_text"])


def _indonesian(apps, value) -> str:
    if isinstance(value, dict):
        if "country" in value:
            Country = apps.get_model("regions", "Country")
            row = Country.objects.filter(code=value["country"]).values_list("name_id", "name").first()
            return (row[0] or row[1]) if row else str(value["country"])
        if "date" in value:
            return dt.date.fromisoformat(value["date"]).strftime("%d-%m-%Y")
        if "money" in value:
            sign = {"USD": "US$", "IDR": "Rp"}.get(value.get("currency"), "")
            return sign + f"{int(value['money']):,}".replace(",", ".")
    return str(value)


def backwards(apps, schema_editor):
    """Back to one text: the message in Indonesian (the msgids are Indonesian)."""
    RiskFlag = apps.get_model("recruitment", "RiskFlag")
    for flag in RiskFlag.objects.exclude(reason_msgid="").iterator():
        try:
            args = {k: _indonesian(apps, v) for k, v in (flag.reason_params or {}).items()}
            flag.reason_text = flag.reason_msgid % args
        except (KeyError, ValueError, TypeError):
            flag.reason_text = flag.reason_msgid
        flag.save(update_fields=["reason_text"])


class Migration(migrations.Migration):

    dependencies = [
        ("recruitment", "0003_flag_review"),
        ("regions", "0001_initial"),
    ]

    operations = [
        migrations.RenameField("riskflag", "reason", "reason_text"),
        migrations.AlterField("riskflag", "reason_text", models.TextField(blank=True)),
        migrations.AddField("riskflag", "reason_msgid", models.CharField(blank=True, max_length=300)),
        migrations.AddField("riskflag", "reason_params", models.JSONField(blank=True, default=dict)),
        migrations.RunPython(forwards, backwards),
    ]
