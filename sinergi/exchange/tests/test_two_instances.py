"""Two real instances on loopback: two server processes, two databases, their own keys.

Indonesia's NCB sends a locate request to the Cambodian police; Cambodia acknowledges and answers; a peer that is
down receives everything when it comes back, each message once; tampered and replayed messages change nothing.
"""

import time
import urllib.error
import urllib.request

import pytest

from sinergi.exchange.loopback import Instance

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("instances")
    a, b = Instance("id", tmp), Instance("kh", tmp)
    for inst in (a, b):
        inst.manage("migrate", "-v0")
        inst.py(f"from sinergi.exchange.testing import setup_instance; setup_instance({inst.code!r})")
        inst.start()
    a.manage("exchange", "add-peer", "kh", b.url, "--name", "Cambodia")
    b.manage("exchange", "add-peer", "id", a.url, "--name", "Indonesia")
    # Indonesia's stand-in row for the Cambodian police, reached through the peer.
    a.py("from sinergi.agencies.models import Agency; from sinergi.exchange.models import Peer; "
         "Agency.objects.get_or_create(code='kh-cnp', defaults=dict(name='Cambodian National Police', type='foreign_police', "
         "country_id='KH', level='national', peer=Peer.objects.get(code='kh'), remote_code='cnp'))")
    yield a, b
    a.stop()
    b.stop()


SEND = """
from sinergi.agencies.models import Agency, User
from sinergi.cases.services import case_open
from sinergi.people.services import person_create
from sinergi.referrals.services import referral_send
from sinergi.core import clock
u = User.objects.get(username='ncb-jakarta'); ncb = Agency.objects.get(code='ncb-jakarta')
p = person_create(actor=u, agency_id=ncb.pk, data={{'full_name': {name!r}, 'sex': 'Feminine', 'estimated_age': 23,
    'citizenship': 'ID', 'phone': '081234567890'}})
c = case_open(actor=u, survivor=p, lead_agency_id=ncb.pk, reported_on=clock.today(),
    details={{'country_of_exploitation': 'KH', 'city_of_exploitation': 'Sihanoukville'}})
r = referral_send(actor=u, case=c, type='locate', to_agency=Agency.objects.get(code='kh-cnp'),
    consent_override_reason='Keluarga melapor hilang; korban tidak dapat dihubungi')
print(r.pk)
"""

STATUS = "from sinergi.referrals.models import Referral; r = Referral.objects.get(pk={pk!r}); print(r.status, '|', r.outcome)"


def test_locate_request_acknowledged_and_answered_across_instances(pair):
    a, b = pair
    referral_id = a.py(SEND.format(name="Maria Goreti Seran")).strip().splitlines()[-1]
    assert "attempted 1" in a.manage("exchange", "deliver")
    received = b.py("from sinergi.referrals.models import Referral; r = Referral.objects.get(); "
                    "print(r.pk, r.status, r.case.survivor.full_name, r.case.survivor.phone or '-', r.case.city_of_exploitation)")
    remote_pk, status, *rest = received.split()
    assert status == "sent" and "Maria" in received and "Sihanoukville" in received
    assert "081234567890" not in received  # contact details were not shared: they never left Indonesia
    b.py(f"from sinergi.referrals.models import Referral; from sinergi.referrals.services import referral_respond; "
         f"from sinergi.agencies.models import User; u = User.objects.get(username='cnp'); "
         f"r = referral_respond(actor=u, referral=Referral.objects.get(pk={remote_pk!r}), to_status='acknowledged'); "
         f"r = referral_respond(actor=u, referral=r, to_status='accepted'); "
         f"referral_respond(actor=u, referral=r, to_status='completed', outcome='Ditemukan di kompleks Jinbei, aman')")
    assert "attempted 3" in b.manage("exchange", "deliver")
    assert a.py(STATUS.format(pk=referral_id)).strip() == "completed | Ditemukan di kompleks Jinbei, aman"
    status_a = a.manage("exchange", "status")
    assert "delivered=1" in status_a and "queued=0" in status_a


