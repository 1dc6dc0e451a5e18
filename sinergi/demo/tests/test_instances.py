"""The second demo instance: chosen before the settings load, its own data, Cambodian agencies and users, and
peering records on both sides."""

from pathlib import Path

import pytest

from sinergi.agencies.enums import Role
from sinergi.agencies.models import Agency, Membership, User
from sinergi.audit.models import AuditEvent
from sinergi.cases.models import Case
from sinergi.demo import cambodia
from sinergi.demo.agencies import DEMO_PASSWORD, demo_agencies_ensure
from sinergi.demo.instances import demo_environment
from sinergi.demo.peering import REACHABLE, demo_peer_ensure
from sinergi.exchange.models import InstanceKey, Peer


def test_the_instance_chooses_its_own_data_folder_identity_and_language(tmp_path):
    env = {"SINERGI_DATA_DIR": str(tmp_path)}
    demo_environment(["--instance", "kh", "--no-serve"], env)
    assert Path(env["SINERGI_DATA_DIR"]) == tmp_path / "kh"
    assert (env["SINERGI_INSTANCE"], env["SINERGI_LANGUAGE_CODE"]) == ("kh", "en")
    assert env["SINERGI_BASE_URL"] == "http://127.0.0.1:8001" and env["SINERGI_INSTANCE_NAME"] == "Sinergi Cambodia"

    env = {"SINERGI_DATA_DIR": str(tmp_path)}
    demo_environment(["--instance=kh", "--port", "8011"], env)
    assert env["SINERGI_BASE_URL"] == "http://127.0.0.1:8011" and Path(env["SINERGI_DATA_DIR"]) == tmp_path / "kh"

    env = {"SINERGI_DATA_DIR": str(tmp_path)}
    demo_environment(["--cases", "5"], env)  # the default instance: where it always was, in Indonesian
    assert env["SINERGI_DATA_DIR"] == str(tmp_path)
    assert (env["SINERGI_INSTANCE"], env["SINERGI_LANGUAGE_CODE"]) == ("id", "id")
    assert env["SINERGI_BASE_URL"] == "http://127.0.0.1:8000"

    env = {}
    demo_environment(["--instance", "xx"], env)  # unknown: left for the command to refuse
    assert env == {}
    env = {"DATABASE_URL": "postgres://x/y"}
    demo_environment(["--instance", "kh"], env)
    assert "SINERGI_DATA_DIR" not in env  # the command refuses to share a configured database


def test_the_settings_follow_the_environment(tmp_path):
    import subprocess
    import sys

    from sinergi.exchange.loopback import ROOT

    env = {"SINERGI_DATA_DIR": str(tmp_path), "PATH": "", "DJANGO_SETTINGS_MODULE": "sinergi.config.settings"}
    demo_environment(["--instance", "kh"], env)
    code = ("from django.conf import settings as s; print(s.DATABASES['default']['NAME'], s.SINERGI_INSTANCE, "
            "s.LANGUAGE_CODE, s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME)")
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True,
                         timeout=60, check=True).stdout.split()
    assert out == [str(tmp_path / "kh" / "sinergi.sqlite3"), "kh", "en", "sessionid_kh", "csrftoken_kh"]


@pytest.mark.django_db
def test_cambodian_agencies_users_and_cases_are_created_once():
    created = cambodia.kh_seed()
    assert created == len(cambodia.CASES)
    counts = {m.__name__: m.objects.count() for m in (Agency, User, Membership, Case, AuditEvent)}
    assert cambodia.kh_seed() == 0
    assert {m.__name__: m.objects.count() for m in (Agency, User, Membership, Case, AuditEvent)} == counts

    agencies = {a.code: a for a in Agency.objects.filter(country_id="KH")}
    assert {s.code for s in cambodia.AGENCIES} <= set(agencies)
    assert agencies[cambodia.NCB].local_name.startswith("ការិយាល័យ")  # Khmer script beside the English name
    assert all(a.peer_id is None for a in agencies.values())
    roles = set(Membership.objects.filter(agency__code=cambodia.LEAD_AGENCY).values_list("role", flat=True))
    assert roles == set(Role.values)
    for spec in cambodia.USERS:
        user = User.objects.get(username=spec.username)
        assert user.check_password(DEMO_PASSWORD) and user.preferred_language == "en"
        assert Membership.objects.filter(user=user, agency__code=spec.agency, role=spec.role).exists()
    assert Case.objects.filter(external_id__startswith="kh-demo-", lead_agency__code=cambodia.LEAD_AGENCY,
                               country_of_exploitation_id="KH").count() == len(cambodia.CASES)


@pytest.mark.django_db
def test_indonesia_registers_cambodia_with_its_reachable_agencies():
    demo_agencies_ensure()  # Indonesia's demo agencies, with the Cambodian police as a local stand-in
    first = demo_peer_ensure("id", fetch=False)
    peer = Peer.objects.get(code="kh")
    assert (peer.base_url, first.url, peer.jwks) == ("http://127.0.0.1:8001", "http://127.0.0.1:8001", {})
    remote = {a.remote_code: a for a in Agency.objects.filter(peer=peer)}
    assert set(remote) == set(REACHABLE["id"])
    assert remote[cambodia.NCB].code == "kh-ncb-phnom-penh" and remote[cambodia.NCB].type == "foreign_police"
    assert remote[cambodia.LEAD_AGENCY].code == "kh-cnp"  # the stand-in Indonesia had is now served by the peer
    assert remote["mosvy"].local_name == "ក្រសួងសង្គមកិច្ច អតីតយុទ្ធជន និងយុវនីតិសម្បទា"
    assert InstanceKey.objects.filter(active=True).count() == 2

    before = (Agency.objects.count(), AuditEvent.objects.count(), set(InstanceKey.objects.values_list("pk")))
    demo_peer_ensure("id", fetch=False)
    assert (Agency.objects.count(), AuditEvent.objects.count(), set(InstanceKey.objects.values_list("pk"))) == before

    demo_peer_ensure("id", peer_url="http://127.0.0.1:9101/", fetch=False)
    assert Peer.objects.get(code="kh").base_url == "http://127.0.0.1:9101"


@pytest.mark.django_db
def test_cambodia_registers_indonesia_with_its_reachable_agencies():
    cambodia.kh_seed()
    result = demo_peer_ensure("kh", peer_url="http://127.0.0.1:9", fetch=True)  # nobody there
    peer = Peer.objects.get(code="id")
    assert peer.base_url == "http://127.0.0.1:9" and result.keys == 0 and result.error
    remote = {a.remote_code: a for a in Agency.objects.filter(peer=peer)}
    assert set(remote) == {"ncb-jakarta", "bareskrim-ppa-ppo", "kbri-phnom-penh", "dinsos-ntt"}
    # The codes are the exchange's own stand-ins: a referral from Indonesia's NCB finds this row.
    assert remote["ncb-jakarta"].code == "id-ncb-jakarta" and remote["ncb-jakarta"].country_id == "ID"
    assert remote["ncb-jakarta"].type == "foreign_police" and remote["ncb-jakarta"].region is None


def test_demo_command_refuses_another_instance_in_this_process(capsys):
    from sinergi import cli

    assert cli.main(["demo", "--instance", "kh", "--no-serve"]) == 1
    assert "sinergi demo --instance kh" in capsys.readouterr().err
