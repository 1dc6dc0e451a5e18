"""Notices between two real instances on loopback: two server processes, two databases, their own keys.

Indonesia's NCB issues a missing-person notice with a photo to the Cambodian police; it arrives in Cambodia for that
agency only; Cambodia answers; Indonesia opens a rescue referral from the answer, which reaches Cambodia; closing the
notice in Indonesia closes the copy in Cambodia. A notice for an agency Cambodia does not have changes nothing there.
"""

import pytest

from sinergi.exchange.loopback import Instance

pytestmark = pytest.mark.slow

# A PNG signature and enough bytes to tell the photo's copy from another file (checked by content, then hashed).
PHOTO = "b'\\x89PNG\\r\\n\\x1a\\n' + bytes(range(256)) * 40"


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("notice-instances")
    a, b = Instance("id", tmp), Instance("kh", tmp)
    for inst in (a, b):
        inst.manage("migrate", "-v0")
        inst.py(f"from sinergi.exchange.testing import setup_instance; setup_instance({inst.code!r})")
        inst.start()
    a.manage("exchange", "add-peer", "kh", b.url, "--name", "Cambodia")
    b.manage("exchange", "add-peer", "id", a.url, "--name", "Indonesia")
    # Indonesia's stand-ins for Cambodian agencies: the police (who exist there) and one Cambodia does not have.
    a.py("from sinergi.agencies.models import Agency; from sinergi.exchange.models import Peer; "
         "kh = Peer.objects.get(code='kh'); "
         "Agency.objects.get_or_create(code='kh-cnp', defaults=dict(name='Cambodian National Police', "
         "type='foreign_police', country_id='KH', level='national', peer=kh, remote_code='cnp')); "
         "Agency.objects.get_or_create(code='kh-ghost', defaults=dict(name='Agency that left', "
         "type='foreign_police', country_id='KH', level='national', peer=kh, remote_code='ghost'))")
    # A second Cambodian agency, with its own officer, that the notice is not for.
    b.py("from sinergi.agencies.models import Agency, Membership, User; "
         "imm = Agency.objects.create(code='gdi', name='General Department of Immigration', type='foreign_police', "
         "country_id='KH', level='national'); "
         "u = User.objects.create_user(username='gdi', password='exchange-test-123'); "
         "Membership.objects.create(user=u, agency=imm, role='supervisor')")
    yield a, b
    a.stop()
    b.stop()


ISSUE = """
import datetime as dt, hashlib
from django.core.files.uploadedfile import SimpleUploadedFile
from sinergi.agencies.models import Agency, User
from sinergi.cases.services import case_open
from sinergi.people.services import person_create
from sinergi.referrals.notices import notice_issue
from sinergi.core import clock
u = User.objects.get(username='ncb-jakarta'); ncb = Agency.objects.get(code='ncb-jakarta')
p = person_create(actor=u, agency_id=ncb.pk, data={{'full_name': 'Maria Goreti Seran', 'sex': 'Feminine',
    'estimated_age': 22, 'citizenship': 'ID', 'phone': '081234567890'}})
c = case_open(actor=u, survivor=p, lead_agency_id=ncb.pk, reported_on=clock.today(),
    details={{'country_of_exploitation': 'KH', 'city_of_exploitation': 'Sihanoukville'}})
photo = {photo}
n = notice_issue(actor=u, agency_id=ncb.pk, kind='missing', description='Perempuan 22 tahun, tahi lalat di pipi kiri',
    recipients=[Agency.objects.get(code={to!r})], subject_name='Maria Goreti Seran', last_known_place='Sihanoukville',
    last_known_country='KH', last_seen_on=dt.date(2025, 11, 2), case=c, photo=SimpleUploadedFile('foto.png', photo))
print(n.pk, hashlib.sha256(photo).hexdigest(), c.reference)
"""

ARRIVED = """
import hashlib
from sinergi.referrals.models import Notice
n = Notice.objects.get(remote_id={notice_id!r})
print('|'.join([str(n.pk), n.status, n.kind, n.subject_name, n.description, n.last_known_place,
    n.last_known_country_id, str(n.last_seen_on), n.issued_by.code, n.issued_by.peer.code,
    ','.join(n.recipients.values_list('code', flat=True)), hashlib.sha256(n.photo.read()).hexdigest(),
    str(n.case_id), str(n.issued_by_user_id)]))
"""

SEEN_BY = """
from sinergi.agencies.models import User
from sinergi.notifications.models import Notification
from sinergi.referrals.notices import notice_list
u = User.objects.get(username={user!r})
print(notice_list(u).filter(pk={pk!r}).count(), Notification.objects.filter(recipient=u, key='notice:{pk}').count())
"""


