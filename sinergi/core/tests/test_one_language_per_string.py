"""One way to speak to the user: every message is an Indonesian msgid through gettext, translated in the reader's
language. No string in the code holds both languages ("Wajib diisi / this field is required")."""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]

# Words that only English text has; an Indonesian label with a slash ("Penampungan / rumah aman") has none.
ENGLISH = frozenset("""
a an the is are was be been may must cannot can not no only already this that these those of to for from with
without by on in at or and it its their your you we our one more than too very
required field value values unknown invalid allowed taken used empty closed open found missing wrong new
date future past before after large long short file files request body role agency agencies case cases
person people referral referrals notice notices photo type types code codes country countries region
language name username password email phone number numbers list object image change changed changes
give describe choose reason outcome start end stage stages shared share sharing note notes survivor consent
warning error errors set run check read write import export imported exported rows row present
duplicate column columns unreadable malformed header line lines cells bytes expected got nested text item items
ignored refused failed interrupted queued try again upload rename reload send sent report reports accepted
links content allowed unreadable fast slow please wait ready migrating loading peer peers reachable there
""".split()) | frozenset("""
""".split())

SLASH = re.compile(r"(?<=\S) / (?=\S)")
WORD = re.compile(r"[A-Za-z]+")


def bilingual(text: str) -> bool:
    """A string whose text after " / " reads as English while the text before it does not."""
    for match in SLASH.finditer(text):
        left = [w.lower() for w in WORD.findall(text[:match.start()])[-6:]]
        right = [w.lower() for w in WORD.findall(text[match.end():])[:6]]
        if any(w in ENGLISH for w in right) and not all(w in ENGLISH for w in left if len(w) > 2):
            return True
    return False


def _literal_text(node) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    return None


def bilingual_strings() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).parts
        if "tests" in rel or "migrations" in rel:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        inside_fstrings = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
        # Docstrings are for programmers (and may hold formulas such as "2|a∧b| / (|a| + |b|)").
        inside_fstrings |= {id(n.body[0].value) for n in ast.walk(tree)
                            if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                            and n.body and isinstance(n.body[0], ast.Expr)}
        for node in ast.walk(tree):
            if id(node) in inside_fstrings:
                continue
            if isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str)):
                text = _literal_text(node)
                if text and bilingual(text):
                    found.append(f"{'/'.join(rel)}:{node.lineno}: {text[:90]!r}")
    return sorted(set(found))


def test_the_detector_tells_bilingual_from_indonesian_labels():
    assert bilingual("Wajib diisi / this field is required.")
    assert bilingual("Perpindahan {} -> {} tidak diizinkan / not allowed.")
    assert bilingual("20 kasus baru / new cases")
    assert not bilingual("Penampungan / rumah aman")
    assert not bilingual("Kementerian Luar Negeri / Perwakilan RI")
    assert not bilingual("LSM / organisasi internasional")
    assert not bilingual("Wajib diisi.")


def test_no_string_in_the_code_holds_both_languages():
    found = bilingual_strings()
    assert found == [], f"{len(found)} bilingual strings; write the Indonesian msgid through gettext and put the " \
                        "English in the catalogue:\n" + "\n".join(found)
