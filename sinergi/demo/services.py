"""Setting up a demo instance: reference data, demo agencies and users, and the demo cases.

Everything here is idempotent: it creates only what is missing, so ``sinergi demo`` can run again and again
and is quick the second time.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Callable

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sinergi.agencies.models import Agency, User
from sinergi.cases.models import Case
from sinergi.regions.enums import Level
from sinergi.regions.models import Country, Region
from sinergi.regions.services import countries_load, regions_load

from . import bulk, data, story
from .agencies import LEAD_AGENCY, USERS, demo_agencies_ensure, demo_users_ensure

# Up to this many cases, every demo case goes through the real services; above it, the realistic ones are
# topped up by the bulk generator (a million cases through the services would take hours).
BULK_THRESHOLD = 2000
REALISTIC_CASES = 300
DEFAULT_SEED = 2026

Out = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


def reference_ensure(out: Out = _quiet) -> dict[str, int]:
    """Countries and Indonesia's regions, loaded only when missing (the load is one transaction, so a present
    village level means a complete load)."""
    loaded = {}
    if not Country.objects.exists():
        loaded["countries"] = countries_load()
        out("  " + _("negara: %(count)s") % {"count": loaded["countries"]})
    if not Region.objects.filter(level=Level.VILLAGE).exists():
        out("  " + _("memuat wilayah Kemendagri ..."))
        loaded.update(regions_load(progress=lambda label, n: out(f"  {label}: {n}")))
    return loaded


def directory_ensure(agencies: dict[str, Agency], out: Out = _quiet) -> None:
    """The hotline directory (reference data) and the task force's procedure for village reports: in the demo's
    regency (Kabupaten Kupang) village offices report to the province's UPTD PPA, which has intake staff."""
    from sinergi.intake.models import ReportRoute
    from sinergi.recruitment.hotlines import hotlines_load

    added = hotlines_load()
    if added:
        out("  " + _("nomor bantuan: %(count)s") % {"count": added})
    target = agencies.get(LEAD_AGENCY)
    if target is not None and Region.objects.filter(code="53.01").exists():
        ReportRoute.objects.get_or_create(region_id="53.01", defaults={
            "agency": target, "note": "Prosedur Gugus Tugas Kab. Kupang: laporan desa ke UPTD PPA Provinsi NTT"})


INBOX_REPORTS = (
    ("public_form", "Adik saya berangkat lewat calo ke Kamboja tiga bulan lalu. Minggu lalu dia kirim pesan: "
                    "ponselnya diambil, disuruh menipu lewat telepon, tidak boleh keluar. Tolong hubungi kami."),
    ("hotline", "Penelepon dari Malaka: tetangganya bekerja di kebun sawit di Sabah, gaji tidak dibayar "
                "setahun dan paspornya dipegang mandor."),
    ("village", "Warga Desa Noelbaki, perempuan 19 tahun, berangkat ke Malaysia tanpa dokumen lewat "
                "sponsor dari desa sebelah. Keluarga tidak mendapat kabar sejak dua bulan."),
)


def inbox_ensure(users: dict[str, User], out: Out = _quiet) -> int:
    """A few reports waiting in the lead agency's inbox (one from the public form, one from the hotline, one
    filed by the village head), so that the inbox is not empty when the demo starts. Only when none waits."""
    from sinergi.intake import services as intake, triage
    from sinergi.intake.enums import OPEN_STATUSES
    from sinergi.intake.models import Report

    lead = Agency.objects.filter(code=LEAD_AGENCY).first()
    if lead is None or Report.objects.filter(agency=lead, status__in=OPEN_STATUSES).exists():
        return 0
    made = 0
    for channel, narrative in INBOX_REPORTS:
        if channel == "public_form":
            intake.report_create_public(agency_id=lead.pk, data={"narrative": narrative,
                                                                 "reporter_contact": "+62 813 0000 4411"})
        elif channel == "hotline" and "petugas" in users:
            intake.report_create(actor=users["petugas"], agency_id=lead.pk, data={
                "channel": channel, "narrative": narrative, "country_of_exploitation": "MY",
                "reporter_name": "Penelepon hotline"})
        elif channel == "village" and "desa" in users:
            office = users["desa"].memberships.filter(is_active=True).values_list("agency_id", flat=True).first()
            try:
                triage.report_file_onward(actor=users["desa"], office_id=office, data={
                    "narrative": narrative, "reporter_name": "Kepala Desa Noelbaki"})
            except Exception:  # noqa: BLE001 - no receiver for the village (reference data not loaded): skip it
                continue
        else:
            continue
        made += 1
    if made:
        out("  " + _("laporan di kotak laporan: %(count)s") % {"count": made})
    return made


