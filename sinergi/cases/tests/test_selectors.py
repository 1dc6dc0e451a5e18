"""Case reads: visible cases only, filters, audited reads."""

import datetime as dt
import uuid

import pytest

from sinergi.agencies.enums import Role
from sinergi.audit.models import AuditEvent
from sinergi.cases.enums import Stage
from sinergi.cases.selectors import CaseFilters, audit_list_read, case_get, case_list, case_timeline
from sinergi.cases.services import case_transition
from sinergi.core import clock
from sinergi.core.errors import NotFound
from sinergi.core.testing import AgencyFactory, CaseFactory, PersonFactory, user_with_role

pytestmark = pytest.mark.django_db


def test_case_get_is_audited_with_purpose():
    case = CaseFactory()
    user = user_with_role(Role.INTAKE_OFFICER, case.lead_agency)
    assert case_get(user, case.pk, purpose="telepon keluarga") == case
    row = AuditEvent.objects.get(action="read")
    assert (row.object_type, row.object_id, row.purpose) == ("case", str(case.pk), "telepon keluarga")
    assert row.agency_id == case.lead_agency_id and row.role == Role.INTAKE_OFFICER
    case_get(user, case.pk, audit=False)
    assert AuditEvent.objects.filter(action="read").count() == 1


@pytest.mark.parametrize("case_id", [uuid.uuid4(), "not-a-uuid", "", None, 12])
def test_case_get_unknown_or_malformed_is_not_found(case_id):
    user = user_with_role(Role.SUPERVISOR)
    with pytest.raises(NotFound):
        case_get(user, case_id)
    assert not AuditEvent.objects.exists()


def test_case_get_of_another_agency_is_not_found_and_not_audited():
    case = CaseFactory()
    with pytest.raises(NotFound):
        case_get(user_with_role(Role.SUPERVISOR), case.pk)
    assert not AuditEvent.objects.exists()


def test_filters():
    agency = AgencyFactory()
    user = user_with_role(Role.SUPERVISOR, agency)
    today = clock.today()
    kh = CaseFactory(lead_agency=agency, reported_on=today - dt.timedelta(days=30))
    my = CaseFactory(lead_agency=agency, country_of_exploitation_id="MY", exploitation_types=["SexualExploitation"],
                     primary_exploitation="SexualExploitation", stage=Stage.LOCATED,
                     survivor=PersonFactory(origin_village_id="35.78.01.1001", origin_province_id="35",
                                            origin_regency_id="35.78"),
                     victim_status="ActualVictimOfTrafficking", reported_on=today - dt.timedelta(days=2))

    def ids(**kw):
        return {c.pk for c in case_list(user, CaseFilters(**kw))}

    assert ids() == {kh.pk, my.pk}
    assert ids(stage=["located"]) == {my.pk}
    assert ids(stage=["located", "reported"]) == {kh.pk, my.pk}
    assert ids(country_of_exploitation="my") == {my.pk}
    assert ids(exploitation_type="ForcedLabour") == {kh.pk}
    assert ids(origin_province="35") == {my.pk}
    assert ids(origin_regency="53.01") == {kh.pk}
    assert ids(victim_status="ActualVictimOfTrafficking") == {my.pk}
    assert ids(reported_from=today - dt.timedelta(days=10)) == {my.pk}
    assert ids(reported_to=today - dt.timedelta(days=10)) == {kh.pk}
    assert ids(lead_agency=agency.pk, stage=["reported"], country_of_exploitation="KH") == {kh.pk}
    # Newest report first.
    assert [c.pk for c in case_list(user)] == [my.pk, kh.pk]


def test_list_shows_nothing_of_other_agencies():
    CaseFactory()
    user = user_with_role(Role.SUPERVISOR)
    assert list(case_list(user)) == []
    assert list(case_list(user, CaseFilters(lead_agency=CaseFactory().lead_agency_id))) == []


