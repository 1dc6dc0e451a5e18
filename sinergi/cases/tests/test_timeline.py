"""Timeline messages: stored once, shown in the reader's language."""

from types import SimpleNamespace

from django.utils import translation

from sinergi.cases.enums import Stage
from sinergi.cases.timeline import event_text, msg, render


def test_message_keeps_choices_as_values_and_shows_their_labels():
    m = msg("%(from)s → %(to)s", **{"from": Stage.REPORTED, "to": Stage.LOCATED})
    stored = m.stored()
    assert stored == {"id": "%(from)s → %(to)s", "args": {"from": {"choice": "Stage", "value": "reported"},
                                                          "to": {"choice": "Stage", "value": "located"}}}
    assert m.in_indonesian() == "Dilaporkan → Ditemukan"
    with translation.override("en"):
        assert render(stored) == "Reported → Located"


def test_malformed_or_old_events_never_fail():
    with translation.override("en"):
        assert render({"id": "Kasus %(ref)s dibuka", "args": {"x": "1"}}) == "Kasus %(ref)s dibuka"  # wrong args
        assert render({"id": "%(x)s", "args": {"x": {"choice": "os.system", "value": "ls"}}}) == "ls"  # unknown
        assert render({"id": "%(to)s", "args": {"to": {"choice": "Stage", "value": "nowhere"}}}) == "nowhere"
    old = SimpleNamespace(summary="Catatan ditambahkan", data={})
    assert event_text(old) == "Catatan ditambahkan"
