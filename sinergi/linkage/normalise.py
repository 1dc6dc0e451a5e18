"""Indonesian names, dates and identifiers brought to one canonical form for record linkage.

A name becomes a *set* of canonical tokens, so that given and family name in either order, one or two names, old
or new spelling and the many ways of writing Muhammad all meet:

- titles and honorifics are dropped (Bapak, Ibu, H., Hj., Haji, Dr., Ir., Drs., and degrees after a comma such as
  S.Pd., S.H., M.M.); ``bin``/``binti`` is dropped, the father's name kept (it is part of how the person is known);
- the old (pre-1972) spelling becomes the new one: oe→u, dj→j, tj→c, sj→sy, nj→ny, ch→kh (Chairul/Khairul;
  Chandra, Christina and other Western names keep their c/k), and a plain j of the old spelling becomes y
  (Jusuf/Yusuf, Rijadi/Riyadi) when the token shows the old spelling elsewhere or only its y-form is a known name,
  so a modern j stays (Joko, Jaya, Juwita);
- letters that vary without changing the name meet: kh/h, ph/f, th/t, dh/d, dz/z, q/k, v/f, x/ks, doubled letters,
  a final h after a vowel (Fatimah/Fatima), a final y after a consonant (Rizky/Rizki);
- known families of spellings get one form (Muhammad, Mohammad, Muhamad, Mochamad, Moh., M., Muhammed...; Ahmad,
  Achmad, Akhmad; Rizki, Rezky, Riski; Nur, Noor);
- names written together in capitals, as some foreign police records do (SITINURHAYATI), are split back into
  known name tokens where the whole run splits into known names.

The canonical form is for comparing only, never for display. Dates: several written forms, day and month
swapped, ages estimated instead of dates of birth (a range of birth years). Every function here is pure, so the
same code prepares a whole file, one record at intake, or a partition on Spark.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

_DATA = Path(__file__).resolve().parent / "data"


def _load_tokens() -> frozenset[str]:
    lines = (_DATA / "name_tokens.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


#: Known name tokens in their usual written (modern) forms.
KNOWN_TOKENS: frozenset[str] = _load_tokens()

# Honorifics and titles before a name (dotted or not). "h" and "m" only count when more of the name follows.
_PREFIX_TITLES = frozenset(
    "bapak bpk pak ibu bu sdr sdri saudara saudari tuan tn nyonya ny nona nn haji hajjah hajah hj h dr drs dra ir "
    "prof kh ust ustadz ustaz ustadzah ir dr drg raden rd mas mbak kak".split()
)
# Academic and professional degrees written after the name (Indonesian custom: "Budi, S.Pd., M.M.").
_DEGREES = frozenset(
    "spd sh se st skom sag ssos sip skm sked sfarm ssi sp spsi mm msi mpd mh mkes mt mag ma msc phd amd amk "
    "apt mba llm bsc ba".split()
)
_PATRONYMIC = frozenset({"bin", "binti", "bt", "bte", "binte"})

# Whole tokens whose c/ch/k is not the Arabic kh and must not be rewritten (checked before any rule).
_KEEP = {"chandra": "candra", "chandrawati": "candrawati", "charles": "carles", "christina": "kristina",
         "christine": "kristin", "christian": "kristian", "christianus": "kristianus", "michael": "mikael",
         "richard": "rikard", "chris": "kris", "charlie": "carli"}

# Families of spellings of one name, keyed by their canonical form (after the letter rules below).
_FAMILIES = {
    "muhamad": ("muhamad", "mohamad", "muhamed", "mohamed", "muhamat", "mohamat", "mukhamad", "muhamd", "mhd",
                "muh", "moh", "mohd", "muhd", "md", "mochd"),
    "ahmad": ("ahmad", "ahmat", "ahmed", "ahmd"),
    "rizki": ("rizki", "rezki", "riski", "reski", "rizky", "riskii"),
    "nur": ("nur", "nor", "nurr"),
    "yusuf": ("yusuf", "yusup"),
    "abdul": ("abdul", "abd", "abdoel"),
    "siti": ("siti",),
}
_FAMILY_OF = {variant: canonical for canonical, variants in _FAMILIES.items() for variant in variants}

# nj is left to the j rule below: the old spelling's nj is today's ny (Njoman), but a modern nj is n + j
# (Tanjung, Panjaitan; the old spelling wrote those Tandjung, Pandjaitan).
_OLD_SPELLING = re.compile(r"oe|dj|tj|sj|hj")
_OLD_MAP = {"oe": "u", "dj": "J", "tj": "c", "sj": "sy", "hj": "hy"}  # J marks a j that came from dj
_VOWELS = frozenset("aeiou")


def ascii_lower(text: str) -> str:
    return unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()


def _modernise(token: str) -> tuple[str, bool]:
    """Old-spelling digraphs to the new spelling; the second value says whether any was found."""
    found = False

    def swap(m: re.Match) -> str:
        nonlocal found
        found = True
        return _OLD_MAP[m.group(0)]

    return _OLD_SPELLING.sub(swap, token), found


@lru_cache(maxsize=200_000)
def canonical_token(token: str) -> str:
    """One lower-case ASCII token (no spaces) to its canonical form."""
    t = ascii_lower(token)
    t = re.sub(r"[^a-z]", "", t)
    if not t:
        return ""
    if t in _KEEP:
        t = _KEEP[t]
    t, old = _modernise(t)
    if "ch" in t:
        t = t.replace("ch", "kh")  # Chairul/Khairul, Achmad/Akhmad, Mochamad/Mokhamad
        old = True
    if "j" in t:
        y_form = t.replace("nj", "ny").replace("j", "y").lower()
        # The old spelling's j is today's y. Without other signs of the old spelling, only convert when the
        # y-form is a known name and the j-form is not (Jusuf, Rijadi), so that Joko and Jaya keep their j.
        if old or (y_form in KNOWN_TOKENS and t.lower() not in KNOWN_TOKENS):
            t = t.replace("nj", "ny").replace("j", "y")
    t = t.replace("J", "j")
    for a, b in (("kh", "h"), ("ph", "f"), ("th", "t"), ("dh", "d"), ("dz", "z"), ("q", "k"), ("v", "f"),
                 ("x", "ks")):
        t = t.replace(a, b)
    t = re.sub(r"(.)\1+", r"\1", t)  # Muhammad/Muhamad, Sitti/Siti, Hasanuddin/Hasanudin
    if len(t) > 3 and t.endswith("h") and t[-2] in _VOWELS:
        t = t[:-1]  # Fatimah/Fatima, Aisyah/Aisya
    if len(t) > 3 and t.endswith("y") and t[-2] not in _VOWELS:
        t = t[:-1] + "i"  # Rizky/Rizki, Hendry/Hendri
    return _FAMILY_OF.get(t, t)


@lru_cache(maxsize=1)
def _canonical_known() -> frozenset[str]:
    return frozenset(canonical_token(t) for t in KNOWN_TOKENS) | frozenset(_FAMILY_OF)


def is_known(token: str) -> bool:
    return canonical_token(token) in _canonical_known()


MAX_RUN_TO_SPLIT = 48


@lru_cache(maxsize=100_000)
def split_run_together(token: str) -> tuple[str, ...]:
    """A long run of letters that is no known name, split into the fewest known names (``SITINURHAYATI`` →
    ``siti nurhayati``); the token unchanged when it is known or does not split into known names only."""
    t = ascii_lower(token)
    # Longer runs are not names written together (five long names make about 40 letters) and would cost the
    # square of their length: left as they are.
    if len(t) < 7 or len(t) > MAX_RUN_TO_SPLIT or is_known(t):
        return (t,)
    n = len(t)
    best: list[tuple[str, ...] | None] = [None] * (n + 1)
    best[0] = ()
    for end in range(3, n + 1):
        for start in range(0, end - 2):
            prefix = best[start]
            if prefix is None:
                continue
            piece = t[start:end]
            if is_known(piece):
                candidate = (*prefix, piece)
                current = best[end]
                # Fewest pieces, then the longest first piece (Nurhayati over Nur + Hayati).
                if current is None or len(candidate) < len(current):
                    best[end] = candidate
    result = best[n]
    return result if result and len(result) > 1 else (t,)


@dataclass(frozen=True)
class Name:
    tokens: tuple[str, ...]       # canonical tokens in written order (titles dropped)
    key: str                      # sorted unique tokens joined by a space: the token-set form

    @property
    def token_set(self) -> frozenset[str]:
        return frozenset(self.tokens)


_DEGREE_DOTTED = re.compile(
    r"\s([sma])\s*\.\s*(pd|h|e|t|kom|ag|sos|ip|km|ked|farm|si|p|psi|m|kes|md|a|sc|ba|hum|ds)\.?(?=(?:\s|$|,))")
_SPLIT = re.compile(r"[\s.,'`’\-_/()\"]+")


@lru_cache(maxsize=300_000)
def normalise_name(full_name: str | None) -> Name:
    """A written full name to its canonical tokens and token-set key (both empty when nothing is left)."""
    text = ascii_lower(full_name or "").strip()
    if not text:
        return Name((), "")
    # Degrees follow the first comma ("Budi Santoso, S.Pd., M.M."); keep what comes before when it has letters.
    head, sep, tail = text.partition(",")
    if sep and re.search(r"[a-z]", head):
        text = head
    text = text.replace("'", "").replace("’", "").replace("`", "")  # Ma'ruf/Maruf
    text = _DEGREE_DOTTED.sub(lambda m: " " + m.group(1) + m.group(2), text)  # "S.Pd", "M. Si" at the end
    raw = [t for t in _SPLIT.split(text) if t]
    words: list[str] = []
    for word in raw:
        words.extend(split_run_together(word) if len(word) >= 7 else (word,))
    # Leading honorifics; "m" and "h" only as a prefix of a longer name.
    while len(words) > 1 and words[0] in _PREFIX_TITLES:
        words = words[1:]
    while len(words) > 1 and words[-1] in _DEGREES:
        words = words[:-1]
    tokens: list[str] = []
    for i, word in enumerate(words):
        if word in _PATRONYMIC and 0 < i < len(words) - 1:
            continue
        if word == "m" and i == 0 and len(words) > 1:
            tokens.append("muhamad")  # "M. Rizki": M. is Muhammad
            continue
        if word == "st" and i == 0 and len(words) > 1:
            tokens.append("siti")  # "St. Aminah"
            continue
        c = canonical_token(word)
        if c:
            tokens.append(c)
    return Name(tuple(tokens), " ".join(sorted(set(tokens))))


# --- dates -----------------------------------------------------------------------------------------------------

_MONTHS = {
    "jan": 1, "januari": 1, "january": 1, "feb": 2, "februari": 2, "pebruari": 2, "february": 2, "mar": 3,
    "maret": 3, "march": 3, "apr": 4, "april": 4, "mei": 5, "may": 5, "jun": 6, "juni": 6, "june": 6, "jul": 7,
    "juli": 7, "july": 7, "agu": 8, "agt": 8, "ags": 8, "agustus": 8, "aug": 8, "august": 8, "sep": 9, "sept": 9,
    "september": 9, "okt": 10, "oktober": 10, "oct": 10, "october": 10, "nov": 11, "nop": 11, "november": 11,
    "nopember": 11, "des": 12, "desember": 12, "dec": 12, "december": 12,
}
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_WORDS = re.compile(r"^(\d{1,2})\s*[- ]?\s*([a-z]+)\.?\s*[- ]?\s*(\d{4})$")
_YEAR = re.compile(r"^(\d{4})$")


@dataclass(frozen=True)
class BirthDate:
    date: dt.date | None          # the full date, when one was written
    year: int | None              # the year, when only a year was written or from the date


def _valid(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


@lru_cache(maxsize=100_000)
def parse_birth_date(text: str | None) -> BirthDate | None:
    """A written date of birth to a date (or a year alone); ``None`` when empty.

    Accepts 1990-03-25, 25/03/1990, 25-03-1990, 25.03.1990, 19900325, 25 Maret 1990, 25 Mar 1990 and 1990. Days
    come first in Indonesian writing; a date that is only valid month-first (03/25/1990) is read month-first.
    Raises ``ValueError`` for anything else (including 31/02/1990 and years outside 1900..2100).
    """
    s = ascii_lower(text or "").strip()
    if not s:
        return None
    if m := _ISO.match(s):
        y, mo, d = (int(g) for g in m.groups())
        date = _valid(y, mo, d) or _valid(y, d, mo)
    elif m := _DMY.match(s):
        d, mo, y = (int(g) for g in m.groups())
        date = _valid(y, mo, d) or _valid(y, d, mo)
    elif m := _COMPACT.match(s):
        y, mo, d = (int(g) for g in m.groups())
        date = _valid(y, mo, d) or _valid(y, d, mo)
    elif m := _WORDS.match(s):
        mo = _MONTHS.get(m.group(2))
        date = _valid(int(m.group(3)), mo, int(m.group(1))) if mo else None
    elif m := _YEAR.match(s):
        year = int(m.group(1))
        if 1900 <= year <= 2100:
            return BirthDate(None, year)
        raise ValueError(text)
    else:
        raise ValueError(text)
    if date is None or not 1900 <= date.year <= 2100:
        raise ValueError(text)
    return BirthDate(date, date.year)


def day_month_swapped(date: dt.date | None) -> dt.date | None:
    """The date with day and month exchanged, when that is another valid date (3 April ↔ 4 March)."""
    if date is None or date.day > 12 or date.day == date.month:
        return None
    return _valid(date.year, date.day, date.month)


_AGE = re.compile(
    r"^(?:sekitar|kira-kira|kira kira|kurang lebih|kl|approx\.?|about|circa|ca\.?|c\.|[~±+-])?\s*"
    r"(\d{1,3})\s*(?:(?:-|–|—|s/d|sd|to|sampai)\s*(\d{1,3}))?\s*(an)?\s*(?:th|thn|tahun|tahunan|y|yr|yrs|years?)?"
    r"(?:\s*an)?\.?$"
)


@lru_cache(maxsize=10_000)
def parse_age(text: str | None) -> tuple[int, int] | None:
    """An estimated age (``25``, ``25 tahun``, ``sekitar 25``, ``25-30``, ``20an``) as (youngest, oldest) years;
    ``None`` when empty; ``ValueError`` when unreadable or above 120."""
    s = ascii_lower(text or "").strip()
    if not s:
        return None
    m = _AGE.match(s)
    if not m:
        raise ValueError(text)
    lo = int(m.group(1))
    hi = int(m.group(2)) if m.group(2) else lo
    if m.group(3):  # "20an": in the twenties
        hi = lo + 9
    if lo > hi:
        lo, hi = hi, lo
    if hi > 120:
        raise ValueError(text)
    return lo, hi


#: How far an estimated age is trusted either side (people guess ages)...
AGE_TOLERANCE_YEARS = 2
#: ...and how many years before ``as_of_year`` a list may have been written (an age is the age back then).
LIST_AGE_YEARS = 3


def birth_year_range(birth: BirthDate | None, age: tuple[int, int] | None, as_of_year: int
                     ) -> tuple[int | None, int | None]:
    """The earliest and latest plausible year of birth: the year itself from a date, else from an age estimate
    (an age of 25 in 2026 is a birth in 2000 or 2001, widened by ``AGE_TOLERANCE_YEARS`` either side and by
    ``LIST_AGE_YEARS`` into the past, as the age may have been written down a few years earlier)."""
    if birth is not None and birth.year is not None:
        return birth.year, birth.year
    if age is not None:
        lo, hi = age
        return (as_of_year - hi - 1 - AGE_TOLERANCE_YEARS - LIST_AGE_YEARS, as_of_year - lo + AGE_TOLERANCE_YEARS)
    return None, None


# --- other fields ----------------------------------------------------------------------------------------------

_FEMALE = frozenset("f female feminine perempuan p pr wanita w woman girl transgenderfeminine".split())
_MALE = frozenset("m male masculine laki-laki laki lakilaki l lk pria man boy transgendermasculine".split())


@lru_cache(maxsize=50_000)
def normalise_sex(text: str | None) -> str | None:
    """``f`` or ``m`` (HTCDS values, Indonesian and English words, their first letters); ``None`` otherwise."""
    s = ascii_lower(text or "").strip().replace(" ", "")
    if s in _FEMALE:
        return "f"
    if s in _MALE:
        return "m"
    return None


@lru_cache(maxsize=50_000)
def normalise_passport(text: str | None) -> str | None:
    s = re.sub(r"[^A-Z0-9]", "", ascii_lower(text or "").upper())
    return s if len(s) >= 5 else None


def normalise_phone(text: str | None) -> str | None:
    """Digits with Indonesia's country code: 0812-3456-789, +62 812 3456 789 and 62812... are one number."""
    s = re.sub(r"\D", "", text or "")
    if s.startswith("00"):
        s = s[2:]
    if s.startswith("0"):
        s = "62" + s[1:]
    return s if len(s) >= 8 else None


@dataclass(frozen=True)
class Place:
    code: str | None        # the code as given (digits only) or the written name
    district: str | None    # Kemendagri district code (6 digits), when the code reaches it
    regency: str | None     # regency/city code (4 digits)


@lru_cache(maxsize=50_000)
def normalise_village(text: str | None) -> Place:
    """A Kemendagri code (``33.74.10.1001`` or ``3374101001``; a district or regency code works too) to its
    levels; a place written as a name stays a name (compared exactly)."""
    s = (text or "").strip()
    if not s:
        return Place(None, None, None)
    digits = re.sub(r"[.\s\-]", "", s)
    if digits.isdigit():
        return Place(digits, digits[:6] if len(digits) >= 6 else None, digits[:4] if len(digits) >= 4 else None)
    name = " ".join(ascii_lower(s).split())
    return Place("n:" + name, None, None)