def test_audit_list_read_writes_one_row_naming_every_case_shown():
    from sinergi.access.audit_reads import audit_event_view
    from sinergi.audit.selectors import audit_reads_of

    agency = AgencyFactory()
    user = user_with_role(Role.CASE_MANAGER, agency)
    cases = [CaseFactory(lead_agency=agency) for _ in range(3)]
    audit_list_read(user, cases, filters={"q": "siti", "stage": "reported"})
    (row,) = AuditEvent.objects.filter(action="read")
    assert row.object_type == "case" and row.object_id == ""
    assert row.detail["ids"] == [str(c.pk) for c in cases] and row.detail["count"] == 3
    assert row.detail["filters"] == {"stage": "reported"} and "siti" not in str(row.detail)
    assert str(row.agency_id) == str(agency.pk)
    # The case manager of the agency may read the terms; an investigator finds the row by each case.
    assert audit_event_view(user, row).terms == {"q": "siti"}
    assert [r.pk for r in audit_reads_of("case", cases[1].pk)] == [row.pk]


def test_timeline_in_order():
    case = CaseFactory()
    user = user_with_role(Role.CASE_MANAGER, case.lead_agency)
    case_transition(actor=user, case=case, to_stage=Stage.LOCATED, at=clock.now() - dt.timedelta(days=1))
    from sinergi.cases.services import note_add

    note_add(actor=user, case=case, body="catatan")
    assert [e.kind for e in case_timeline(user, case)] == ["stage_changed", "note_added"]


def _mixed_list_scene():
    """An agency with its own cases and cases another agency referred to it (and some it may not see)."""
    from sinergi.referrals.models import Referral

    home, other = AgencyFactory(), AgencyFactory()
    user = user_with_role(Role.CASE_MANAGER, home)
    for i in range(9):
        CaseFactory(lead_agency=home, reported_on=clock.today() - dt.timedelta(days=i % 4),
                    stage=[Stage.REPORTED, Stage.LOCATED][i % 2])
    for i in range(7):
        case = CaseFactory(lead_agency=other, reported_on=clock.today() - dt.timedelta(days=i % 3))
        if i < 5:  # two stay invisible; one referral is no longer active
            Referral.objects.create(case=case, type="shelter", from_agency=other, to_agency=home,
                                    status="withdrawn" if i == 4 else "sent", sections=["identity"],
                                    sent_at=clock.now(), ack_due_at=clock.now(), complete_due_at=clock.now())
    return user


@pytest.mark.parametrize("ordering", [("-reported_on", "-id"), ("reported_on", "id"), ("stage_entered_at", "id"),
                                      ("reference",)])
def test_case_page_gives_the_rows_of_the_list_in_order(ordering):
    from sinergi.cases.selectors import case_page

    user = _mixed_list_scene()
    everything = list(case_list(user).order_by(*ordering))
    assert len(everything) == 13
    for offset, limit in ((0, 5), (0, 26), (5, 5), (10, 5), (12, 3)):
        page = case_page(user, None, ordering, offset=offset, limit=limit)
        assert page == everything[offset: offset + limit], (offset, limit)
    filters = CaseFilters(stage=[Stage.REPORTED])
    assert case_page(user, filters, ordering, limit=50) == list(case_list(user, filters).order_by(*ordering))


def test_case_page_after_a_keyset_position():
    from django.db.models import Q

    from sinergi.cases.selectors import case_page

    user = _mixed_list_scene()
    everything = list(case_list(user).order_by("-reported_on", "-id"))
    edge = everything[4]
    after = Q(reported_on__lt=edge.reported_on) | Q(reported_on=edge.reported_on, id__lt=edge.id)
    assert case_page(user, None, ("-reported_on", "-id"), after=after, limit=6) == everything[5:11]


def test_case_page_of_a_user_without_casework_is_empty():
    from sinergi.cases.selectors import case_page

    CaseFactory()
    assert case_page(user_with_role(Role.ANALYST), None, ("-reported_on", "-id")) == []


