"""The Cambodian partner's demo instance (``sinergi demo --instance kh``): Cambodia's counter-trafficking agencies
with English and Khmer names, one demo user per role, and a handful of cases of people found in online-scam
compounds. Created through the same services as Indonesia's demo; rerunning creates only what is missing.

Phone numbers and e-mail addresses are made up (``.example``).
"""

from __future__ import annotations

import datetime as dt
from typing import Callable

from django.db import transaction

from sinergi.agencies.enums import AgencyType as T
from sinergi.agencies.enums import Level as L
from sinergi.agencies.enums import Role
from sinergi.cases.models import Case
from sinergi.core import clock

from .agencies import AgencySpec, ContactSpec, OfficeSpec, UserSpec, demo_agencies_ensure, demo_users_ensure

LEAD_AGENCY = "ahtjp"
NCB = "ncb-phnom-penh"
HOURS = "Mon-Fri 08:00-17:00"
DUTY = "24-hour duty desk"

AGENCIES: tuple[AgencySpec, ...] = (
    AgencySpec(NCB, "Cambodian National Police - National Central Bureau INTERPOL Phnom Penh", "NCB Phnom Penh",
               T.POLICE, L.NATIONAL, country="KH",
               local_name="ការិយាល័យកណ្តាលជាតិអ៊ីនទែរប៉ូល ភ្នំពេញ",
               offices=(OfficeSpec("NCB Phnom Penh", country="KH", address="General Commissariat of National Police, "
                                   "Phnom Penh", phone="+855 23 000 201"),),
               contacts=(ContactSpec("I-24/7 desk", "Notices and messages between NCBs", "+855 23 000 202", DUTY),)),
    AgencySpec(LEAD_AGENCY, "Cambodian National Police - Anti-Human Trafficking and Juvenile Protection Department",
               "AHTJP Department", T.POLICE, L.NATIONAL, country="KH",
               local_name="នាយកដ្ឋានប្រឆាំងការជួញដូរមនុស្ស និងការពារអនីតិជន",
               offices=(OfficeSpec("AHTJP Department", country="KH", address="Phnom Penh", phone="+855 23 000 101"),),
               contacts=(ContactSpec("Duty officer", "Locate and rescue requests", "+855 23 000 102", DUTY),)),
    AgencySpec("mosvy", "Ministry of Social Affairs, Veterans and Youth Rehabilitation", "MoSVY",
               T.PROVINCIAL_SERVICE, L.NATIONAL, country="KH",
               local_name="ក្រសួងសង្គមកិច្ច អតីតយុទ្ធជន និងយុវនីតិសម្បទា",
               offices=(OfficeSpec("MoSVY", country="KH", address="Phnom Penh", phone="+855 23 000 301"),),
               contacts=(ContactSpec("Department of Anti-Human Trafficking and Reintegration",
                                     "Shelter, identification and return of victims", "+855 23 000 302", HOURS),)),
    AgencySpec("dosvy-preah-sihanouk", "Preah Sihanouk Provincial Department of Social Affairs, Veterans and Youth "
               "Rehabilitation", "DoSVY Preah Sihanouk", T.PROVINCIAL_SERVICE, L.PROVINCE, country="KH",
               parent="mosvy", local_name="មន្ទីរសង្គមកិច្ច អតីតយុទ្ធជន និងយុវនីតិសម្បទា ខេត្តព្រះសីហនុ",
               offices=(OfficeSpec("DoSVY Preah Sihanouk", country="KH", address="Sihanoukville",
                                   phone="+855 34 000 401"),),
               contacts=(ContactSpec("Victim reception", "Temporary shelter after a rescue", "+855 34 000 402",
                                     DUTY),)),
    AgencySpec("iom-cambodia", "International Organization for Migration (IOM) Cambodia", "IOM Cambodia",
               T.INTERNATIONAL_ORGANISATION, L.NATIONAL, country="KH",
               local_name="អង្គការអន្តរជាតិសម្រាប់ចំណាកស្រុក (IOM) កម្ពុជា",
               offices=(OfficeSpec("IOM Phnom Penh", country="KH", address="Phnom Penh", phone="+855 23 000 501"),),
               contacts=(ContactSpec("Counter-trafficking unit", "Direct assistance and return", "+855 23 000 502",
                                     HOURS),)),
    AgencySpec("ncct", "National Committee for Counter Trafficking", "NCCT", T.TASK_FORCE, L.NATIONAL, country="KH",
               local_name="គណៈកម្មាធិការជាតិប្រយុទ្ធប្រឆាំងការជួញដូរមនុស្ស",
               offices=(OfficeSpec("NCCT Secretariat", country="KH", address="Phnom Penh"),),
               contacts=(ContactSpec("Secretariat", "Coordination and reporting", "+855 23 000 601", HOURS),)),
)

