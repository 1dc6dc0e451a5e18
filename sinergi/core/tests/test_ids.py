import uuid

from sinergi.core.ids import as_uuid, is_uuid


def test_text_and_uuid_values_are_read_the_same_way():
    key = uuid.uuid4()
    assert as_uuid(key) is key
    assert as_uuid(str(key)) == key
    assert as_uuid(str(key).upper()) == key
    assert is_uuid(str(key))


def test_anything_else_is_not_a_key():
    for value in (None, "", "not-a-uuid", 12, "1' OR 1=1", object()):
        assert as_uuid(value) is None
        assert not is_uuid(value)


def test_no_module_reads_a_record_key_from_text_by_hand():
    """One way to read a key: every module goes through ``as_uuid`` (a hand-written ``uuid.UUID(...)`` of a value
    from outside raises where the caller expects "not found")."""
    import ast
    from pathlib import Path

    package = Path(__file__).resolve().parents[2]
    found = []
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package).parts
        if "tests" in rel or "migrations" in rel or rel == ("core", "ids.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "UUID"
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "uuid" and node.args):
                found.append(f"{'/'.join(rel)}:{node.lineno}")
    assert not found, "parse keys with sinergi.core.ids.as_uuid: " + ", ".join(found)
