"""The public door's logic: rate limits, spam checks, tracking codes, anonymous reports and their plain status."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from sinergi.core import clock
from sinergi.core.net import client_address
from sinergi.core.validation import Errors

from .models import PublicReport, RateCounter

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud over the phone without mistakes
CODE_RE = re.compile(r"^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$")
FORM_MIN_SECONDS = 3
FORM_MAX_SECONDS = 2 * 60 * 60


def client_key(request, action: str) -> str:
    # The citizen's address, not a reverse proxy's (which would put the whole country in one bucket).
    address = client_address(request)
    # Addresses are never stored: only a keyed hash, so the counters cannot be turned back into who reported.
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{action}|{address}".encode(), hashlib.sha256).hexdigest()
    return f"{action}:{digest[:40]}"


def _window(window_seconds: int) -> dt.datetime:
    now = clock.now()
    return dt.datetime.fromtimestamp(int(now.timestamp()) // window_seconds * window_seconds, tz=dt.UTC)


def rate_count(request, action: str, window_seconds: int) -> int:
    """Count one use of ``action`` by this address in the current window; the new count."""
    now = clock.now()
    window = _window(window_seconds)
    key = client_key(request, action)
    with transaction.atomic():
        updated = RateCounter.objects.filter(key=key, window_start=window).update(count=F("count") + 1)
        if not updated:
            try:
                with transaction.atomic():
                    RateCounter.objects.create(key=key, window_start=window, count=1)
            except IntegrityError:
                RateCounter.objects.filter(key=key, window_start=window).update(count=F("count") + 1)
        count = RateCounter.objects.filter(key=key, window_start=window).values_list("count", flat=True).first() or 0
    RateCounter.objects.filter(window_start__lt=now - dt.timedelta(days=1)).delete()
    return count


def rate_used(request, action: str, window_seconds: int) -> int:
    """Uses counted so far in the current window, without counting this request."""
    return RateCounter.objects.filter(key=client_key(request, action), window_start=_window(window_seconds)) \
        .values_list("count", flat=True).first() or 0


def rate_limited(request, action: str, limit: int, window_seconds: int) -> bool:
    """Count this request; True when the address has used up its allowance for the current window."""
    return rate_count(request, action, window_seconds) > limit


def form_token() -> str:
    return signing.dumps({"t": clock.now().timestamp()}, salt="public-form")


MAX_LINKS = 2
MAX_REPEAT = 30
SCRIPT_RE = re.compile(r"<\s*/?\s*(script|iframe|object|embed|svg|style|img)\b|javascript\s*:|<[^>]*\bon\w+\s*=", re.I)


def spam_errors(data: dict[str, Any], token: str, text_fields: list[str]) -> Errors:
    """No third-party service: a hidden field people leave empty, a minimum time to fill the form, and limits
    on links and script-like content. Each message says what was refused, so that a family can fix it: phone
    numbers, addresses, names and ordinary punctuation are always allowed."""
    errors = Errors()
    if (data.get("website") or "").strip():
        errors.add("__all__", str(_("Laporan tidak dapat diterima karena kolom tersembunyi \"Jangan diisi\" "
                                    "terisi. Kosongkan kolom itu lalu kirim lagi.")))
        return errors
    try:
        issued = signing.loads(token or "", salt="public-form", max_age=FORM_MAX_SECONDS)["t"]
        if clock.now().timestamp() - issued < FORM_MIN_SECONDS:
            errors.add("__all__", str(_("Formulir dikirim terlalu cepat. Periksa isian Anda, lalu kirim lagi.")))
    except (signing.BadSignature, KeyError, TypeError):
        errors.add("__all__", str(_("Formulir sudah kedaluwarsa (lebih dari 2 jam). Isian Anda masih ada; "
                                    "kirim lagi.")))
    for field in text_fields:
        text = data.get(field) or ""
        if len(re.findall(r"https?://|www\.", text, re.I)) > MAX_LINKS:
            errors.add(field, str(_("Paling banyak %(n)s tautan (alamat situs web) dalam satu isian. Nomor telepon "
                                    "dan alamat rumah boleh ditulis.") % {"n": MAX_LINKS}))
        if SCRIPT_RE.search(text):
            errors.add(field, str(_("Kode HTML atau skrip (seperti <script>, <iframe> atau \"javascript:\") tidak "
                                    "diizinkan. Tulis dengan kata-kata biasa; nomor telepon, nama dan alamat "
                                    "boleh.")))
        if re.search(r"(.)\1{%d,}" % MAX_REPEAT, text):
            errors.add(field, str(_("Satu huruf atau tanda yang diulang lebih dari %(n)s kali tidak dapat dibaca. "
                                    "Tulis dengan kata-kata.") % {"n": MAX_REPEAT}))
        if "\x00" in text:
            errors.add(field, str(_("Isian mengandung karakter yang tidak dapat dibaca. Ketik ulang isian ini.")))
    return errors


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalise_code(code: str) -> str | None:
    c = re.sub(r"[\s-]", "", (code or "").upper())
    c = f"{c[:4]}-{c[4:8]}-{c[8:]}" if len(c) == 12 else c
    return c if CODE_RE.match(c) else None


def code_hash(code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"tracking|{code}".encode(), hashlib.sha256).hexdigest()


def responsible_agency(province_code: str | None):
    """Who receives a public report: the women's and children's protection service or task force of the province
    the person comes from, else the national default (``SINERGI_PUBLIC_REPORT_AGENCY``)."""
    from sinergi.agencies.enums import AgencyType
    from sinergi.agencies.models import Agency

    active = Agency.objects.filter(is_active=True, peer__isnull=True)
    if province_code:
        for agency_type in (AgencyType.PROVINCIAL_SERVICE, AgencyType.TASK_FORCE):
            a = active.filter(type=agency_type, region_id=province_code).order_by("name").first()
            if a:
                return a
    default = getattr(settings, "SINERGI_PUBLIC_REPORT_AGENCY", "")
    a = active.filter(code=default).first() if default else None
    return a or active.filter(type=AgencyType.TASK_FORCE, level="national").first() or \
        active.filter(type=AgencyType.POLICE, level="national").first()


@transaction.atomic
def public_report_submit(*, data: dict[str, Any]) -> tuple[str, Any]:
    """Store an anonymous report at the responsible agency and return its tracking code (shown once)."""
    from sinergi.intake.services import report_create_public
    from sinergi.audit.services import Actor
    from sinergi.people.services import person_create_system

    agency = responsible_agency(data.get("province") or None)
    if agency is None:
        raise RuntimeError("no agency is configured to receive public reports")
    subject = None
    if (data.get("person_name") or "").strip():
        subject = person_create_system(
            actor=Actor(user_id=None, username="public", agency_id=agency.pk),
            data={"full_name": data["person_name"], "estimated_age": data.get("person_age"), "citizenship": "ID"})
    narrative = data["narrative"].strip()
    if data.get("province_name"):
        narrative += f"\n\n[Asal: {data['province_name']}]"
    report = report_create_public(agency_id=agency.pk, data={**data, "narrative": narrative}, subject=subject)
    for _attempt in range(5):
        code = new_code()
        try:
            with transaction.atomic():
                PublicReport.objects.create(code_hash=code_hash(code), report=report)
            return code, report
        except IntegrityError:
            continue
    raise RuntimeError("could not allocate a tracking code")


def public_report_status(code: str):
    """The status of the report behind ``code`` in plain words (which kind of office has it, what happens next),
    and nothing else; None if the code is unknown."""
    from sinergi.intake.tracking import plain_status

    normal = normalise_code(code)
    if normal is None:
        return None
    pr = PublicReport.objects.select_related("report", "report__agency").filter(code_hash=code_hash(normal)).first()
    if pr is None:
        return None
    return plain_status(pr.report)