# One user per role in the lead agency, then one person in each agency that acts on cases. Usernames start with
# "kh-" so that the two demos' logins are never confused.
USERS: tuple[UserSpec, ...] = (
    UserSpec("kh-intake", "Dara", "Sok", LEAD_AGENCY, Role.INTAKE_OFFICER, "en"),
    UserSpec("kh-manager", "Sophea", "Chan", LEAD_AGENCY, Role.CASE_MANAGER, "en"),
    UserSpec("kh-supervisor", "Rathana", "Keo", LEAD_AGENCY, Role.SUPERVISOR, "en"),
    UserSpec("kh-admin", "Vuthy", "Meas", LEAD_AGENCY, Role.AGENCY_ADMIN, "en"),
    UserSpec("kh-analyst", "Sreyneang", "Lim", LEAD_AGENCY, Role.ANALYST, "en"),
    UserSpec("kh-sysadmin", "Piseth", "Heng", LEAD_AGENCY, Role.SYSTEM_ADMIN, "en"),
    UserSpec("kh-ncb", "Sokha", "Chea", NCB, Role.SUPERVISOR, "en"),
    UserSpec("kh-mosvy", "Chanthou", "Ly", "mosvy", Role.SUPERVISOR, "en"),
    UserSpec("kh-dosvy", "Sothea", "Pich", "dosvy-preah-sihanouk", Role.SUPERVISOR, "en"),
    UserSpec("kh-iom", "Bopha", "Nget", "iom-cambodia", Role.SUPERVISOR, "en"),
    UserSpec("kh-ncct", "Sovann", "Touch", "ncct", Role.ANALYST, "en"),
)

# (external id, name, sex, age, citizenship, city, days ago, summary, located)
CASES = (
    ("kh-demo-1", "Rizky Pratama", "Masculine", 27, "ID", "Sihanoukville", 12,
     "Found during the police operation at a scam compound in Sihanoukville; says he was recruited in Indonesia "
     "for a customer-service job, passport taken on arrival.", True),
    ("kh-demo-2", "Srey Pov", "Feminine", 22, "KH", "Bavet", 30,
     "Escaped a compound in Bavet and reported to the provincial police; forced to run online romance scams "
     "14 hours a day.", True),
    ("kh-demo-3", "Nguyen Van Hai", "Masculine", 31, "VN", "Poipet", 5,
     "Family reported him held in a casino-hotel compound in Poipet; location being verified.", False),
)

Out = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


def kh_seed(*, out: Out = _quiet) -> int:
    """Countries, the Cambodian agencies and users, and the few demo cases that are missing. Returns the number
    of cases created. Indonesia's regions are not loaded: nothing on this instance needs them."""
    from sinergi.regions.models import Country
    from sinergi.regions.services import countries_load

    if not Country.objects.exists():
        out(f"  countries: {countries_load()}")
    agencies = demo_agencies_ensure(AGENCIES)
    users = demo_users_ensure(agencies, USERS)
    return _cases_ensure(agencies[LEAD_AGENCY], users["kh-manager"])


@transaction.atomic
def _cases_ensure(lead, actor) -> int:
    from sinergi.cases.services import case_open, case_transition
    from sinergi.people.services import person_create

    existing = set(Case.objects.filter(external_id__in=[c[0] for c in CASES]).values_list("external_id", flat=True))
    created = 0
    for external_id, name, sex, age, citizenship, city, days_ago, summary, located in CASES:
        if external_id in existing:
            continue
        person = person_create(actor=actor, agency_id=lead.pk, data={
            "full_name": name, "sex": sex, "estimated_age": age, "citizenship": citizenship})
        case = case_open(actor=actor, survivor=person, lead_agency_id=lead.pk,
                         reported_on=clock.today() - dt.timedelta(days=days_ago), external_id=external_id,
                         details={"country_of_exploitation": "KH", "city_of_exploitation": city,
                                  "exploitation_types": ["ForcedLabour"], "summary": summary})
        if located:
            case_transition(actor=actor, case=case, to_stage="located", note="Located by the AHTJP Department.")
        created += 1
    return created
