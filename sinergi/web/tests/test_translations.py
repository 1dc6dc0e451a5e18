"""Every string shown to users has an English translation, and the compiled catalogue matches its source."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]
PO = PACKAGE / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy"}
TEMPLATE_TAG = re.compile(r"""{%\s*(?:translate|trans)\s+(["'])(.+?)\1(?:\s+[^%]*)?%}""")


def _unquote(lines: list[str]) -> str:
    return "".join(ast.literal_eval(line) for line in lines)


def catalogue() -> list[dict]:
    """The entries of the .po file: msgid, plural, msgstr(s), flags (a small parser; no extra dependency)."""
    entries, entry, key = [], None, None
    for raw in PO.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            if entry is not None:
                entries.append(entry)
            entry, key = None, None
            continue
        if entry is None:
            entry = {"flags": set(), "parts": {}}
        if line.startswith("#,"):
            entry["flags"] |= {f.strip() for f in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry["parts"][key].append(line)
        else:
            key, _, value = line.partition(" ")
            entry["parts"][key] = [value]
    out = []
    for e in entries:
        parts = {k: _unquote(v) for k, v in e["parts"].items()}
        if "msgid" in parts and parts["msgid"]:
            out.append({"msgid": parts["msgid"], "plural": parts.get("msgid_plural"), "flags": e["flags"],
                        "msgstr": [v for k, v in sorted(parts.items()) if k.startswith("msgstr")]})
    return out


def source_strings() -> set[str]:
    """Literal strings passed to gettext in the code and to {% translate %} in templates."""
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE).parts
        if "tests" in rel or "migrations" in rel or rel[0] == "demo":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in GETTEXT_NAMES
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                found.add(node.args[0].value)
    for path in PACKAGE.rglob("*.html"):
        for match in TEMPLATE_TAG.finditer(path.read_text(encoding="utf-8")):
            found.add(match.group(2))
    return found


def test_every_entry_is_translated_and_none_is_fuzzy():
    entries = catalogue()
    assert len(entries) > 500
    untranslated = [e["msgid"] for e in entries if not e["msgstr"] or not all(s.strip() for s in e["msgstr"])]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == []
    assert fuzzy == []


def test_every_string_in_the_code_is_in_the_catalogue():
    known = {e["msgid"] for e in catalogue()}
    missing = sorted(s for s in source_strings() if s and s not in known)
    assert missing == [], "run makemessages -l en and translate: " + "; ".join(missing[:20])


def test_compiled_catalogue_matches_the_source():
    compiled = gettext.GNUTranslations(MO.open("rb"))
    stale = []
    for e in catalogue():
        if e["plural"]:
            got = [compiled.ngettext(e["msgid"], e["plural"], n) for n in (1, 2)]
            if got != e["msgstr"][:2]:
                stale.append(e["msgid"])
        elif compiled.gettext(e["msgid"]) != e["msgstr"][0]:
            stale.append(e["msgid"])
    assert stale == [], "run compilemessages: " + "; ".join(stale[:20])
