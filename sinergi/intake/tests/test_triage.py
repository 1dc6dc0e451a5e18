"""The report inbox: every channel's report waits with a deadline, triage moves (open a case, attach, pass on,
close) with their audit rows, idempotency, not-found for reports the user may not see, escalation, and a village
office's report going on to the regency's services."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from sinergi.agencies.enums import AgencyType, Level, Role
from sinergi.audit.models import AuditEvent
from sinergi.cases.models import Case
from sinergi.core import clock
from sinergi.core.errors import NotFound
from sinergi.core.testing import AgencyFactory, CaseFactory, PersonFactory, user_with_role
from sinergi.intake import inbox, routing, services, tracking, triage
from sinergi.intake.models import Report, ReportMove, ReportRoute
from sinergi.intake.submit import intake_submit
from sinergi.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _indonesian():
    """The words are asserted in Indonesian, whatever language an earlier test left active."""
    from django.utils import translation

    with translation.override("id"):
        yield


@pytest.fixture
def uptd():
    return AgencyFactory(type=AgencyType.PROVINCIAL_SERVICE, name="UPTD PPA Uji", region_id="53")


@pytest.fixture
def officer(uptd):
    return user_with_role(Role.INTAKE_OFFICER, uptd)


@pytest.fixture
def village():
    return AgencyFactory(type=AgencyType.VILLAGE, level=Level.VILLAGE, region_id="53.01.04.2003", name="Desa Uji")


@pytest.fixture
def head(village):
    return user_with_role(Role.INTAKE_OFFICER, village)


def public_report(agency, **data):
    return services.report_create_public(agency_id=agency.pk, data={
        "narrative": "Adik saya di Kamboja, ponselnya disita, minta tolong.", **data})


def audit_moves(report):
    return [e.detail.get("triage") for e in AuditEvent.objects.filter(object_type="report", object_id=str(report.pk))
            .order_by("seq") if e.detail.get("triage")]


# -- arrival ------------------------------------------------------------------------------------------------


def test_a_public_report_arrives_in_the_inbox_with_a_deadline_and_the_intake_staff_are_told(
        uptd, officer, django_capture_on_commit_callbacks):
    other = user_with_role(Role.INTAKE_OFFICER, AgencyFactory())
    with django_capture_on_commit_callbacks(execute=True):
        rep = public_report(uptd)
    rep.refresh_from_db()
    assert rep.due_at == rep.moves.get(kind="arrived").at + dt.timedelta(hours=48)
    assert [r.pk for r in inbox.inbox_list(officer)] == [rep.pk]
    assert inbox.inbox_count(officer) == 1 and inbox.inbox_count(other) == 0
    note = Notification.objects.get(recipient=officer)
    assert "Formulir publik" in note.title and str(rep.pk) in note.url
    assert not Notification.objects.filter(recipient=other).exists()


def test_the_inbox_holds_every_channel_and_the_staffs_own_reports_are_not_announced(
        uptd, officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for channel in ("hotline", "embassy", "family", "ngo"):
            services.report_create(actor=officer, agency_id=uptd.pk, data={"channel": channel, "narrative": "x y z"})
    assert sorted(r.channel for r in inbox.inbox_list(officer)) == ["embassy", "family", "hotline", "ngo"]
    assert not Notification.objects.exists()
    assert {r.channel for r in inbox.inbox_list(officer, channel="hotline")} == {"hotline"}


def test_a_report_the_user_may_not_see_is_not_found(uptd, officer):
    rep = public_report(AgencyFactory())
    with pytest.raises(NotFound):
        inbox.inbox_report(officer, rep.pk)
    for move, kwargs in ((triage.report_close, {"reason": "x"}), (triage.report_triage_open_case, {}),
                         (triage.report_triage_attach, {"case_reference": "X"}),
                         (triage.report_forward, {"to_agency": uptd, "reason": "x"})):
        with pytest.raises(NotFound):
            move(actor=officer, report=rep, **kwargs)
    assert rep.moves.count() == 1  # arrived, nothing else


def test_an_analyst_or_admin_has_no_inbox(uptd):
    public_report(uptd)
    for role in (Role.ANALYST, Role.AGENCY_ADMIN):
        assert inbox.inbox_count(user_with_role(role, uptd)) == 0


# -- triage moves ------------------------------------------------------------------------------------------


def test_open_a_case_from_an_anonymous_report_needs_a_name_and_is_idempotent(uptd):
    manager = user_with_role(Role.CASE_MANAGER, uptd)
    rep = public_report(uptd)
    with pytest.raises(ValidationError) as exc:
        triage.report_triage_open_case(actor=manager, report=rep)
    assert "full_name" in exc.value.message_dict
    case = triage.report_triage_open_case(actor=manager, report=rep, person={"full_name": "Maria Kolo"},
                                          idempotency_key="k1")
    again = triage.report_triage_open_case(actor=manager, report=rep, person={"full_name": "Maria Kolo"},
                                           idempotency_key="k1")
    assert case.pk == again.pk and Case.objects.filter(lead_agency=uptd).count() == 1
    rep.refresh_from_db()
    assert rep.status == "case_opened" and rep.case_id == case.pk and rep.decided_at
    assert audit_moves(rep) == ["case_opened"]
    assert inbox.inbox_count(manager) == 0


def test_attach_to_an_existing_case_offers_the_possible_match_and_refuses_another_agencys_case(uptd, officer):
    person = PersonFactory(full_name="Yosefina Bani")
    mine = CaseFactory(lead_agency=uptd, survivor=person)
    theirs = CaseFactory()
    rep = services.report_create(actor=officer, agency_id=uptd.pk, subject=person,
                                 data={"channel": "hotline", "narrative": "Kabar baru tentang Yosefina."})
    assert [c.pk for c in inbox.possible_matches(officer, rep)] == [mine.pk]
    with pytest.raises(NotFound):
        triage.report_triage_attach(actor=officer, report=rep, case_reference=theirs.reference)
    triage.report_triage_attach(actor=officer, report=rep, case_reference=mine.reference.lower(), idempotency_key="a")
    triage.report_triage_attach(actor=officer, report=rep, case_reference=mine.reference, idempotency_key="a")
    rep.refresh_from_db()
    assert rep.status == "linked" and rep.case_id == mine.pk
    assert audit_moves(rep) == ["attached"] and rep.moves.filter(kind="attached").count() == 1


def test_pass_on_needs_a_reason_moves_the_report_and_restarts_its_deadline(
        uptd, officer, django_capture_on_commit_callbacks):
    police = AgencyFactory(type=AgencyType.POLICE, name="Polda Uji")
    police_officer = user_with_role(Role.INTAKE_OFFICER, police)
    rep = public_report(uptd)
    with pytest.raises(ValidationError) as exc:
        triage.report_forward(actor=officer, report=rep, to_agency=police, reason="  ")
    assert "reason" in exc.value.message_dict
    with django_capture_on_commit_callbacks(execute=True):
        triage.report_forward(actor=officer, report=rep, to_agency=police, reason="Ada ancaman; butuh polisi.",
                              idempotency_key="f1")
        triage.report_forward(actor=officer, report=rep, to_agency=police, reason="Ada ancaman; butuh polisi.",
                              idempotency_key="f1")
    rep.refresh_from_db()
    assert rep.agency_id == police.pk and rep.status == "new"
    assert [m.kind for m in rep.moves.all()] == ["arrived", "forwarded", "arrived"]
    assert inbox.inbox_count(officer) == 0 and inbox.inbox_count(police_officer) == 1
    with pytest.raises(NotFound):
        inbox.inbox_report(officer, rep.pk)
    assert Notification.objects.filter(recipient=police_officer).count() == 1
    assert audit_moves(rep) == ["forwarded"]
    words = str(tracking.plain_status(rep))
    assert "kepolisian" in words and "diteruskan" in words


def test_close_needs_a_reason_and_is_idempotent(uptd, officer):
    rep = public_report(uptd)
    with pytest.raises(ValidationError):
        triage.report_close(actor=officer, report=rep, reason="")
    triage.report_close(actor=officer, report=rep, reason="Sudah pulang dengan selamat; keluarga mengonfirmasi.")
    triage.report_close(actor=officer, report=rep, reason="Sudah pulang dengan selamat; keluarga mengonfirmasi.")
    rep.refresh_from_db()
    assert rep.status == "no_case" and rep.decision_reason.startswith("Sudah pulang")
    assert audit_moves(rep) == ["closed"]
    with pytest.raises(ValidationError):
        triage.report_forward(actor=officer, report=rep, to_agency=AgencyFactory(), reason="x")


def test_a_key_used_for_another_move_is_refused(uptd, officer):
    a, b = public_report(uptd), public_report(uptd)
    triage.report_close(actor=officer, report=a, reason="Duplikat", idempotency_key="same")
    with pytest.raises(ValidationError):
        triage.report_close(actor=officer, report=b, reason="Duplikat", idempotency_key="same")


def test_a_role_without_intake_may_not_triage(uptd):
    analyst = user_with_role(Role.ANALYST, uptd)
    rep = public_report(uptd)
    with pytest.raises(NotFound):
        triage.report_close(actor=analyst, report=rep, reason="x")


# -- escalation ---------------------------------------------------------------------------------------------


def test_late_reports_escalate_like_referrals_and_only_once(uptd, officer, django_capture_on_commit_callbacks):
    supervisor = user_with_role(Role.SUPERVISOR, uptd)
    tf = AgencyFactory(type=AgencyType.TASK_FORCE, region_id="53")
    tf_lead = user_with_role(Role.SUPERVISOR, tf)
    rep = public_report(uptd)
    arrived = rep.moves.get().at
    assert triage.reports_escalate_due(arrived + dt.timedelta(hours=47)) == {"level1": 0, "level2": 0}
    with django_capture_on_commit_callbacks(execute=True):
        assert triage.reports_escalate_due(arrived + dt.timedelta(hours=49)) == {"level1": 1, "level2": 0}
        assert triage.reports_escalate_due(arrived + dt.timedelta(hours=50)) == {"level1": 0, "level2": 0}
    assert Notification.objects.filter(recipient=supervisor, key__contains="escalated1").exists()
    assert not Notification.objects.filter(recipient=tf_lead).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert triage.reports_escalate_due(arrived + dt.timedelta(hours=97)) == {"level1": 0, "level2": 1}
    assert Notification.objects.filter(recipient=tf_lead, key__contains="escalated2").exists()
    rep.refresh_from_db()
    assert rep.escalation_level == 2 and audit_moves(rep) == ["escalated", "escalated"]
    triage.report_close(actor=officer, report=rep, reason="Ditangani lewat telepon")
    assert triage.reports_escalate_due(arrived + dt.timedelta(days=30)) == {"level1": 0, "level2": 0}


def test_the_worker_runs_the_report_escalation():
    from sinergi.core import jobs

    assert "report escalation" in [name for name, _ in jobs.PERIODIC]


# -- plain-words status -------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang, words", [("id", "dinas layanan perlindungan korban di provinsi"),
                                         ("en", "provincial victim protection service")])
def test_the_tracking_status_names_the_kind_of_office_and_what_happens_next(uptd, lang, words):
    from django.utils import translation

    rep = public_report(uptd)
    with translation.override(lang):
        status = tracking.plain_status(rep)
    assert words in status.where and status.next and not status.decided


def test_a_late_report_says_so_in_plain_words(uptd):
    rep = public_report(uptd)
    clock.set_now(clock.now() + dt.timedelta(days=3))
    try:
        assert "batas waktu" in tracking.plain_status(rep).next
    finally:
        clock.set_now(None)


# -- village and district offices ---------------------------------------------------------------------------


def test_a_village_heads_report_goes_to_the_regencys_services_not_a_case_led_by_the_village(
        uptd, officer, village, head, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        result = intake_submit(
            actor=head, agency_id=village.pk,
            report={"channel": "village", "narrative": "Warga kami, Maria, tidak ada kabar sejak ke Malaysia.",
                    "reporter_name": "Kepala Desa"},
            person={"full_name": "Maria Seran", "citizenship": "ID"}, aliases=[], screening=None, decision="open")
    assert result.case is None
    assert not Case.objects.filter(lead_agency=village).exists()
    rep = Report.objects.get()
    assert rep.agency_id == uptd.pk and rep.filed_by_agency_id == village.pk and rep.channel == "village"
    assert [r.pk for r in inbox.inbox_list(officer)] == [rep.pk]
    assert Notification.objects.filter(recipient=officer).exists()
    # The village follows it without seeing the case, and hears when it is decided.
    assert [r.pk for r in inbox.reports_filed_by(head)] == [rep.pk]
    assert inbox.inbox_count(head) == 0
    with django_capture_on_commit_callbacks(execute=True):
        case = triage.report_triage_open_case(actor=officer, report=rep)
    assert case.lead_agency_id == uptd.pk
    from sinergi.access.visibility import cases_visible_to

    assert not cases_visible_to(head).filter(pk=case.pk).exists()
    assert Notification.objects.filter(recipient=head, key=f"report:{rep.pk}:decided").exists()
    rep.refresh_from_db()
    assert "membuka kasus" in str(tracking.plain_status(rep))


def test_a_village_office_cannot_lead_a_case_even_through_the_service(village, head):
    rep = Report.objects.create(channel="village", received_at=clock.now(), agency=village, narrative="x")
    with pytest.raises(ValidationError):
        services.report_open_case(actor=head, report=rep, survivor=PersonFactory())


def test_the_task_forces_procedure_decides_where_village_reports_go(uptd, village):
    district = AgencyFactory(type=AgencyType.DISTRICT_SERVICE, level=Level.REGENCY, region_id="53.01")
    user_with_role(Role.INTAKE_OFFICER, district)
    assert routing.route_for(village) == district  # the regency's own service first
    ReportRoute.objects.create(region_id="53.01", agency=uptd, note="Kab. Kupang: UPTD PPA provinsi")
    assert routing.route_for(village) == uptd


def test_without_a_regency_service_the_province_receives_preferring_an_agency_with_staff(village):
    empty = AgencyFactory(type=AgencyType.PROVINCIAL_SERVICE, region_id="53", name="A Dinas tanpa petugas")
    staffed = AgencyFactory(type=AgencyType.PROVINCIAL_SERVICE, region_id="53", name="B UPTD PPA")
    user_with_role(Role.CASE_MANAGER, staffed)
    assert routing.route_for(village) == staffed and empty


def test_a_region_without_any_receiver_says_so(head, village):
    with pytest.raises(ValidationError):
        triage.report_file_onward(actor=head, office_id=village.pk, data={"narrative": "x"})
    assert not Report.objects.exists() and not ReportMove.objects.exists()


def test_no_path_opens_a_case_led_by_a_village_office(village, head):
    from sinergi.cases.services import case_open
    from sinergi.people.services import person_create

    person = person_create(actor=head, agency_id=village.pk, data={"full_name": "Maria Seran", "citizenship": "ID"})
    with pytest.raises(ValidationError) as exc:
        case_open(actor=head, survivor=person, lead_agency_id=village.pk, reported_on=clock.today())
    assert "lead_agency" in exc.value.message_dict and not Case.objects.exists()


def test_the_api_shows_the_reports_deadline_and_escalation(uptd, officer):
    from rest_framework.test import APIClient

    rep = public_report(uptd)
    client = APIClient()
    client.force_authenticate(officer)
    body = client.get(f"/api/v1/reports/{rep.pk}/").json()
    assert body["due_at"] and body["escalation_level"] == 0
