"""The demo's agencies (real institutions of Indonesia's counter-trafficking chain, plus one fictional NGO),
their offices and contact points, and the demo users. Created through ``agencies.services`` so they are
audited like any other setup; rerunning creates only what is missing.

Phone numbers and e-mail addresses are made up (``.example``); a real deployment loads its own directory.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction

from sinergi.agencies import services as agency_services
from sinergi.agencies.enums import AgencyType as T
from sinergi.agencies.enums import Level as L
from sinergi.agencies.enums import Role
from sinergi.agencies.models import Agency, Membership, User

# One password for every demo account, printed by ``sinergi demo``. Never use the demo data in production.
DEMO_PASSWORD = "sinergi-demo-2026"
LEAD_AGENCY = "uptd-ppa-ntt"


@dataclass(frozen=True)
class OfficeSpec:
    name: str
    country: str = "ID"
    region: str | None = None
    address: str = ""
    phone: str = ""


@dataclass(frozen=True)
class ContactSpec:
    name: str
    function: str
    phone: str
    hours: str = "Senin-Jumat 08.00-16.00"


@dataclass(frozen=True)
class AgencySpec:
    code: str
    name: str
    short_name: str
    type: str
    level: str
    country: str = "ID"
    region: str | None = None
    parent: str | None = None
    offices: tuple[OfficeSpec, ...] = ()
    contacts: tuple[ContactSpec, ...] = field(default=())
    local_name: str = ""  # in the agency's own language and script, when it is not the system's


DUTY = "Piket 24 jam"
AGENCIES: tuple[AgencySpec, ...] = (
    AgencySpec("ncb-jakarta", "NCB Interpol Indonesia (Divisi Hubungan Internasional Polri)", "NCB Interpol Jakarta",
               T.POLICE, L.NATIONAL, region="31",
               offices=(OfficeSpec("NCB Interpol Jakarta", region="31", address="Jl. Trunojoyo No. 3, Kebayoran Baru, "
                                   "Jakarta Selatan", phone="+62 21 0000 1101"),),
               contacts=(ContactSpec("Desk I-24/7", "Pertukaran notice dan pesan antar-NCB", "+62 21 0000 1102", DUTY),
                         ContactSpec("Perwira penghubung Asia Tenggara", "Penghubung kepolisian ASEAN",
                                     "+62 21 0000 1103"))),
    AgencySpec("bareskrim-ppa-ppo", "Bareskrim Polri - Direktorat Tindak Pidana PPA dan PPO", "Dittipid PPA-PPO",
               T.POLICE, L.NATIONAL, region="31",
               offices=(OfficeSpec("Mabes Polri, Bareskrim", region="31", address="Jl. Trunojoyo No. 3, Jakarta Selatan",
                                   phone="+62 21 0000 1201"),),
               contacts=(ContactSpec("Subdit TPPO", "Penyidikan tindak pidana perdagangan orang", "+62 21 0000 1202"),)),
    AgencySpec("kemlu-pwni", "Kementerian Luar Negeri - Direktorat Pelindungan WNI", "Dit. PWNI Kemlu",
               T.FOREIGN_MINISTRY, L.NATIONAL, region="31",
               offices=(OfficeSpec("Kantor Pusat Kemlu", region="31", address="Jl. Taman Pejambon No. 6, Jakarta Pusat",
                                   phone="+62 21 0000 1301"),),
               contacts=(ContactSpec("Hotline pelindungan WNI", "Pengaduan WNI di luar negeri", "+62 812-9007-0027",
                                     DUTY),)),
    AgencySpec("kbri-phnom-penh", "Kedutaan Besar Republik Indonesia di Phnom Penh", "KBRI Phnom Penh",
               T.FOREIGN_MINISTRY, L.NATIONAL, parent="kemlu-pwni",
               offices=(OfficeSpec("KBRI Phnom Penh", country="KH", address="No. 1, Street 466, Sangkat Tonle Bassac, "
                                   "Phnom Penh", phone="+855 23 217 934"),),
               contacts=(ContactSpec("Fungsi Pelindungan WNI", "Penanganan WNI korban sindikat penipuan daring",
                                     "+855 12 000 002", DUTY),)),
    AgencySpec("kp2mi", "Kementerian Pelindungan Pekerja Migran Indonesia (KP2MI/BP2MI)", "KP2MI",
               T.MIGRANT_WORKER_PROTECTION, L.NATIONAL, region="31",
               offices=(OfficeSpec("Kantor Pusat KP2MI", region="31", address="Jl. MT Haryono Kav. 52, Jakarta Selatan",
                                   phone="+62 21 0000 1401"),),
               contacts=(ContactSpec("Crisis center", "Pengaduan pekerja migran", "0800-1000", DUTY),)),
    AgencySpec("bp3mi-ntt", "Balai Pelayanan Pelindungan Pekerja Migran Indonesia Nusa Tenggara Timur", "BP3MI NTT",
               T.MIGRANT_WORKER_PROTECTION, L.PROVINCE, region="53", parent="kp2mi",
               offices=(OfficeSpec("BP3MI NTT, Kupang", region="53.71", address="Jl. Frans Seda, Kota Kupang",
                                   phone="+62 380 000 1501"),
                        OfficeSpec("Pos pelayanan Bandara El Tari", region="53.71", address="Bandara El Tari, Kupang",
                                   phone="+62 380 000 1502")),
               contacts=(ContactSpec("Penjemputan di bandara", "Penerimaan PMI dan jenazah PMI", "+62 812 0000 1503",
                                     DUTY),)),
    AgencySpec(LEAD_AGENCY, "UPTD Perlindungan Perempuan dan Anak Provinsi Nusa Tenggara Timur", "UPTD PPA NTT",
               T.PROVINCIAL_SERVICE, L.PROVINCE, region="53",
               offices=(OfficeSpec("UPTD PPA NTT, Kupang", region="53.71", address="Jl. Polisi Militer, Kota Kupang",
                                   phone="+62 380 000 1601"),
                        OfficeSpec("Rumah aman UPTD PPA NTT", region="53.71", address="(alamat dirahasiakan)")),
               contacts=(ContactSpec("Layanan pengaduan", "Penerimaan laporan korban", "+62 380 833 129", DUTY),
                         ContactSpec("SAPA 129", "Hotline nasional perlindungan perempuan dan anak", "129", DUTY))),
    AgencySpec("dinsos-ntt", "Dinas Sosial Provinsi Nusa Tenggara Timur", "Dinsos NTT", T.PROVINCIAL_SERVICE,
               L.PROVINCE, region="53",
               offices=(OfficeSpec("Dinas Sosial NTT", region="53.71", address="Jl. Basuki Rahmat, Kota Kupang",
                                   phone="+62 380 000 1701"),),
               contacts=(ContactSpec("Bidang rehabilitasi sosial", "Rumah perlindungan dan pemulangan ke daerah asal",
                                     "+62 380 000 1702"),)),
    AgencySpec("gugus-tugas-ntt", "Gugus Tugas Pencegahan dan Penanganan TPPO Provinsi Nusa Tenggara Timur",
               "Gugus Tugas TPPO NTT", T.TASK_FORCE, L.PROVINCE, region="53",
               offices=(OfficeSpec("Sekretariat Gugus Tugas TPPO NTT", region="53.71", address="Kantor Gubernur NTT, "
                                   "Jl. El Tari, Kota Kupang"),),
               contacts=(ContactSpec("Sekretariat", "Koordinasi dan pelaporan gugus tugas", "+62 380 000 1801"),)),
    AgencySpec("gugus-tugas-kab-kupang", "Gugus Tugas Pencegahan dan Penanganan TPPO Kabupaten Kupang",
               "Gugus Tugas TPPO Kab. Kupang", T.TASK_FORCE, L.REGENCY, region="53.01", parent="gugus-tugas-ntt",
               offices=(OfficeSpec("Sekretariat Gugus Tugas Kab. Kupang", region="53.01", address="Oelamasi, "
                                   "Kabupaten Kupang"),),
               contacts=(ContactSpec("Sekretariat", "Koordinasi kabupaten, desa dan RT", "+62 380 000 1901"),)),
    AgencySpec("iom-indonesia", "International Organization for Migration (IOM) Indonesia", "IOM Indonesia",
               T.INTERNATIONAL_ORGANISATION, L.NATIONAL, region="31",
               offices=(OfficeSpec("IOM Jakarta", region="31", address="Jakarta Pusat", phone="+62 21 0000 2001"),
                        OfficeSpec("IOM Kupang", region="53.71", address="Kota Kupang", phone="+62 380 000 2002")),
               contacts=(ContactSpec("Counter-trafficking unit", "Bantuan langsung korban, pemulangan",
                                     "+62 21 0000 2003"),)),
    # Fictional: a stand-in for the local NGOs that accompany survivors in NTT.
    AgencySpec("lsm-sahabat-migran", "Yayasan Sahabat Migran Flobamora", "Sahabat Migran", T.NGO, L.PROVINCE,
               region="53",
               offices=(OfficeSpec("Sekretariat Sahabat Migran", region="53.71", address="Kota Kupang",
                                   phone="+62 380 000 2101"),),
               contacts=(ContactSpec("Pendamping kasus", "Pendampingan korban dan keluarga", "+62 813 0000 2102",
                                     DUTY),)),
    AgencySpec("desa-noelbaki", "Pemerintah Desa Noelbaki", "Desa Noelbaki", T.VILLAGE, L.VILLAGE,
               region="53.01.08.2008", parent="gugus-tugas-kab-kupang",
               offices=(OfficeSpec("Kantor Desa Noelbaki", region="53.01.08.2008", address="Noelbaki, Kupang Tengah"),),
               contacts=(ContactSpec("Kepala desa", "Laporan warga dan koordinasi RT", "+62 852 0000 2201"),)),
    # At the Malaysian border: survivors coming back by sea from Sabah land in Nunukan or Tarakan.
    AgencySpec("p4mi-nunukan", "Pos Pelayanan Pelindungan Pekerja Migran Indonesia Nunukan", "P4MI Nunukan",
               T.MIGRANT_WORKER_PROTECTION, L.REGENCY, region="65.03", parent="kp2mi",
               offices=(OfficeSpec("P4MI Nunukan", region="65.03", address="Pelabuhan Tunon Taka, Nunukan",
                                   phone="+62 556 000 2301"),),
               contacts=(ContactSpec("Penjemputan di pelabuhan", "Penerimaan PMI yang dideportasi dari Sabah",
                                     "+62 812 0000 2302", DUTY),)),
    AgencySpec("uptd-ppa-nunukan", "UPTD Perlindungan Perempuan dan Anak Kabupaten Nunukan", "UPTD PPA Nunukan",
               T.DISTRICT_SERVICE, L.REGENCY, region="65.03",
               offices=(OfficeSpec("UPTD PPA Nunukan", region="65.03", address="Nunukan",
                                   phone="+62 556 000 2401"),),
               contacts=(ContactSpec("Rumah aman", "Penampungan sementara korban", "+62 812 0000 2402", DUTY),)),
    AgencySpec("dinsos-tarakan", "Dinas Sosial Kota Tarakan", "Dinsos Tarakan", T.DISTRICT_SERVICE, L.REGENCY,
               region="65.71",
               offices=(OfficeSpec("Dinas Sosial Kota Tarakan", region="65.71", address="Kota Tarakan",
                                   phone="+62 551 000 2501"),),
               contacts=(ContactSpec("Rumah perlindungan trauma", "Penampungan dan pemulangan", "+62 551 000 2502"),)),
    AgencySpec("kh-cnp", "Cambodian National Police - Anti-Human Trafficking and Juvenile Protection Department",
               "Cambodian National Police", T.FOREIGN_POLICE, L.NATIONAL, country="KH",
               offices=(OfficeSpec("CNP Headquarters", country="KH", address="Phnom Penh", phone="+855 23 000 101"),),
               contacts=(ContactSpec("NCB Phnom Penh liaison", "Locate and rescue requests", "+855 23 000 102",
                                     DUTY),),
               # Served by the Cambodian demo instance: ``peering`` links it there (as ``ahtjp``).
               local_name="នាយកដ្ឋានប្រឆាំងការជួញដូរមនុស្ស និងការពារអនីតិជន"),
)


@dataclass(frozen=True)
class UserSpec:
    username: str
    first_name: str
    last_name: str
    agency: str
    role: str
    language: str = "id"


# One user per role in the lead demo agency, then people who act in the other agencies' cases.
USERS: tuple[UserSpec, ...] = (
    UserSpec("petugas", "Maria", "Bano", LEAD_AGENCY, Role.INTAKE_OFFICER),
    UserSpec("manajer", "Yohanes", "Tefa", LEAD_AGENCY, Role.CASE_MANAGER),
    UserSpec("supervisor", "Theresia", "Ndun", LEAD_AGENCY, Role.SUPERVISOR),
    UserSpec("admin", "Agustinus", "Manu", LEAD_AGENCY, Role.AGENCY_ADMIN),
    UserSpec("analis", "Novi", "Kase", LEAD_AGENCY, Role.ANALYST),
    UserSpec("sysadmin", "Frans", "Liu", LEAD_AGENCY, Role.SYSTEM_ADMIN),
    UserSpec("ncb", "Andreas", "Sitompul", "ncb-jakarta", Role.SUPERVISOR),
    UserSpec("polri", "Fitri", "Handayani", "bareskrim-ppa-ppo", Role.SUPERVISOR),
    UserSpec("kemlu", "Rahmat", "Hidayat", "kemlu-pwni", Role.SUPERVISOR),
    UserSpec("kbri", "Bambang", "Setiawan", "kbri-phnom-penh", Role.SUPERVISOR),
    UserSpec("kp2mi", "Siti", "Rohmah", "kp2mi", Role.SUPERVISOR),
    UserSpec("bp3mi", "Stefanus", "Bria", "bp3mi-ntt", Role.SUPERVISOR),
    UserSpec("iom", "Ratna", "Sari", "iom-indonesia", Role.SUPERVISOR),
    UserSpec("lsm", "Emiliana", "Tanesib", "lsm-sahabat-migran", Role.SUPERVISOR),
    UserSpec("desa", "Yakobus", "Seran", "desa-noelbaki", Role.INTAKE_OFFICER),
    UserSpec("gugustugas", "Dewi", "Kurniasih", "gugus-tugas-ntt", Role.ANALYST),
)


@transaction.atomic
def demo_agencies_ensure(specs: tuple[AgencySpec, ...] = AGENCIES) -> dict[str, Agency]:
    """Create the demo agencies (with offices and contact points) that are missing; return all by code."""
    existing = {a.code: a for a in Agency.objects.filter(code__in=[s.code for s in specs])}
    for spec in specs:
        if spec.code in existing:
            continue
        agency = agency_services.agency_create(
            actor=None, code=spec.code, name=spec.name, short_name=spec.short_name, type=spec.type,
            country=spec.country, level=spec.level, region=spec.region,
            parent=existing.get(spec.parent) if spec.parent else None, local_name=spec.local_name,
        )
        for o in spec.offices:
            agency_services.office_create(actor=None, agency=agency, name=o.name, country=o.country, region=o.region,
                                          address=o.address, phone=o.phone, email=f"{spec.code}@demo.example")
        for c in spec.contacts:
            agency_services.contact_point_create(actor=None, agency=agency, name=c.name, function=c.function,
                                                 phone=c.phone, email=f"{spec.code}@demo.example",
                                                 available_hours=c.hours)
        existing[spec.code] = agency
    return existing


@transaction.atomic
def demo_users_ensure(agencies: dict[str, Agency], specs: tuple[UserSpec, ...] = USERS) -> dict[str, User]:
    """Create the demo users and their roles that are missing; return them by username."""
    users = {u.username: u for u in User.objects.filter(username__in=[s.username for s in specs])}
    hashed = make_password(DEMO_PASSWORD) if len(users) < len(specs) else None
    for spec in specs:
        agency = agencies[spec.agency]
        user = users.get(spec.username)
        if user is None:
            users[spec.username] = agency_services.user_create(
                actor=None, username=spec.username, password_hash=hashed, first_name=spec.first_name,
                last_name=spec.last_name, email=f"{spec.username}@demo.example", agency=agency, role=spec.role,
                admin_site=spec.role == Role.SYSTEM_ADMIN, preferred_language=spec.language,
            )
        elif not Membership.objects.filter(user=user, agency=agency, role=spec.role, is_active=True).exists():
            agency_services.membership_grant(actor=None, user=user, agency=agency, role=spec.role)
    return users


def demo_logins(specs: tuple[UserSpec, ...] = USERS) -> list[dict[str, str]]:
    """What ``sinergi demo`` prints: each demo login with its role and agency."""
    by_user = {}
    for m in Membership.objects.filter(user__username__in=[s.username for s in specs]).select_related("user", "agency"):
        by_user[(m.user.username, m.role, m.agency.code)] = m
    rows = []
    for spec in specs:
        m = by_user.get((spec.username, spec.role, spec.agency))
        if m is not None:
            rows.append({"username": spec.username, "password": DEMO_PASSWORD, "role": Role(spec.role).label,
                         "role_code": spec.role, "agency": str(m.agency)})
    return rows
