"""Synthetic lists of Indonesian person records with known truth, for tests and benchmarks of the linkage.

A population of persons is drawn (names from the shipped name-token dictionary with a realistic skew: Siti,
Sri, Nur, Muhammad are common), and each person is written down by one or more agencies' lists (police,
embassy, shelter, NGO, hotline, public door, placement registry) the way real lists differ: old spelling,
Muhammad in its many forms, titles, typos, given and family name swapped, a name dropped, capitals without
spaces (foreign police), an estimated age instead of the date of birth, day and month swapped, dates in several
formats, phone numbers with and without the country code, village codes coarsened or missing. Everything is
drawn from one seeded ``random.Random``: the same seed gives the same lists.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from .normalise import KNOWN_TOKENS

_COMMON_FEMALE = ["siti", "sri", "nur", "dewi", "putri", "rina", "wahyuni", "lestari", "maria", "fitri", "ayu",
                  "dwi", "tri", "yuni", "rahayu"]
_COMMON_MALE = ["muhammad", "ahmad", "agus", "budi", "eko", "nur", "dwi", "joko", "yohanes", "rizki", "abdul",
                "wahyu", "hendra", "andi", "bambang"]
_WEIGHTS_COMMON = [30, 20, 14, 8, 6, 5, 5, 5, 4, 4, 4, 4, 3, 3, 3]
_SOURCES = ["police", "embassy", "shelter", "ngo", "hotline", "public", "registry", "foreign_police"]
_SOURCE_WEIGHTS = [18, 14, 14, 16, 12, 6, 14, 6]
_PROVINCES = ["33", "35", "32", "53", "52", "73", "12", "36"]
_MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
           "November", "Desember"]
_MUHAMMAD = ["Muhammad", "Muhamad", "Mohammad", "Mochamad", "Mohamad", "Moh.", "M.", "Muhammed", "Mochammad"]
_TITLES_F = ["Ibu", "Hj.", "Sdri."]
_TITLES_M = ["Bapak", "H.", "Sdr.", "Haji"]
_DEGREES = [", S.Pd.", ", S.H.", ", S.E.", " S.Pd"]


@dataclass(frozen=True)
class Person:
    pid: int
    tokens: tuple[str, ...]
    sex: str
    dob: tuple[int, int, int]
    village: str
    passport: str | None
    phone: str | None


def _old_spelling(token: str, rng: random.Random) -> str:
    """Write a modern token as the pre-1972 spelling would (only where it differs)."""
    t = token
    out = t.replace("u", "oe") if rng.random() < 0.8 else t
    out = out.replace("j", "dj").replace("y", "j").replace("c", "tj").replace("kh", "ch")
    out = out.replace("sj", "sj")
    return out


def _typo(token: str, rng: random.Random) -> str:
    if len(token) < 4:
        return token
    i = rng.randrange(1, len(token) - 1)
    kind = rng.random()
    if kind < 0.35:
        return token[:i] + token[i + 1:]
    if kind < 0.7:
        return token[:i] + rng.choice("aeiounrstk") + token[i + 1:]
    return token[:i - 1] + token[i] + token[i - 1] + token[i + 1:]


class Population:
    def __init__(self, seed: int = 1, as_of_year: int = 2026):
        self.rng = random.Random(seed)
        self.as_of_year = as_of_year
        vocabulary = sorted(KNOWN_TOKENS - set(_COMMON_FEMALE) - set(_COMMON_MALE))
        self.rng.shuffle(vocabulary)
        self.vocabulary = vocabulary
        # Zipf-like weights over the rest of the vocabulary: a few names are frequent, most are rare.
        self.vocab_weights = [1.0 / (rank + 10) for rank in range(len(vocabulary))]
        self._cum = None

    def _token(self) -> str:
        return self.rng.choices(self.vocabulary, weights=self.vocab_weights)[0]

    def person(self, pid: int) -> Person:
        rng = self.rng
        sex = "f" if rng.random() < 0.62 else "m"  # most identified victims are women
        n = rng.choices([1, 2, 3], weights=[15, 60, 25])[0]
        tokens: list[str] = []
        if rng.random() < 0.45:
            common = _COMMON_FEMALE if sex == "f" else _COMMON_MALE
            tokens.append(rng.choices(common, weights=_WEIGHTS_COMMON)[0])
        while len(tokens) < n:
            t = self._token()
            if t not in tokens:
                tokens.append(t)
        year = rng.randint(1965, 2009)
        dob = (year, rng.randint(1, 12), rng.randint(1, 28))
        province = rng.choices(_PROVINCES, weights=[20, 20, 18, 14, 10, 8, 6, 4])[0]
        village = (f"{province}.{rng.randint(1, 25):02d}.{rng.randint(1, 20):02d}."
                   f"{rng.choice('12')}{rng.randint(1, 30):03d}")
        passport = f"{rng.choice('BCEX')}{rng.randint(0, 9999999):07d}" if rng.random() < 0.45 else None
        phone = f"08{rng.choice('1235789')}{rng.randint(0, 10**9 - 1):09d}" if rng.random() < 0.7 else None
        return Person(pid, tuple(tokens), sex, dob, village, passport, phone)

    def record(self, person: Person, source: str) -> dict[str, str]:
        rng = self.rng
        tokens = [t.capitalize() for t in person.tokens]
        if rng.random() < 0.15:
            tokens = [_old_spelling(t.lower(), rng).capitalize() for t in tokens]
        tokens = [rng.choice(_MUHAMMAD) if t == "Muhammad" else t for t in tokens]
        if len(tokens) > 1 and rng.random() < 0.2:
            tokens = tokens[1:] + tokens[:1]  # family name first
        if len(tokens) > 1 and rng.random() < 0.08:
            tokens.pop(rng.randrange(len(tokens)))  # known by one name on this list
        if rng.random() < 0.12:
            j = rng.randrange(len(tokens))
            tokens[j] = _typo(tokens[j], rng)
        name = " ".join(tokens)
        if source == "foreign_police" and rng.random() < 0.7:
            name = "".join(tokens).upper()
        elif rng.random() < 0.08:
            name = f"{rng.choice(_TITLES_F if person.sex == 'f' else _TITLES_M)} {name}"
        elif rng.random() < 0.03:
            name += rng.choice(_DEGREES)
        if rng.random() < 0.04 and source != "foreign_police":
            name = name.upper()

        y, m, d = person.dob
        dob, age = "", ""
        r = rng.random()
        if r < 0.22 or source in ("hotline", "public") and r < 0.6:
            actual = self.as_of_year - y - rng.randint(0, 3)
            guess = max(1, actual + rng.randint(-2, 2))
            age = rng.choice([str(guess), f"sekitar {guess}", f"{guess} tahun", f"{guess - 2}-{guess + 3}"])
        elif r < 0.32:
            pass  # not known on this list
        else:
            if rng.random() < 0.05 and d <= 12:
                m, d = d, m  # day and month swapped
            if rng.random() < 0.03:
                d = min(28, max(1, d + rng.choice([-1, 1, 10, -10])))
            style = rng.random()
            if style < 0.5:
                dob = f"{y:04d}-{m:02d}-{d:02d}"
            elif style < 0.85:
                dob = f"{d:02d}/{m:02d}/{y:04d}"
            else:
                dob = f"{d} {_MONTHS[m - 1]} {y}"

        sex = person.sex if rng.random() > 0.06 else ""
        if sex and rng.random() < 0.01:
            sex = "m" if sex == "f" else "f"
        sex = {"f": rng.choice(["P", "Perempuan", "F"]), "m": rng.choice(["L", "Laki-laki", "M"])}.get(sex, "")

        village = person.village
        r = rng.random()
        if r < 0.18:
            village = ""
        elif r < 0.28:
            village = village[: rng.choice([5, 8])]  # only the regency or the district is known
        elif r < 0.32:
            village = village[:-3] + f"{rng.randint(1, 30):03d}"  # a neighbouring village
        elif r < 0.5:
            village = village.replace(".", "")

        passport = ""
        if person.passport and source in ("police", "embassy", "registry", "foreign_police") and rng.random() < 0.8:
            passport = person.passport if rng.random() > 0.02 else _typo(person.passport, rng)
        phone = ""
        if person.phone and rng.random() < 0.55:
            p = person.phone if rng.random() > 0.02 else _typo(person.phone, rng)
            phone = rng.choice([p, "+62" + p[1:], f"{p[:4]}-{p[4:8]}-{p[8:]}", "62 " + p[1:]])
        return {"source": source, "full_name": name, "sex": sex, "date_of_birth": dob, "age_estimate": age,
                "origin_village": village, "passport": passport, "phone": phone}


def generate(n_records: int, *, seed: int = 1, as_of_year: int = 2026) -> tuple[list[dict], dict[str, int]]:
    """About ``n_records`` records and the truth (record_id → person id). Each person appears on one to five
    lists (most on one or two); now and then twice on the same list."""
    pop = Population(seed, as_of_year)
    rng = pop.rng
    rows: list[dict] = []
    truth: dict[str, int] = {}
    pid = 0
    while len(rows) < n_records:
        pid += 1
        person = pop.person(pid)
        k = rng.choices([1, 2, 3, 4, 5], weights=[45, 30, 15, 7, 3])[0]
        sources = set()
        while len(sources) < k:
            sources.add(rng.choices(_SOURCES, weights=_SOURCE_WEIGHTS)[0])
        lists = sorted(sources)
        if rng.random() < 0.04:
            lists.append(lists[0])  # the same list holds the person twice
        for source in lists:
            if len(rows) >= n_records:
                break
            record = pop.record(person, source)
            rid = f"r{len(rows) + 1:07d}"
            record["record_id"] = rid
            rows.append(record)
            truth[rid] = pid
    order = list(range(len(rows)))
    rng.shuffle(order)  # records of one person are not next to each other
    return [rows[i] for i in order], truth
