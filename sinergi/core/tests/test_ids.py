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