def sending_villages() -> dict[str, list[tuple[str, str]]]:
    """Villages of the sending regencies in ``data.REGENCIES``: regency code -> [(village code, name)]."""
    regencies = [code for table in data.REGENCIES.values() for code, _ in table]
    cond = Q()
    for code in regencies:
        cond |= Q(code__startswith=code + ".")
    result: dict[str, list[tuple[str, str]]] = {code: [] for code in regencies}
    for code, name in Region.objects.filter(cond, level=Level.VILLAGE).values_list("code", "name").order_by("code"):
        result[code[:5]].append((code, name))
    missing = [code for code, villages in result.items() if not villages]
    if missing:
        raise RuntimeError(f"no villages loaded for regencies {missing}: run `sinergi load_reference` first")
    return result


def actors_for(agencies: dict[str, Agency], users: dict[str, User]) -> dict[str, story.Actors]:
    """Who acts for each lead agency in the demo: in the lead agency each role does its part; elsewhere the
    agency's supervisor does everything."""
    actors = {}
    for spec in USERS:
        if spec.role == "supervisor":
            u = users[spec.username]
            actors[spec.agency] = story.Actors(intake=u, manager=u, closer=u)
    actors[LEAD_AGENCY] = story.Actors(intake=users["petugas"], manager=users["manajer"], closer=users["supervisor"])
    return actors


@dataclass
class SeedResult:
    created_realistic: int
    created_bulk: int
    total_cases: int


def demo_seed(*, cases: int = REALISTIC_CASES, seed: int | None = None, batch: int = 10_000,
              out: Out = _quiet) -> SeedResult:
    """Reference data, demo agencies and users, and demo cases until there are at least ``cases``."""
    reference_ensure(out)
    agencies = demo_agencies_ensure()
    users = demo_users_ensure(agencies)
    directory_ensure(agencies, out)
    inbox_ensure(users, out)
    existing = Case.objects.count()
    missing = max(0, cases - existing)
    if not missing:
        return SeedResult(0, 0, existing)
    realistic_target = cases if cases <= BULK_THRESHOLD else REALISTIC_CASES
    realistic = max(0, min(missing, realistic_target - existing))
    # A different seed for each top-up, so a second run adds new people rather than the same ones again.
    base_seed = (DEFAULT_SEED if seed is None else seed) + existing
    villages = sending_villages()
    if realistic:
        out("  " + _("kasus demo: %(count)s (melalui layanan)") % {"count": realistic})
        world = story.World(agencies=agencies, actors=actors_for(agencies, users), villages=villages,
                            now=timezone.now())
        stories = story.plan_stories(world, realistic, base_seed)
        story.run_stories(stories, progress=lambda n, total: out("    " + _("langkah %(n)s/%(total)s") % {"n": f"{n:,}", "total": f"{total:,}"}))
        from .recruitment import recruitment_seed

        recruitment_seed(stories, users, seed=base_seed)
    rest = missing - realistic
    if rest:
        out("  " + _("kasus tambahan: %(count)s (massal)") % {"count": f"{rest:,}"})
        generate(rest, seed=base_seed + 1, batch=batch, out=out, agencies=agencies, villages=villages)
    return SeedResult(realistic, rest, Case.objects.count())


def generate(count: int, *, seed: int | None = None, batch: int = 10_000, out: Out = _quiet,
             agencies: dict[str, Agency] | None = None, villages=None) -> int:
    """The scale generator (``sinergi generate_cases``): ``count`` more cases, written in bulk."""
    if agencies is None:
        reference_ensure(out)
        agencies = demo_agencies_ensure()
    villages = villages or sending_villages()
    if seed is None:
        seed = random.SystemRandom().randrange(2**31)
    world = bulk.World(agencies, villages)

    def progress(done: int, total: int, seconds: float) -> None:
        rate = done / seconds if seconds else 0
        out("    " + _("%(done)s/%(total)s kasus (%(rate)s/dtk)") % {"done": f"{done:,}", "total": f"{total:,}", "rate": f"{rate:,.0f}"})

    return bulk.generate_cases(count, world=world, batch=batch, seed=seed, progress=progress)