def test_notice_arrives_once_is_answered_referred_and_closed(pair):
    a, b = pair
    notice_id, photo_hash, case_ref = a.py(ISSUE.format(photo=PHOTO, to="kh-cnp")).split()
    assert "attempted 1" in a.manage("exchange", "deliver")

    fields = b.py(ARRIVED.format(notice_id=notice_id)).split("|")
    copy_id = fields[0]
    assert fields[1:8] == ["open", "missing", "Maria Goreti Seran", "Perempuan 22 tahun, tahi lalat di pipi kiri",
                           "Sihanoukville", "KH", "2025-11-02"]
    assert fields[8:11] == ["id-ncb-jakarta", "id", "cnp"]  # issued by the stand-in for Indonesia's NCB, to cnp only
    assert fields[11] == photo_hash  # the photo crossed intact
    assert fields[12:] == ["None", "None"]  # no case and no issuing officer over there
    # The Cambodian police see it on their notices page and were notified; the other Cambodian agency was not.
    assert b.py(SEEN_BY.format(user="cnp", pk=copy_id)).split() == ["1", "1"]
    assert b.py(SEEN_BY.format(user="gdi", pk=copy_id)).split() == ["0", "0"]
    leaked = b.py("from sinergi.exchange.models import InboxMessage; import json; "
                  "print(json.dumps([m.body for m in InboxMessage.objects.filter(kind='notice.create')]))")
    assert case_ref not in leaked and "081234567890" not in leaked  # only what the notice needs left Indonesia

    # Delivered again (a worker died after sending, before recording it): applied once.
    a.py("from sinergi.exchange.models import OutboxMessage; from sinergi.core import clock; "
         "OutboxMessage.objects.filter(kind='notice.create').update(status='queued', next_attempt_at=clock.now())")
    a.manage("exchange", "deliver")
    counts = b.py("from sinergi.referrals.models import Notice; from sinergi.exchange.models import ExchangeLog; "
                  "print(Notice.objects.count(), ExchangeLog.objects.filter(kind='notice.create', "
                  "outcome='duplicate').count())").split()
    assert counts == ["1", "1"]

    # Cambodia answers; the answer comes back to Indonesia as one from its stand-in for the Cambodian police.
    b.py(f"from sinergi.agencies.models import User; from sinergi.referrals.models import Notice; "
         f"from sinergi.referrals.notices import notice_answer; "
         f"notice_answer(actor=User.objects.get(username='cnp'), notice=Notice.objects.get(pk={copy_id!r}), "
         f"body='Mungkin di kompleks Jinbei 4, Sihanoukville')")
    assert "attempted 1" in b.manage("exchange", "deliver")
    answer = a.py(f"from sinergi.referrals.models import NoticeAnswer; "
                  f"x = NoticeAnswer.objects.get(notice_id={notice_id!r}); "
                  f"print(x.pk, x.agency.code, x.author_id, x.body)").split(" ", 3)
    assert answer[1:] == ["kh-cnp", "None", "Mungkin di kompleks Jinbei 4, Sihanoukville"]

    # The issuer opens a rescue referral from that answer: it goes to Cambodia through the referral exchange.
    referral_id = a.py(
        f"from sinergi.agencies.models import User; from sinergi.referrals.models import NoticeAnswer; "
        f"from sinergi.referrals.notices import notice_answer_refer; "
        f"r = notice_answer_refer(actor=User.objects.get(username='ncb-jakarta'), "
        f"answer=NoticeAnswer.objects.get(pk={answer[0]!r}), type='rescue', "
        f"consent_override_reason='Korban hilang, tidak dapat dimintai persetujuan'); print(r.pk)")
    assert "attempted 1" in a.manage("exchange", "deliver")
    received = b.py(f"from sinergi.referrals.models import Referral; "
                    f"r = Referral.objects.get(remote_id={referral_id!r}); "
                    f"print(r.type, r.status, r.to_agency.code, r.from_agency.code, r.case.survivor.full_name)")
    assert received == "rescue sent cnp id-ncb-jakarta Maria Goreti Seran"

    # Closing in Indonesia closes the copy in Cambodia, where no more answers are taken.
    a.py(f"from sinergi.agencies.models import User; from sinergi.referrals.models import Notice; "
         f"from sinergi.referrals.notices import notice_close; "
         f"notice_close(actor=User.objects.get(username='ncb-jakarta'), notice=Notice.objects.get(pk={notice_id!r}))")
    assert "attempted 1" in a.manage("exchange", "deliver")
    assert b.py(ARRIVED.format(notice_id=notice_id)).split("|")[1] == "closed"
    refused = b.py(f"from django.core.exceptions import ValidationError; from sinergi.agencies.models import User; "
                   f"from sinergi.referrals.models import Notice; from sinergi.referrals.notices import notice_answer\n"
                   f"try:\n    notice_answer(actor=User.objects.get(username='cnp'), "
                   f"notice=Notice.objects.get(pk={copy_id!r}), body='Terlambat')\n"
                   f"except ValidationError:\n    print('refused')")
    assert refused == "refused"
    assert "queued=0" in b.manage("exchange", "status")


def test_notice_for_unknown_agency_rejected_without_side_effect(pair):
    a, b = pair
    count = ("from sinergi.referrals.models import Notice, NoticeRecipient; "
             "from sinergi.agencies.models import Agency; from sinergi.exchange.models import InboxMessage; "
             "from sinergi.notifications.models import Notification; "
             "print(Notice.objects.count(), NoticeRecipient.objects.count(), Agency.objects.count(), "
             "InboxMessage.objects.count(), Notification.objects.count())")
    before = b.py(count)
    notice_id = a.py(ISSUE.format(photo=PHOTO, to="kh-ghost")).split()[0]
    a.manage("exchange", "deliver")
    assert b.py(count) == before
    reason = b.py("from sinergi.exchange.models import ExchangeLog; "
                  "print(ExchangeLog.objects.filter(kind='notice.create', outcome='rejected').latest('at').reason)")
    assert "unknown agency 'ghost'" in reason
    # The sender is told for good (a refusal, not a retry) and keeps its own notice.
    outbox = a.py(f"from sinergi.exchange.models import OutboxMessage; "
                  f"m = OutboxMessage.objects.get(kind='notice.create', body__notice_id={notice_id!r}); "
                  f"print(m.status, m.last_error)")
    assert outbox.startswith("failed HTTP 422") and "ghost" in outbox