def test_peer_down_then_back_gets_each_message_once(pair):
    a, b = pair
    b.stop()
    ids = [a.py(SEND.format(name=f"Korban {i}")).strip().splitlines()[-1] for i in range(3)]
    a.manage("exchange", "deliver")
    assert "queued=3" in a.manage("exchange", "status")
    b.start()
    time.sleep(2.5)  # the first retry waits about two seconds
    a.manage("exchange", "deliver")
    assert "queued=0" in a.manage("exchange", "status")
    # Deliver the same messages again (as if a worker died after sending but before recording it).
    a.py("from sinergi.exchange.models import OutboxMessage; from sinergi.core import clock; "
         "OutboxMessage.objects.update(status='queued', next_attempt_at=clock.now())")
    a.manage("exchange", "deliver")
    counts = b.py("from sinergi.referrals.models import Referral; from sinergi.exchange.models import ExchangeLog; "
                  "print(Referral.objects.count(), ExchangeLog.objects.filter(outcome='duplicate').count())").split()
    assert counts[0] == "4"  # one from the first test, three now: each exactly once
    assert int(counts[1]) >= 3
    assert len(ids) == 3


def test_tampered_and_replayed_messages_change_nothing(pair):
    a, b = pair
    before = b.py("from sinergi.exchange.models import InboxMessage; print(InboxMessage.objects.count())").strip()
    req = urllib.request.Request(b.url + "/exchange/inbox/", data=b"eyJhbGciOi.garbage.x.y.z", method="POST")
    try:
        urllib.request.urlopen(req, timeout=5)
        raise AssertionError("a tampered message was accepted")
    except urllib.error.HTTPError as exc:
        assert exc.code == 400
    after = b.py("from sinergi.exchange.models import InboxMessage; print(InboxMessage.objects.count())").strip()
    assert before == after
    log = b.py("from sinergi.exchange.models import ExchangeLog; print(ExchangeLog.objects.filter(outcome='rejected').count())")
    assert int(log) >= 1


FORWARD = """
from sinergi.agencies.models import Agency, User
from sinergi.intake.services import report_create
from sinergi.intake.triage import report_forward
u = User.objects.get(username='ncb-jakarta'); ncb = Agency.objects.get(code='ncb-jakarta')
r = report_create(actor=u, agency_id=ncb.pk, data={{'channel': 'hotline', 'narrative': {story!r},
    'reporter_name': 'Ibu Seran', 'reporter_contact': '081299998888', 'country_of_exploitation': 'KH',
    'last_known_location': 'Sihanoukville'}})
report_forward(actor=u, report=r, to_agency=Agency.objects.get(code='kh-cnp'), reason='Korban di Kamboja',
    consent_override_reason='Keluarga melapor; korban tidak dapat dihubungi', idempotency_key='two-1')
print(r.pk)
"""

SENDER = """
from django.utils import translation
from sinergi.intake.models import Report
from sinergi.intake.tracking import plain_status
r = Report.objects.get(pk={pk!r})
with translation.override('en'):
    print(r.status, '|', bool(r.partner_received_at), '|', plain_status(r))
"""

RECEIVER = """
from sinergi.agencies.models import User
from sinergi.intake.inbox import inbox_list
from sinergi.intake.models import Report
rows = inbox_list(User.objects.get(username='cnp'))
r = Report.objects.get(channel='partner')
print(Report.objects.filter(channel='partner').count(), len(rows), r.agency.code, r.status, r.reporter_contact or '-',
      r.moves.get().from_agency.remote_code, '|', r.narrative)
"""


def test_a_report_passed_on_to_the_partners_police_reaches_its_inbox_once(pair):
    a, b = pair
    pk = a.py(FORWARD.format(story="Adik saya ditahan di kompleks penipuan daring.")).strip().splitlines()[-1]
    before = a.py(SENDER.format(pk=pk))
    assert before.startswith("passed_on | False |") and "being sent" in before  # queued, not yet delivered
    a.manage("exchange", "deliver")
    received = b.py(RECEIVER)
    count, inbox_rows, agency, status, contact, sender, *_ = received.split()
    assert (count, inbox_rows, agency, status, sender) == ("1", "1", "cnp", "new", "ncb-jakarta")
    assert contact == "-" and "081299998888" not in received  # the reporter's contact was not chosen: it stayed
    assert "penipuan daring" in received
    sender_side = a.py(SENDER.format(pk=pk))
    assert sender_side.startswith("passed_on | True |") and "received there" in sender_side
    # Delivered again (a worker that died before recording it): still one report at the partner.
    a.py("from sinergi.exchange.models import OutboxMessage; from sinergi.core import clock; "
         "OutboxMessage.objects.filter(kind='report.forward').update(status='queued', next_attempt_at=clock.now())")
    a.manage("exchange", "deliver")
    assert b.py(RECEIVER).split()[0] == "1"
