"""Country names as people here say them: ISO 3166 through pycountry, with the Indonesian names that its
translation gets wrong or leaves in English set right (Taiwan is "Taiwan", China is "Tiongkok", Laos is "Laos")."""

from __future__ import annotations

import gettext

import pycountry

# Indonesian names where pycountry's translation is a formal or disputed long form, or missing.
INDONESIAN = {
    "TW": "Taiwan", "CN": "Tiongkok", "HK": "Hong Kong", "MO": "Makau", "LA": "Laos", "KR": "Korea Selatan",
    "KP": "Korea Utara", "VN": "Vietnam", "TL": "Timor Leste", "BN": "Brunei Darussalam", "RU": "Rusia",
    "IR": "Iran", "SY": "Suriah", "BO": "Bolivia", "VE": "Venezuela", "MD": "Moldova", "PS": "Palestina",
    "TZ": "Tanzania", "CZ": "Ceko", "ET": "Etiopia", "CV": "Tanjung Verde", "CG": "Kongo",
    "CD": "Republik Demokratik Kongo", "GB": "Inggris", "US": "Amerika Serikat", "DK": "Denmark",
    "NZ": "Selandia Baru", "PH": "Filipina", "SA": "Arab Saudi", "AE": "Uni Emirat Arab", "TR": "Turki",
    "EG": "Mesir", "MA": "Maroko", "JO": "Yordania", "LB": "Lebanon", "IQ": "Irak", "KW": "Kuwait",
    "SG": "Singapura", "JP": "Jepang", "NL": "Belanda", "DE": "Jerman", "FR": "Prancis", "ES": "Spanyol",
    "IT": "Italia", "GR": "Yunani", "CH": "Swiss", "SE": "Swedia", "NO": "Norwegia", "FI": "Finlandia",
    "PL": "Polandia", "HU": "Hungaria", "IN": "India", "PK": "Pakistan", "BD": "Bangladesh", "LK": "Sri Lanka",
    "NP": "Nepal", "MM": "Myanmar", "KH": "Kamboja", "TH": "Thailand", "MY": "Malaysia", "AU": "Australia",
    "PG": "Papua Nugini", "FJ": "Fiji", "ZA": "Afrika Selatan", "MV": "Maladewa",
}
# English names where pycountry has no common name and its formal one reads oddly on a page.
ENGLISH = {"TW": "Taiwan", "KR": "South Korea", "KP": "North Korea", "LA": "Laos", "VN": "Vietnam",
           "RU": "Russia", "SY": "Syria", "IR": "Iran", "BO": "Bolivia", "VE": "Venezuela", "MD": "Moldova",
           "TZ": "Tanzania", "PS": "Palestine", "BN": "Brunei", "CD": "DR Congo", "MO": "Macau"}


def country_names() -> dict[str, tuple[str, str]]:
    """Alpha-2 code -> (English name, Indonesian name) for every ISO 3166-1 country."""
    try:
        tr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["id"])
    except OSError:
        tr = gettext.NullTranslations()
    names = {}
    for c in pycountry.countries:
        english = ENGLISH.get(c.alpha_2) or getattr(c, "common_name", None) or c.name
        names[c.alpha_2] = (english, INDONESIAN.get(c.alpha_2) or tr.gettext(c.name))
    return names
