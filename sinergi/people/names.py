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

# The old (pre-1972) spelling, then its j for today's y (Jusuf/Yusuf, Rijadi/Riyadi, Tjahjo/Cahyo); "dj" was
# today's "j", which folds the same way, so Djoko, Joko and Yoko share a key.
_OLD_SPELLING = [("oe", "u"), ("dj", "j"), ("tj", "c"), ("sj", "sy"), ("nj", "ny"), ("ch", "kh"), ("j", "y")]
_DIGRAPHS = [("kh", "h"), ("ph", "f"), ("th", "t"), ("dh", "d"), ("sy", "s"), ("q", "k"), ("x", "ks"),
             ("z", "s"), ("v", "f"), ("ie", "i")]
_VOWELS = set("aeiou")


def tokens(name: str) -> list[str]:
    text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().lower()
    return [t for t in re.split(r"[^a-z]+", text) if t]


def form(token: str) -> str:
    """The token in today's spelling (the old spelling folded), as typed otherwise: what a prefix is matched
    against, so that "Siti" does not find "Setiawan" although their keys begin alike."""
    t = token
    for a, b in _OLD_SPELLING:
        t = t.replace(a, b)
    return t[:40]


def key(token: str) -> str:
    t = form(token).replace("hj", "hy")
    for a, b in _DIGRAPHS:
        t = t.replace(a, b)
    if len(t) > 2 and t.endswith("h"):
        t = t[:-1]
    # y before a vowel is a consonant (Setyo, Wahyu, Yusuf: "Siti" and "Setyo" differ); elsewhere a vowel
    # (Rizki/Rezky).
    t = re.sub(r"y(?![aeiou])", "i", t)
    first = t[0]
    if first in _VOWELS:
        first = "a"  # Ikhsan/Ihsan/Ehsan, Usman/Osman: initial vowels vary too
    rest = [c for c in t[1:] if c not in _VOWELS]
    out = [first]
    for c in rest:
        if c != out[-1]:
            out.append(c)
    return "".join(out)[:40]


def entries_for(*names: str) -> set[tuple[str, str]]:
    """(key, form) of every token of at least two letters of the given names: the rows of ``NameKey``."""
    return {(key(tok), form(tok)) for name in names for tok in tokens(name) if len(tok) >= 2}


def keys_for(*names: str) -> set[str]:
    """Every key of every token of the given names (full name and aliases)."""
    return {k for k, _ in entries_for(*names)}


def query_keys(query: str) -> list[str]:
    return [key(t) for t in tokens(query) if len(t) >= 2]


def query_terms(query: str) -> list[tuple[str, str]]:
    """(key, form) of each word of a search, in order."""
    return [(key(t), form(t)) for t in tokens(query) if len(t) >= 2]
