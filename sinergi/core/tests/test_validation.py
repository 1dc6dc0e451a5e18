"""Field-error helpers, the clock and the HTCDS vocabulary."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from sinergi.core import clock, htcds
from sinergi.core.validation import Errors, field_error


def test_errors_collect_and_raise_once():
    e = Errors()
    assert not e
    e.required("name", "  ".strip())
    e.in_choices("sex", "Robot", ["Feminine", "Masculine"])
    e.in_choices("types", ["A", "B", "C"], ["A"])
    e.order("start", dt.date(2025, 2, 1), "end", dt.date(2025, 1, 1), label="tanggal mulai")
    assert e
    with pytest.raises(ValidationError) as exc:
        e.raise_if_any()
    d = exc.value.message_dict
    assert set(d) == {"name", "sex", "types", "end"}
    assert "B, C" in d["types"][0]
    assert d["end"] == ["Tidak boleh sebelum tanggal mulai."]  # the first date by its label, not "start"
    assert not any(" / " in m for msgs in d.values() for m in msgs)  # one language at a time
    from django.utils import translation

    with translation.override("en"):
        english = exc.value.message_dict
    assert english["name"] == ["This field is required."] and english["end"] == ["Must not be before tanggal mulai."]


def test_errors_accept_good_and_empty_values():
    e = Errors()
    e.required("a", 0)
    e.in_choices("b", None, ["x"])
    e.in_choices("c", "", ["x"])
    e.in_choices("d", ["x"], ["x"])
    e.order("s", None, "t", dt.date(2020, 1, 1), label="s")
    e.order("s", dt.date(2020, 1, 1), "t", dt.date(2020, 1, 1), label="s")
    e.not_future("u", None)
    e.raise_if_any()


def test_not_future_for_dates_and_datetimes():
    clock.set_now(dt.datetime(2026, 5, 1, 12, tzinfo=dt.UTC))
    e = Errors()
    e.not_future("today", clock.today())
    e.not_future("soon", clock.now() + dt.timedelta(minutes=4))  # clock drift between machines is tolerated
    assert not e
    e.not_future("tomorrow", clock.today() + dt.timedelta(days=1))
    e.not_future("later", clock.now() + dt.timedelta(minutes=10))
    assert set(e.fields) == {"tomorrow", "later"}


def test_clock_can_be_frozen_and_released():
    frozen = dt.datetime(2025, 12, 31, 18, 0, tzinfo=dt.UTC)
    clock.set_now(frozen)
    assert clock.now() == frozen
    assert clock.today() == dt.date(2026, 1, 1)  # already New Year in Jakarta (UTC+7)
    clock.set_now(None)
    assert clock.now() != frozen


def test_field_error():
    assert field_error("x", "salah / wrong").message_dict == {"x": ["salah / wrong"]}


def test_htcds_picklists():
    assert "ForcedLabour" in htcds.values("vic_TypeOfExploitation")
    assert "DebtBondage" in htcds.values("vic_MethodsOfControl")
    assert set(htcds.values("vic_TraffickingStatus")) >= {
        "PossibleVictimOfTrafficking", "ActualVictimOfTrafficking", "NotAVictimOfTrafficking"}
    assert htcds.choices("vic_RelationshipToTrafficker")[0] == ("Familial", "Keluarga")  # labelled, not raw
    with pytest.raises(KeyError):
        htcds.values("vic_NoSuchField")


@pytest.mark.parametrize("value, label", [
    ("ForcedLabour", "Forced labour"), ("A_AgricultureForestryAndFishing", "A agriculture forestry and fishing"),
    ("NGO", "NGO"), ("", ""),
])
def test_humanize(value, label):
    assert htcds.humanize(value) == label
