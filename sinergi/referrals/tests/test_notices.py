
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from sinergi.agencies.enums import AgencyType, Role
from sinergi.agencies.tests.factories import AgencyFactory, user_with_role
from sinergi.audit.models import AuditEvent
from sinergi.cases.tests.factories import CaseFactory
from sinergi.core.errors import NotFound
from sinergi.notifications.models import Notification
from sinergi.referrals import notices

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_notice_broadcast_answer_and_referral(django_capture_on_commit_callbacks):
    police = AgencyFactory(name="NCB Interpol Jakarta", type=AgencyType.POLICE)
    kh_police = AgencyFactory(name="Cambodian National Police", type=AgencyType.FOREIGN_POLICE, country_id="KH",
                              region=None)
    bystander = AgencyFactory(name="Dinas lain")
    case = CaseFactory(lead_agency=police)
    officer = user_with_role(Role.SUPERVISOR, police)
    kh_officer = user_with_role(Role.CASE_MANAGER, kh_police)
    outsider = user_with_role(Role.SUPERVISOR, bystander)
    with django_capture_on_commit_callbacks(execute=True):
        notice = notices.notice_issue(
            actor=officer, agency_id=police.pk, kind="missing", description="Perempuan 22 tahun, tahi lalat di pipi",
            recipients=[kh_police.pk], last_known_place="Sihanoukville", last_known_country="KH", case=case,
            photo=SimpleUploadedFile("foto.png", PNG))
    assert Notification.objects.filter(recipient=kh_officer, key=f"notice:{notice.pk}").exists()
    assert notices.notices_visible_to(kh_officer).filter(pk=notice.pk).exists()
    assert not notices.notices_visible_to(outsider).exists()
    with pytest.raises(NotFound):
        notices.notice_get(outsider, notice.pk)
    notices.notice_get(kh_officer, notice.pk)
    assert AuditEvent.objects.filter(object_type="notice", action="read", user_id=kh_officer.pk).exists()
    answer = notices.notice_answer(actor=kh_officer, notice=notice, body="Mungkin ada di kompleks Jinbei 4")
    referral = notices.notice_answer_refer(actor=officer, answer=answer, type="rescue",
                                           consent_override_reason="Korban hilang, tidak dapat dimintai persetujuan")
    assert referral.to_agency == kh_police and referral.case == case


def test_notice_rejects_bad_photo_and_empty_recipients():
    police = AgencyFactory(type=AgencyType.POLICE)
    officer = user_with_role(Role.SUPERVISOR, police)
    with pytest.raises(ValidationError) as exc:
        notices.notice_issue(actor=officer, agency_id=police.pk, kind="missing", description="x", recipients=[],
                             photo=SimpleUploadedFile("foto.png", b"MZ not an image"))
    assert {"recipients", "photo"} <= set(exc.value.message_dict)
