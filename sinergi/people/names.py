"""Spelling-tolerant name keys for Indonesian (and other) names.

Indonesian names are written in several ways: the old (pre-1972) spelling (Soekarno/Sukarno,
Djoko/Joko, Tjahjo/Cahyo), doubled consonants (Muhammad/Muhamad), Arabic-derived variants
(Mochamad/Muhamad, Khairul/Hairul, Rizki/Rezky/Riski) and a silent final h (Fatimah/Fatima). A key keeps the
first letter and the consonant skeleton after normalising those variants, so each spelling above gives the
same key. Keys are stored one row per name token (``people.NameKey``) and matched with an index.
"""

from __future__ import annotations

import re
import unicodedata

_OLD_SPELLING = [("oe", "u"), ("dj", "j"), ("tj", "c"), ("sj", "sy"), ("nj", "ny"), ("ch", "kh")]
_DIGRAPHS = [("kh", "h"), ("ph", "f"), ("th", "t"), ("dh", "d"), ("sy", "s"), ("q", "k"), ("x", "ks"),
             ("z", "s"), ("v", "f"), ("ie", "i")]
_VOWELS = set("aeiouy")


def tokens(name: str) -> list[str]:
    text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().lower()
    return [t for t in re.split(r"[^a-z]+", text) if t]


def key(token: str) -> str:
    t = token
    old = any(a in t for a, _ in _OLD_SPELLING)
    for a, b in _OLD_SPELLING:
        t = t.replace(a, b)
    if old:
        # In the old spelling a plain j was today's y (Soejono/Suyono, Tjahjo/Cahyo).
        t = re.sub(r"(?<!^)j", "y", t) if not token.startswith("dj") else t[0] + t[1:].replace("j", "y")
    t = t.replace("hj", "hy")  # Wahju/Wahyu
    for a, b in _DIGRAPHS:
        t = t.replace(a, b)
    if len(t) > 2 and t.endswith("h"):
        t = t[:-1]
    first = t[0]
    if first in _VOWELS:
        first = "a"  # Ikhsan/Ihsan/Ehsan, Usman/Osman: initial vowels vary too
    rest = [c for c in t[1:] if c not in _VOWELS]
    out = [first]
    for c in rest:
        if c != out[-1]:
            out.append(c)
    return "".join(out)[:40]


def keys_for(*names: str) -> set[str]:
    """Every key of every token of the given names (full name and aliases)."""
    result: set[str] = set()
    for name in names:
        for tok in tokens(name):
            if len(tok) >= 2:
                result.add(key(tok))
    return result


def query_keys(query: str) -> list[str]:
    return [key(t) for t in tokens(query) if len(t) >= 2]
