"""Realistic rows in the exchange format, for tests and the import benchmark.

Survivors from real sending regions (NTT, NTB, West/Central/East Java, North Sumatra, East Kalimantan),
exploited in online-scam compounds (Cambodia, Myanmar), on plantations (Malaysia), in domestic work (Saudi
Arabia, Malaysia) or sexually exploited at home and abroad, with dates in a consistent order.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
from typing import Any

from sinergi.cases.enums import Outcome, Stage

from .columns import BY_NAME, EXPORT_COLUMNS, MULTI_PICK, MULTI_TEXT, cas_status_for

SENDING_PROVINCES = {"53": 30, "52": 20, "32": 15, "33": 12, "35": 12, "12": 6, "64": 5}
FIRST = ["Siti", "Nur", "Dewi", "Sri", "Maria", "Yohana", "Rina", "Wahyu", "Agus", "Budi", "Yosef", "Fransiska",
         "Ani", "Lestari", "Rizki", "Muhammad", "Ahmad", "Putri", "Ayu", "Kadek", "Made", "Ketut", "Yuliana",
         "Mochamad", "Fatimah", "Dian", "Indah", "Eko", "Joko", "Rosalina"]
LAST = ["Nurhaliza", "Rahayu", "Wulandari", "Pratama", "Saputra", "Lende", "Bria", "Tefa", "Manek", "Sinaga",
        "Siregar", "Hutapea", "Hidayat", "Setiawan", "Kurniawan", "Susanti", "Handayani", "Lestari", "Amalia",
        "Soekarno", "Tjahjono", "Djunaedi", "Laka", "Nenobais", "Bere", "Mau", "Fallo", "Hariyanto"]
# destination, weight, exploitation types, industry, cities
PATTERNS = [
    ("KH", 25, ["ForcedLabour"], "J_InformationAndCommunication", ["Sihanoukville", "Phnom Penh", "Bavet"]),
    ("MM", 8, ["ForcedLabour"], "J_InformationAndCommunication", ["Myawaddy", "Shwe Kokko"]),
    ("MY", 25, ["ForcedLabour"], "A_AgricultureForestryAndFishing", ["Tawau", "Sandakan", "Kota Kinabalu"]),
    ("SA", 12, ["ForcedLabour", "Servitude"], "T_ActivitiesOfHouseholdsAsEmployers", ["Riyadh", "Jeddah"]),
    ("MY", 10, ["ForcedLabour", "Servitude"], "T_ActivitiesOfHouseholdsAsEmployers", ["Kuala Lumpur", "Johor Bahru"]),
    ("ID", 12, ["SexualExploitation"], "", ["Batam", "Jakarta", "Surabaya", "Balikpapan"]),
    ("ID", 8, ["ForcedLabour", "ChildLabour"], "A_AgricultureForestryAndFishing", ["Nunukan", "Samarinda"]),
]
STAGES = [(Stage.REPORTED, 15), (Stage.LOCATED, 8), (Stage.IDENTIFIED, 12), (Stage.PROTECTED, 10),
          (Stage.DOCUMENTED, 6), (Stage.REPATRIATED, 6), (Stage.RECEIVED, 8), (Stage.RECOVERING, 12),
          (Stage.REINTEGRATED, 10), (Stage.CLOSED, 13)]
CONTROL = ["WithholdsDocuments", "DebtBondage", "FalsePromises", "PhysicalThreats", "TakesEarnings",
           "ExcessiveWorkingHours", "PsychologicalAbuse", "RestrictsFinancialAccess"]
RECRUITMENT = ["ThroughOnlineSocialNetworks", "ThroughFriendsOrSocialEvents", "ThroughFamilyOrFamilyEvents",
               "ThroughAnOnlineAdvertisement", "AtWork"]
APPS = ["Facebook", "WhatsApp", "Telegram", "TikTok", "Instagram"]


def sending_villages(per_province: int = 400) -> dict[str, list[str]]:
    """Real village codes of the sending provinces (from the loaded regions), by province."""
    from sinergi.regions.enums import Level
    from sinergi.regions.models import Region

    result = {}
    for prov in SENDING_PROVINCES:
        codes = list(Region.objects.filter(level=Level.VILLAGE, code__startswith=f"{prov}.")
                     .order_by("code").values_list("code", flat=True)[:per_province * 20:20])
        if codes:
            result[prov] = codes
    return result


def sample_rows(n: int, *, seed: int = 7, prefix: str = "EXT", today: dt.date | None = None,
                villages: dict[str, list[str]] | None = None) -> list[dict[str, Any]]:
    """``n`` valid rows as column -> value (text, or lists for multi-value columns)."""
    rnd = random.Random(seed)
    today = today or dt.date.today()
    villages = villages if villages is not None else sending_villages()
    provinces = [p for p in SENDING_PROVINCES if p in villages]
    prov_weights = [SENDING_PROVINCES[p] for p in provinces]
    stage_values, stage_weights = zip(*STAGES)
    pattern_weights = [p[1] for p in PATTERNS]
    rows = []
    for i in range(n):
        country, _, types, industry, cities = rnd.choices(PATTERNS, pattern_weights)[0]
        reported = today - dt.timedelta(days=rnd.randint(1, 4 * 365))
        started = reported - dt.timedelta(days=rnd.randint(20, 400))
        recruited = started - dt.timedelta(days=rnd.randint(5, 90))
        stage = rnd.choices(stage_values, stage_weights)[0]
        entered = min(today, reported + dt.timedelta(days=rnd.randint(0, 200))) if stage != Stage.REPORTED \
            else reported
        sex = rnd.choices(["Feminine", "Masculine", "NonSpecifiedUnknown"], [62, 36, 2])[0]
        status = rnd.choices(["", "PossibleVictimOfTrafficking", "ActualVictimOfTrafficking"], [25, 30, 45])[0]
        if stage == Stage.IDENTIFIED and not status:  # identifying someone is deciding their status
            status = "PossibleVictimOfTrafficking"
        row: dict[str, Any] = {
            "sng_ExternalId": f"{prefix}-{i:07d}",
            "sng_FullName": f"{rnd.choice(FIRST)} {rnd.choice(LAST)}",
            "sng_Aliases": [f"{rnd.choice(FIRST)} {rnd.choice(LAST)}"] if rnd.random() < 0.2 else [],
            "prs_Gender": sex,
            "prs_Birthdate": "",
            "sng_EstimatedAge": "",
            "prs_Citizenship": "ID",
            "prs_Deceased": "false",
            "sng_OriginVillage": rnd.choice(villages[rnd.choices(provinces, prov_weights)[0]]) if provinces else "",
            "sng_ReportedOn": reported.isoformat(),
            "sng_Stage": str(stage),
            "sng_StageEnteredOn": entered.isoformat(),
            "sng_Outcome": rnd.choice([Outcome.REINTEGRATED, Outcome.DECLINED_HELP, Outcome.LOST_CONTACT])
            if stage == Stage.CLOSED else "",
            "cas_Status": cas_status_for(stage),
            "vic_TraffickingStatus": status,
            "vic_TraffickingStatusDecisionMakingOrg": rnd.choice(["Police", "NGO", "NonPoliceGovernmentalOrganization"])
            if status else "",
            "sng_TraffickingStatusDecidedOn": entered.isoformat() if status else "",
            "vic_TypeOfExploitation": list(types),
            "vic_TypeOfSexExploitation": ["Prostitution"] if "SexualExploitation" in types else [],
            "vic_ForcedLabourIndustry": industry,
            "vic_MethodsOfControl": rnd.sample(CONTROL, rnd.randint(1, 3)),
            "vic_MethodOfRecruitment": [rnd.choice(RECRUITMENT)],
            "vic_RecruitmentWebsitesAndApps": rnd.sample(APPS, rnd.randint(0, 2)),
            "vic_ExploitationWebsitesAndApps": [],
            "vic_RelationshipToTrafficker": rnd.choice(["Acquainted", "Unaquainted", "Familial", ""]),
            "sng_RecruitedOn": recruited.isoformat(),
            "hte_Country": country,
            "hte_City": rnd.choice(cities),
            "hte_Date": started.isoformat(),
            "sng_ExploitationEndedOn": (started + dt.timedelta(days=rnd.randint(10, 300))).isoformat()
            if rnd.random() < 0.5 and started + dt.timedelta(days=310) < today else "",
            "sng_Summary": "",
        }
        if rnd.random() < 0.5:
            row["prs_Birthdate"] = (reported - dt.timedelta(days=rnd.randint(16 * 365, 45 * 365))).isoformat()
        else:
            row["sng_EstimatedAge"] = str(rnd.randint(16, 45))
        rows.append(row)
    return rows


def to_csv(rows: list[dict[str, Any]], columns: tuple[str, ...] = EXPORT_COLUMNS, delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(columns)
    multi = {c for c in columns if c in BY_NAME and BY_NAME[c].kind in (MULTI_PICK, MULTI_TEXT)}
    for row in rows:
        writer.writerow([";".join(row.get(c) or []) if c in multi else row.get(c, "") for c in columns])
    return buffer.getvalue().encode("utf-8")


def to_json(rows: list[dict[str, Any]]) -> bytes:
    return ("[\n" + ",\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n]\n").encode("utf-8")
