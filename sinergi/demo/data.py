"""What the demo cases look like: sending regions, destinations and the patterns of trafficking seen in
Indonesia's caseload, in the HTCDS vocabulary (``core/data/htcds-field-standards-2.0.csv``).

Weights are rough shares for a believable demo, not statistics.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field

from sinergi.cases.enums import ServiceType as Svc

# Sending regions: province -> (regency code, weight). Kemendagri codes; the villages come from the Region table.
REGENCIES: dict[str, tuple[tuple[str, int], ...]] = {
    "53": (("53.01", 15), ("53.02", 20), ("53.03", 8), ("53.04", 6), ("53.21", 10), ("53.18", 8), ("53.11", 5),
           ("53.06", 6), ("53.07", 6), ("53.08", 4), ("53.10", 3), ("53.05", 2), ("53.71", 5), ("53.14", 3),
           ("53.13", 3)),
    "52": (("52.03", 35), ("52.02", 30), ("52.01", 12), ("52.08", 5), ("52.04", 6), ("52.06", 5), ("52.05", 3),
           ("52.71", 4)),
    "32": (("32.12", 25), ("32.09", 12), ("32.15", 8), ("32.03", 12), ("32.02", 10), ("32.13", 8), ("32.10", 6),
           ("32.05", 5), ("32.04", 5), ("32.16", 4), ("32.73", 5)),
    "33": (("33.01", 15), ("33.29", 10), ("33.24", 10), ("33.28", 8), ("33.27", 8), ("33.02", 8), ("33.05", 6),
           ("33.18", 6), ("33.07", 5), ("33.15", 5), ("33.25", 4), ("33.74", 5)),
    "35": (("35.07", 15), ("35.05", 12), ("35.04", 10), ("35.02", 10), ("35.10", 8), ("35.09", 8), ("35.06", 6),
           ("35.19", 4), ("35.24", 5), ("35.29", 4), ("35.26", 4), ("35.78", 5)),
    "12": (("12.71", 20), ("12.07", 15), ("12.09", 10), ("12.05", 8), ("12.18", 6), ("12.19", 6), ("12.08", 6),
           ("12.74", 6), ("12.10", 5), ("12.02", 4), ("12.12", 3), ("12.17", 3)),
    "64": (("64.72", 25), ("64.71", 20), ("64.02", 20), ("64.03", 10), ("64.08", 8), ("64.01", 7), ("64.74", 5),
           ("64.09", 5)),
}
# Which names people of a province carry: (name group, weight).
NAME_GROUPS: dict[str, tuple[tuple[str, int], ...]] = {
    "53": (("ntt", 1),), "52": (("sasak", 1),), "32": (("sunda", 1),), "33": (("jawa", 1),), "35": (("jawa", 1),),
    "12": (("batak", 7), ("jawa", 3)), "64": (("bugis", 5), ("jawa", 3), ("ntt", 1)),
}

COUNTRY_ID = {"KH": "Kamboja", "MY": "Malaysia", "MM": "Myanmar", "SA": "Arab Saudi", "LA": "Laos",
              "TH": "Thailand", "TW": "Taiwan", "HK": "Hong Kong", "ID": "Indonesia"}
AIRPORT = "Bandara Soekarno-Hatta, Tangerang"
PORTS = {"KH": AIRPORT, "MM": AIRPORT, "LA": AIRPORT, "TH": AIRPORT, "TW": AIRPORT, "HK": AIRPORT, "SA": AIRPORT,
         "MY": "Pelabuhan Tunon Taka, Nunukan"}
PORTS_PENINSULAR = ("Pelabuhan Batam Centre, Batam", "Bandara Kualanamu, Deli Serdang", "Pelabuhan Dumai")
SABAH_SARAWAK = {"Tawau", "Sandakan", "Kota Kinabalu", "Lahad Datu", "Kuching", "Keningau"}
EMBASSY_CODE = {"KH": "PNH", "MY": "KUL", "MM": "YGN", "SA": "RUH", "LA": "VTE", "TH": "BKK", "TW": "TPE",
                "HK": "HKG"}


def w(**kwargs: float) -> dict[str, float]:
    return dict(kwargs)


@dataclass(frozen=True)
class Scenario:
    key: str
    weight: float
    origins: dict[str, float]
    destinations: tuple[tuple[str, float, tuple[str, ...]], ...]
    male_share: float
    ages: tuple[int, int]
    exploitation: tuple[str, ...]
    industries: tuple[str, ...] = ()
    sex_types: tuple[str, ...] = ()
    controls: tuple[str, ...] = ()
    recruitment: tuple[str, ...] = ()
    apps: tuple[str, ...] = ()
    exploitation_apps: tuple[str, ...] = ()
    relations: dict[str, float] = field(default_factory=dict)
    ilo: tuple[str, ...] = ()
    delphi: tuple[str, ...] = ()
    channels: dict[str, float] = field(default_factory=dict)
    leads: dict[str, float] = field(default_factory=dict)      # lead agency when the survivor is not from NTT
    ntt_leads: dict[str, float] = field(default_factory=dict)  # ... and when from NTT
    jobs: tuple[str, ...] = ()
    narrative: str = ""


_D = "deceptive_recruitment."
_C = "coercion_at_destination."
_E = "exploitative_conditions."
_V = "recruitment_abuse_of_vulnerability."
NTT_LEADS = w(**{"uptd-ppa-ntt": 55, "bp3mi-ntt": 25, "lsm-sahabat-migran": 12, "iom-indonesia": 8})

SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "online_scam", 34, w(**{"12": 20, "32": 20, "35": 15, "33": 15, "53": 12, "52": 6, "64": 12}),
        (("KH", 60, ("Sihanoukville", "Phnom Penh", "Bavet", "Poipet", "O'Smach")),
         ("MM", 22, ("Myawaddy", "Shwe Kokko")), ("LA", 10, ("Zona Ekonomi Khusus Segitiga Emas, Bokeo",)),
         ("TH", 8, ("Mae Sot",))),
        0.6, (19, 35), ("ForcedLabour",), ("J_InformationAndCommunication", "N_AdministrativeAndSupportServiceActivities"),
        controls=("WithholdsDocuments", "DebtBondage", "FalsePromises", "PhysicalThreats", "PhysicalAbuse",
                  "ExcessiveWorkingHours", "TakesEarnings", "PsychologicalAbuse", "RestrictsFinancialAccess"),
        recruitment=("ThroughOnlineSocialNetworks", "ThroughAnOnlineAdvertisement", "ThroughFriendsOrSocialEvents"),
        apps=("Facebook", "Telegram", "WhatsApp", "Instagram", "TikTok"),
        exploitation_apps=("Telegram", "WhatsApp", "Facebook", "Instagram", "Line"),
        relations=w(Unaquainted=70, Acquainted=30),
        ilo=("2", "3", "4", "6", "7", "9", "11"),
        delphi=(_D + "deceived_about_the_nature_of_the_job_location_or_employer", _D + "deceived_about_wages_earnings",
                _C + "confiscation_of_documents", _C + "isolation_confinement_or_surveillance", _C + "debt_bondage",
                _C + "forced_into_illicit_criminal_activities", _E + "excessive_working_days_or_hours",
                _E + "low_or_no_salary"),
        channels=w(family=45, embassy=20, police=15, self=12, media=4, hotline=4),
        leads=w(**{"ncb-jakarta": 25, "bareskrim-ppa-ppo": 25, "kbri-phnom-penh": 25, "kemlu-pwni": 25}),
        jobs=("customer service", "admin marketing online", "operator IT", "programmer", "data entry",
              "penerjemah bahasa Inggris"),
        narrative="{name} berangkat ke {city}, {country} pada {month} setelah melihat lowongan '{job}' di {app} "
                  "dengan gaji dijanjikan US${salary} per bulan. Berangkat dengan visa kunjungan wisata lewat {transit}. "
                  "Setibanya di sana paspor diambil, dipaksa menjalankan penipuan daring 14-16 jam sehari dan diminta "
                  "membayar 'denda' US${debt} bila ingin pulang. Keluarga menerima pesan minta tolong lewat WhatsApp.",
    ),
    Scenario(
        "domestic_work", 20, w(**{"52": 25, "32": 25, "33": 12, "35": 20, "53": 18}),
        (("SA", 35, ("Riyadh", "Jeddah", "Dammam", "Makkah")),
         ("MY", 40, ("Kuala Lumpur", "Johor Bahru", "Penang", "Kota Kinabalu")),
         ("HK", 12, ("Hong Kong",)), ("TW", 13, ("Taipei", "Taichung"))),
        0.03, (18, 45), ("ForcedLabour", "Servitude"), ("T_ActivitiesOfHouseholdsAsEmployers",),
        controls=("WithholdsDocuments", "TakesEarnings", "ExcessiveWorkingHours", "RestrictsFinancialAccess",
                  "PhysicalAbuse", "SexualAbuse", "WithholdsNecessities", "ThreatsLawEnforcement", "DebtBondage"),
        recruitment=("ThroughFriendsOrSocialEvents", "ThroughFamilyOrFamilyEvents", "Other"),
        apps=("WhatsApp", "Facebook"),
        relations=w(Acquainted=70, Familial=15, Unaquainted=15),
        ilo=("1", "2", "3", "4", "7", "8", "10", "11"),
        delphi=(_D + "deceived_about_conditions_of_work", _D + "deceived_about_wages_earnings",
                _D + "deceived_about_legal_documentation_or_obtaining_legal_migran", _C + "confiscation_of_documents",
                _C + "withholding_of_wages", _C + "isolation_confinement_or_surveillance",
                _E + "excessive_working_days_or_hours", _E + "no_respect_of_labour_laws_or_contract_signed"),
        channels=w(family=45, hotline=20, embassy=20, ngo=10, village=5),
        leads=w(**{"kp2mi": 50, "kemlu-pwni": 30, "iom-indonesia": 20}), ntt_leads=NTT_LEADS,
        jobs=("asisten rumah tangga", "perawat lansia", "pengasuh anak"),
        narrative="{name} direkrut calo dari desanya pada {month} untuk bekerja sebagai {job} di {city}, {country}, "
                  "dengan gaji dijanjikan {salary_local}. Berangkat tanpa prosedur resmi; majikan menahan paspor, gaji "
                  "tidak dibayar berbulan-bulan dan ia bekerja hampir tanpa istirahat. Ia tidak boleh keluar rumah "
                  "dan hanya sesekali bisa menghubungi keluarga.",
    ),
    Scenario(
        "plantation", 15, w(**{"53": 45, "52": 25, "64": 15, "35": 10, "12": 5}),
        (("MY", 100, ("Tawau", "Sandakan", "Lahad Datu", "Keningau", "Kuching")),),
        0.75, (17, 45), ("ForcedLabour",), ("A_AgricultureForestryAndFishing",),
        controls=("DebtBondage", "WithholdsDocuments", "TakesEarnings", "ExcessiveWorkingHours",
                  "ThreatsLawEnforcement", "WithholdsNecessities", "RestrictsMedicalCare"),
        recruitment=("ThroughFamilyOrFamilyEvents", "ThroughFriendsOrSocialEvents", "Other"),
        relations=w(Acquainted=55, Familial=30, Unaquainted=15),
        ilo=("1", "2", "7", "8", "9", "10"),
        delphi=(_D + "deceived_about_wages_earnings", _D + "deceived_about_travel_and_recruitment_conditions",
                _V + "economic_reasons", _C + "debt_bondage", _C + "confiscation_of_documents",
                _E + "bad_living_conditions", _E + "hazardous_work", _E + "low_or_no_salary"),
        channels=w(family=50, village=20, ngo=15, embassy=10, hotline=5),
        leads=w(**{"kp2mi": 60, "iom-indonesia": 40}), ntt_leads=NTT_LEADS,
        jobs=("buruh kebun kelapa sawit", "pemanen sawit", "buruh kebun"),
        narrative="{name} dibawa kenalan dari kampung pada {month} lewat Nunukan ke perkebunan kelapa sawit di "
                  "{city}, {country}, dijanjikan gaji {salary_local}. Biaya perjalanan dijadikan utang yang dipotong "
                  "dari upah; dokumen ditahan mandor, ia tidak bisa berobat ketika sakit dan takut ditangkap karena "
                  "tidak punya izin kerja.",
    ),
    Scenario(
        "fishing", 10, w(**{"33": 40, "32": 20, "12": 20, "53": 10, "35": 10}),
        (("TW", 55, ("Kaohsiung", "Donggang, Pingtung")), ("TH", 25, ("Samut Sakhon", "Songkhla")),
         ("ID", 20, ("Benjina, Kepulauan Aru", "Pelabuhan Muara Baru, Jakarta"))),
        0.98, (18, 40), ("ForcedLabour",), ("A_AgricultureForestryAndFishing",),
        controls=("ExcessiveWorkingHours", "TakesEarnings", "PhysicalAbuse", "WithholdsDocuments", "DebtBondage",
                  "WithholdsNecessities", "PhysicalThreats"),
        recruitment=("ThroughFriendsOrSocialEvents", "AtAPlaceOfBusiness", "ThroughAnOnlineAdvertisement"),
        apps=("Facebook", "WhatsApp"),
        relations=w(Unaquainted=50, Acquainted=50),
        ilo=("4", "5", "6", "7", "8", "10", "11"),
        delphi=(_D + "deceived_about_conditions_of_work", _C + "violence_on_victims", _C + "withholding_of_wages",
                _C + "isolation_confinement_or_surveillance", _E + "excessive_working_days_or_hours",
                _E + "hazardous_work", _E + "very_bad_working_conditions"),
        channels=w(family=40, ngo=25, police=15, embassy=15, media=5),
        leads=w(**{"iom-indonesia": 40, "kp2mi": 30, "bareskrim-ppa-ppo": 30}), ntt_leads=NTT_LEADS,
        jobs=("anak buah kapal (ABK)", "ABK kapal penangkap ikan"),
        narrative="{name} direkrut agen awak kapal pada {month} sebagai {job} dengan gaji {salary_local}. Di kapal "
                  "di perairan {city} ia bekerja hingga 20 jam sehari, dipukul bila lambat, gaji ditahan agen dan "
                  "paspor dipegang kapten. Ia menghubungi keluarga ketika kapal bersandar.",
    ),
    Scenario(
        "sexual", 13, w(**{"32": 30, "53": 20, "35": 15, "33": 15, "12": 10, "64": 10}),
        (("ID", 55, ("Batam", "Jakarta", "Surabaya", "Denpasar", "Balikpapan")),
         ("MY", 30, ("Kuala Lumpur", "Johor Bahru")), ("TW", 5, ("Taipei",)), ("HK", 10, ("Hong Kong",))),
        0.05, (15, 28), ("SexualExploitation",), (),
        sex_types=("Prostitution", "RemoteInteractiveServices", "PrivateSexualServices"),
        controls=("DebtBondage", "PsychoactiveSubstance", "PhysicalThreats", "SexualAbuse", "PsychologicalAbuse",
                  "FalsePromises", "WithholdsDocuments", "ThreatensChildrenFamily"),
        recruitment=("ThroughOnlineSocialNetworks", "ThroughFriendsOrSocialEvents", "ThroughFamilyOrFamilyEvents"),
        apps=("Facebook", "Instagram", "WhatsApp", "TikTok", "Other"),
        exploitation_apps=("WhatsApp", "Other", "Telegram"),
        relations=w(Acquainted=65, Unaquainted=25, Familial=10),
        ilo=("1", "2", "3", "5", "6", "9"),
        delphi=(_D + "deceived_about_the_nature_of_the_job_location_or_employer",
                _D + "deceived_through_promises_of_marriage_or_adoption", _C + "forced_tasks_or_clients",
                _C + "debt_bondage", _C + "violence_on_victims", _V + "psychological_and_emotional_dependency",
                _E + "very_bad_working_conditions"),
        channels=w(family=40, police=25, hotline=15, ngo=15, self=5),
        leads=w(**{"bareskrim-ppa-ppo": 60, "iom-indonesia": 40}),
        ntt_leads=w(**{"uptd-ppa-ntt": 70, "lsm-sahabat-migran": 20, "bareskrim-ppa-ppo": 10}),
        jobs=("pelayan kafe", "pemandu karaoke", "terapis spa", "penjaga toko"),
        narrative="{name} berkenalan dengan seseorang lewat {app} yang menawarkan pekerjaan sebagai {job} di {city}, "
                  "{country} pada {month}. Setelah tiba, ia dipaksa melayani tamu, diancam dan dijerat utang biaya "
                  "perjalanan serta tempat tinggal. Telepon genggamnya diawasi.",
    ),
    Scenario(
        "domestic_labour", 8, w(**{"53": 60, "52": 20, "35": 10, "32": 10}),
        (("ID", 100, ("Medan", "Batam", "Jakarta", "Surabaya", "Pontianak")),),
        0.35, (14, 30), ("ForcedLabour",), ("C_Manufacturing", "T_ActivitiesOfHouseholdsAsEmployers",
                                             "I_AccommodationAndFoodServiceActivities"),
        controls=("TakesEarnings", "ExcessiveWorkingHours", "WithholdsDocuments", "PhysicalAbuse",
                  "RestrictsFinancialAccess", "PsychologicalAbuse"),
        recruitment=("ThroughFamilyOrFamilyEvents", "ThroughFriendsOrSocialEvents", "AtAnEducationalInstitution"),
        relations=w(Familial=30, Acquainted=60, Unaquainted=10),
        ilo=("1", "3", "4", "8", "10", "11"),
        delphi=(_D + "deceived_about_conditions_of_work", _D + "deceived_about_access_to_education_opportunities",
                _V + "abuse_of_difficult_family_situation", _C + "withholding_of_wages",
                _C + "isolation_confinement_or_surveillance", _E + "excessive_working_days_or_hours",
                _E + "no_access_to_education"),
        channels=w(family=40, village=25, police=15, hotline=10, ngo=10),
        leads=w(**{"bareskrim-ppa-ppo": 60, "iom-indonesia": 40}),
        ntt_leads=w(**{"uptd-ppa-ntt": 65, "lsm-sahabat-migran": 20, "bareskrim-ppa-ppo": 15}),
        jobs=("pekerja rumah tangga", "buruh pabrik", "pelayan rumah makan"),
        narrative="{name} dibawa seorang kerabat pada {month} ke {city} dengan janji sekolah sambil bekerja sebagai "
                  "{job}. Upah tidak pernah dibayar, ia bekerja dari subuh hingga larut malam dan tidak diizinkan "
                  "pulang maupun menghubungi orang tua.",
    ),
)
SCENARIO_BY_KEY = {s.key: s for s in SCENARIOS}

# Who provides a service: (agencies for survivors from NTT, agencies for everyone else). Services abroad
# (shelter, travel documents, interpretation) come from the embassy, chosen in the story.
PROVIDERS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    Svc.SHELTER: (("uptd-ppa-ntt", "dinsos-ntt"), ("iom-indonesia", "kp2mi")),
    Svc.MEDICAL: (("uptd-ppa-ntt", "iom-indonesia"), ("iom-indonesia",)),
    Svc.REPATRIATION: (("bp3mi-ntt", "iom-indonesia"), ("kp2mi", "iom-indonesia", "kemlu-pwni")),
    Svc.PSYCHOSOCIAL: (("uptd-ppa-ntt", "lsm-sahabat-migran"), ("iom-indonesia",)),
    Svc.LEGAL_AID: (("lsm-sahabat-migran",), ("iom-indonesia",)),
    Svc.FAMILY_TRACING: (("dinsos-ntt", "lsm-sahabat-migran"), ("kp2mi", "iom-indonesia")),
    Svc.FAMILY_REUNIFICATION: (("dinsos-ntt",), ("kp2mi", "iom-indonesia")),
    Svc.LIVELIHOOD: (("dinsos-ntt", "lsm-sahabat-migran"), ("iom-indonesia",)),
    Svc.EDUCATION: (("dinsos-ntt",), ("iom-indonesia",)),
}
ABROAD_PROVIDER = {"KH": "kbri-phnom-penh"}  # else the foreign ministry stands for the embassy

# Services started on entering a stage: (type, probability, shortest and longest duration in days).
STAGE_SERVICES: dict[str, tuple[tuple[str, float, int, int], ...]] = {
    "protected": ((Svc.SHELTER, 0.9, 10, 60), (Svc.MEDICAL, 0.5, 1, 14), (Svc.INTERPRETATION, 0.2, 1, 5)),
    "documented": ((Svc.TRAVEL_DOCUMENT, 1.0, 1, 7),),
    "repatriated": ((Svc.REPATRIATION, 1.0, 1, 5),),
    "received": ((Svc.SHELTER, 0.4, 5, 30), (Svc.FAMILY_TRACING, 0.3, 2, 20)),
    "recovering": ((Svc.PSYCHOSOCIAL, 0.85, 30, 120), (Svc.MEDICAL, 0.4, 7, 30), (Svc.LEGAL_AID, 0.35, 30, 180)),
    "reintegrated": ((Svc.FAMILY_REUNIFICATION, 0.7, 1, 3), (Svc.LIVELIHOOD, 0.5, 60, 180),
                     (Svc.EDUCATION, 0.15, 90, 300)),
}

SCENARIO_LABELS = {"online_scam": "Penipuan daring (online scam)", "domestic_work": "Pekerja rumah tangga migran",
                   "plantation": "Buruh perkebunan", "fishing": "Awak kapal perikanan",
                   "sexual": "Eksploitasi seksual", "domestic_labour": "Kerja paksa dalam negeri"}

NOTES = {
    "reported": ("Keluarga dihubungi melalui kepala desa; ibu korban minta kabar berkala.",
                 "Nomor perekrut yang diberikan keluarga sudah tidak aktif.",
                 "Tangkapan layar percakapan dengan perekrut disimpan keluarga; diminta dikirim ke petugas."),
    "located": ("Lokasi dikonfirmasi mitra kepolisian setempat; korban bersama beberapa WNI lain.",
                "Korban bisa dihubungi lewat WhatsApp pada malam hari saja."),
    "protected": ("Korban ditempatkan di rumah aman; kondisi fisik lemah, perlu pemeriksaan kesehatan.",
                  "Korban bersedia memberi keterangan kepada penyidik setelah didampingi pendamping."),
    "received": ("Dijemput di bandara dan diserahterimakan kepada dinas provinsi asal.",
                 "Keluarga menjemput di kantor dinas; berita acara serah terima ditandatangani."),
    "recovering": ("Sesi konseling kedua; korban mulai bisa tidur dengan baik.",
                   "Korban ingin kembali bersekolah/kursus menjahit; dibicarakan dengan dinas sosial."),
    "reintegrated": ("Kunjungan rumah: korban sudah bekerja membantu usaha keluarga.",
                     "Pemantauan tiga bulan: kondisi baik, tidak ada tanda perekrutan ulang."),
}


def reported_days_ago(rng: random.Random) -> float:
    """How long ago a demo case was reported: most in the last year, some back to the 2022 scam-compound wave."""
    bucket = rng.random()
    if bucket < 0.12:
        return rng.uniform(0.5, 45)
    if bucket < 0.55:
        return rng.uniform(45, 300)
    return rng.uniform(300, 700) if bucket < 0.85 else rng.uniform(700, 1200)


# Some cases wait far longer in one stage than usual (a survivor not yet found, papers held up).
STALL_SHARE, STALL_FACTOR = 0.3, (2.0, 6.0)


_CUMULATIVE: dict[int, tuple[object, list, list]] = {}


def _cumulative(table) -> tuple[list, list]:
    # The generator draws millions of times from the same few tables: sum their weights once.
    cached = _CUMULATIVE.get(id(table))
    if cached is None or cached[0] is not table:
        items = list(table.items()) if isinstance(table, dict) else list(table)
        cached = (table, [k for k, _ in items], list(itertools.accumulate(v for _, v in items)))
        _CUMULATIVE[id(table)] = cached
    return cached[1], cached[2]


def weighted(rng: random.Random, table) -> str:
    """One key of ``table`` (a dict or (key, weight) pairs) by weight."""
    keys, cum = _cumulative(table)
    return rng.choices(keys, cum_weights=cum)[0]


_SCENARIO_TABLE = tuple((s, s.weight) for s in SCENARIOS)


def pick_scenario(rng: random.Random) -> Scenario:
    return weighted(rng, _SCENARIO_TABLE)


def pick_destination(rng: random.Random, scenario: Scenario) -> tuple[str, str]:
    dests = scenario.destinations
    country, _, cities = rng.choices(dests, weights=[d[1] for d in dests])[0]
    return country, rng.choice(cities)


def pick_some(rng: random.Random, values: tuple[str, ...], low: int, high: int) -> list[str]:
    if not values:
        return []
    return rng.sample(values, k=min(len(values), rng.randint(low, high)))


def salary_local(rng: random.Random, country: str) -> str:
    return {"SA": f"{rng.choice([1200, 1500, 1800])} riyal", "MY": f"RM{rng.choice([1200, 1500, 1800, 2000])}",
            "HK": f"HK${rng.choice([4800, 5100])}", "TW": f"NT${rng.choice([20000, 24000, 27000])}",
            "TH": f"{rng.choice([9000, 12000])} baht"}.get(country, f"Rp{rng.choice([2, 3, 4])} juta")


# -- what makes the analytics dashboards tell the field studies' story ------------------------------------
# How much slower (>1) or quicker (<1) than usual each lead agency moves a case into a stage: the embassies
# wait long for travel documents, the national police locate quickly, the NTT services are quick to
# receive survivors but slow to start recovery.
AGENCY_PACE: dict[str, dict[str, float]] = {
    "ncb-jakarta": {"located": 0.6, "identified": 0.8},
    "bareskrim-ppa-ppo": {"located": 0.8, "protected": 1.3},
    "kemlu-pwni": {"documented": 1.8, "repatriated": 1.4},
    "kbri-phnom-penh": {"documented": 1.2, "protected": 0.7},
    "kp2mi": {"repatriated": 0.8, "recovering": 1.5},
    "iom-indonesia": {"recovering": 0.7, "reintegrated": 0.8},
    "uptd-ppa-ntt": {"received": 0.7, "recovering": 1.6, "reintegrated": 1.3},
    "bp3mi-ntt": {"repatriated": 1.2, "recovering": 2.0},
    "lsm-sahabat-migran": {"recovering": 0.8, "reintegrated": 0.9},
}
# Provinces where everything after the return home takes longer (few shelters, long distances).
PROVINCE_PACE: dict[str, float] = {"53": 1.4, "64": 1.3, "52": 1.15, "32": 0.9, "33": 0.9, "35": 1.0, "12": 1.1}
AFTER_RETURN = ("received", "recovering", "reintegrated")


def pace(lead: str, province: str, stage: str) -> float:
    """How long this lead agency and the survivor's home province take to bring a case into ``stage``,
    relative to the usual (``DELAYS`` in the generator, the story's plan)."""
    factor = AGENCY_PACE.get(lead, {}).get(stage, 1.0)
    if stage in AFTER_RETURN:
        factor *= PROVINCE_PACE.get(province, 1.0)
    return factor


# The East Kalimantan finding, made visible: in one regency most survivors are handed over ("received") and
# then nothing more happens (no recovery, no reintegration).
STALL_AFTER_RECEIVED_REGENCY, STALL_AFTER_RECEIVED_SHARE = "53.03", 0.8

# Border agencies at the Malaysian border (Nunukan, Tarakan): they receive the survivors who come back by sea
# from Sabah and give them shelter before the journey home.
BORDER_RECEIVERS = {"Pelabuhan Tunon Taka, Nunukan": ("p4mi-nunukan", "uptd-ppa-nunukan"),
                    "Pelabuhan Malundung, Tarakan": ("p4mi-nunukan", "dinsos-tarakan")}
PORTS_SABAH = ("Pelabuhan Tunon Taka, Nunukan", "Pelabuhan Tunon Taka, Nunukan", "Pelabuhan Malundung, Tarakan")

# Referrals a lead agency sends when a case enters a stage: (stage, type, receiver when the case is abroad or
# at home; None: the type's usual receiver below). Receivers that answer late more often are in ``LATE_SHARE``.
STAGE_REFERRALS: tuple[tuple[str, str, float], ...] = (
    ("reported", "locate", 0.7), ("identified", "verify_citizenship", 0.5), ("protected", "shelter", 0.4),
    ("documented", "travel_document", 0.9), ("repatriated", "receive_at_port", 0.9),
    ("received", "psychosocial", 0.6), ("recovering", "reintegration", 0.5), ("identified", "investigate", 0.2),
)
REFERRAL_RECEIVERS: dict[str, tuple[str, ...]] = {
    "locate": ("ncb-jakarta", "kemlu-pwni"), "verify_citizenship": ("kemlu-pwni",),
    "shelter": ("iom-indonesia", "dinsos-ntt"), "travel_document": ("kemlu-pwni",),
    "receive_at_port": ("bp3mi-ntt", "kp2mi"), "psychosocial": ("iom-indonesia", "lsm-sahabat-migran"),
    "reintegration": ("dinsos-ntt", "lsm-sahabat-migran", "iom-indonesia"), "investigate": ("bareskrim-ppa-ppo",),
}
# Share of referrals each receiver acknowledges after its deadline (the rest in time), and of those never
# answered at all (they expire).
LATE_SHARE = {"kemlu-pwni": 0.35, "dinsos-ntt": 0.3, "bp3mi-ntt": 0.2, "uptd-ppa-nunukan": 0.4,
              "dinsos-tarakan": 0.3}
EXPIRE_SHARE = {"dinsos-ntt": 0.08, "uptd-ppa-nunukan": 0.1, "kemlu-pwni": 0.04}