def test_name_search_last_word_prefix_is_another_word():
    two_names = CaseFactory(survivor=PersonFactory(full_name="Dewanti Dewi"))
    other = CaseFactory(survivor=PersonFactory(full_name="Dewanti Lestari"), lead_agency=two_names.lead_agency)
    user = user_with_role(Role.CASE_MANAGER, two_names.lead_agency)

    def found(q):
        return set(case_list(user, CaseFilters(q=q)))

    # "Dew" is being typed as a second name: it may not be answered by "Dewanti" again.
    assert found("Dewanti Dew") == {two_names}
    assert found("Dewanti Les") == {other}
    assert found("Dewanti") == {two_names, other}
    assert found("Dewanti Dewanti") == {two_names, other}
    assert found("Dew") == {two_names, other}


def test_name_search_folds_the_old_j_for_y_spelling():
    agency = AgencyFactory()
    user = user_with_role(Role.CASE_MANAGER, agency)
    cases = {name: CaseFactory(lead_agency=agency, survivor=PersonFactory(full_name=name))
             for name in ("Jusuf Rijadi", "Yuliani Wahyu", "Joko Cahyo")}

    def found(q):
        return {c.survivor.full_name for c in case_list(user, CaseFilters(q=q))}

    assert found("Yusuf") == {"Jusuf Rijadi"}
    assert found("Yusuf Riyadi") == {"Jusuf Rijadi"}
    assert found("Juliani") == {"Yuliani Wahyu"}
    assert found("Tjahjo") == {"Joko Cahyo"}
    assert found("Djoko") == {"Joko Cahyo"}
    assert cases


def test_name_search_does_not_over_match_a_short_name():
    agency = AgencyFactory()
    user = user_with_role(Role.CASE_MANAGER, agency)
    for name in ("Siti Aminah", "Sigit Purnomo", "Setyo Budi", "Sigit Setiawan", "Nur Sitiawati"):
        CaseFactory(lead_agency=agency, survivor=PersonFactory(full_name=name))

    def found(q):
        return {c.survivor.full_name for c in case_list(user, CaseFilters(q=q))}

    assert found("Siti") == {"Siti Aminah", "Nur Sitiawati"}  # a name, or the beginning of one as written
    assert found("Sity") == {"Siti Aminah"}  # another spelling of the whole word
    assert found("Setyo") == {"Setyo Budi"}
    assert found("Sig") == {"Sigit Purnomo", "Sigit Setiawan"}
    assert found("Sigit Set") == {"Sigit Setiawan"}


@pytest.mark.parametrize("query", ["161", "2026-000161", "2026-161", "SNG-2026-000161", "sng-2026-000161", " 000161 "])
def test_search_by_part_of_a_case_number(query):
    agency = AgencyFactory()
    user = user_with_role(Role.CASE_MANAGER, agency)
    wanted = CaseFactory(lead_agency=agency, reference="SNG-2026-000161")
    CaseFactory(lead_agency=agency, reference="SNG-2026-001161")
    CaseFactory(lead_agency=agency, reference="SNG-2026-000016")
    CaseFactory(reference="SNG-2025-000161")  # another agency's: not visible
    assert list(case_list(user, CaseFilters(q=query))) == [wanted]


def test_a_number_of_another_year_is_found_by_its_number_alone():
    agency = AgencyFactory()
    user = user_with_role(Role.CASE_MANAGER, agency)
    old = CaseFactory(lead_agency=agency, reference="SNG-2024-000161")
    new = CaseFactory(lead_agency=agency, reference="SNG-2026-000161")
    assert set(case_list(user, CaseFilters(q="161"))) == {old, new}
    assert list(case_list(user, CaseFilters(q="2024-161"))) == [old]
    assert list(case_list(user, CaseFilters(q="0"))) == []
