"""Both demo instances as real processes (``sinergi demo`` and ``sinergi demo --instance kh``, each with its
worker), in temporary folders on free ports: a locate request sent by Indonesia's NCB arrives at the Cambodian
NCB, which acknowledges it, and the acknowledgement comes back. Nothing is delivered by hand: the workers do it,
fetching each other's keys over HTTP."""

import http.cookiejar
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid

import pytest

from sinergi.demo.agencies import DEMO_PASSWORD
from sinergi.exchange.loopback import ROOT, Instance

pytestmark = pytest.mark.slow

class Browser:
    """Signs in and posts forms like a browser without JavaScript: cookies, CSRF token from the page."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=20) as resp:
            return resp.read().decode()

    def post(self, path: str, form_page: str, data: dict) -> tuple[str, str]:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.get(form_page)).group(1)
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}, doseq=True).encode()
        with self.opener.open(self.base + path, data=body, timeout=20) as resp:  # follows the redirect
            return resp.geturl(), resp.read().decode()

    def sign_in(self, username: str) -> None:
        url, _ = self.post("/login/", "/login/", {"username": username, "password": DEMO_PASSWORD})
        assert not url.endswith("/login/"), f"{username} could not sign in"


def _open_case(base: str) -> str:
    """Indonesia's NCB opens a case through the API (the web intake goes through a report first)."""
    def call(path, payload, token=None):
        req = urllib.request.Request(base + path, data=json.dumps(payload).encode(), method="POST",
                                     headers={"Content-Type": "application/json",
                                              **({"Authorization": f"Token {token}"} if token else {})})
        with urllib.request.urlopen(req, timeout=20) as resp:
            return json.loads(resp.read())

    token = call("/api/v1/auth/token/", {"username": "ncb", "password": DEMO_PASSWORD})["token"]
    case = call("/api/v1/cases/", {
        "lead_agency": "ncb-jakarta",
        "survivor_data": {"full_name": "Yohana Bria", "sex": "Feminine", "estimated_age": 24, "citizenship": "ID",
                          "phone": "081234567890"},
        "details": {"country_of_exploitation": "KH", "city_of_exploitation": "Sihanoukville"}}, token)
    return case["id"]


def _query(db, sql, *params):
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10) as conn:
        return conn.execute(sql, params).fetchall()


def _wait(what, check, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            result = check()
        except (OSError, sqlite3.Error):
            result = None
        if result:
            return result
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def _jwks(url):
    with urllib.request.urlopen(url + "/.well-known/jwks.json", timeout=2) as resp:
        return json.loads(resp.read())


@pytest.fixture
def demos(tmp_path):
    ind, kh = Instance("id", tmp_path), Instance("kh", tmp_path)
    ind.env["SINERGI_DATA_DIR"] = str(tmp_path)  # the default instance's folder; kh's is tmp_path/kh
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "SINERGI_INSTANCE", "SINERGI_BASE_URL", "SINERGI_INSTANCE_NAME",
                        "SINERGI_LANGUAGE_CODE")}
    env.update(SINERGI_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="sinergi.config.settings",
               PYTHONUNBUFFERED="1")
    commands = [
        (ind, ["--port", str(ind.port), "--peer-url", kh.url, "--cases", "0"]),
        (kh, ["--instance", "kh", "--port", str(kh.port), "--peer-url", ind.url]),
    ]
    procs = []
    for inst, args in commands:
        log = open(tmp_path / f"demo-{inst.code}.log", "w")
        procs.append((subprocess.Popen([sys.executable, "-m", "sinergi.cli", "demo", *args], env=env, cwd=ROOT,
                                       stdout=log, stderr=subprocess.STDOUT, start_new_session=True), log))
    try:
        for inst in (ind, kh):
            _wait(f"the {inst.code} demo to serve", lambda: _jwks(inst.url)["keys"], 120)
        yield ind, kh, tmp_path
    finally:
        for proc, log in procs:
            proc.terminate()  # the demo stops its worker on the way out
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
            log.close()


def test_locate_request_crosses_between_the_two_demos_and_is_acknowledged(demos):
    ind, kh, tmp = demos
    id_db, kh_db = tmp / "sinergi.sqlite3", tmp / "kh" / "sinergi.sqlite3"
    assert id_db.exists() and kh_db.exists()
    # Two databases, two instances' own keys.
    assert not {k["kid"] for k in _jwks(ind.url)["keys"]} & {k["kid"] for k in _jwks(kh.url)["keys"]}
    assert _query(id_db, "select e.base_url from exchange_peer e where e.code = 'kh'") == [(kh.url,)]
    assert _query(kh_db, "select e.base_url from exchange_peer e where e.code = 'id'") == [(ind.url,)]
    login = urllib.request.urlopen(kh.url + "/login/", timeout=5).read().decode()
    assert 'lang="en"' in login and "Cambodia" in login

    # Indonesia's NCB sends a locate request from the case page to the Cambodian NCB, reached through the peer.
    case_id = _open_case(ind.url)
    jakarta = Browser(ind.url)
    jakarta.sign_in("ncb")
    page = jakarta.get(f"/cases/{case_id}/")
    assert 'value="kh-ncb-phnom-penh"' in page  # the remote agency is offered in the referral form
    url, page = jakarta.post(f"/cases/{case_id}/referrals/", f"/cases/{case_id}/", {
        "type": "locate", "to_agency": "kh-ncb-phnom-penh",
        "consent_override_reason": "Keluarga melapor hilang; korban tidak dapat dihubungi"})
    assert url.endswith(f"/cases/{case_id}/") and "Rujukan dikirim" in page
    referral_id = _query(id_db, "select id from referrals_referral where replace(case_id, '-', '') = ?",
                         case_id.replace("-", ""))[0][0]

    # It arrives in Cambodia (the workers deliver it; keys were fetched over HTTP) as a case of the NCB.
    remote_id, status, remote_case, to_code, from_code = _wait("the referral to arrive in Cambodia", lambda: _query(
        kh_db, "select r.id, r.status, r.case_id, t.code, f.code from referrals_referral r "
               "join agencies_agency t on t.id = r.to_agency_id join agencies_agency f on f.id = r.from_agency_id "
               "where replace(r.remote_id, '-', '') = ?", referral_id.replace("-", "")), 30)[0]
    assert (status, to_code, from_code) == ("sent", "ncb-phnom-penh", "id-ncb-jakarta")
    remote_id, remote_case = str(uuid.UUID(remote_id)), str(uuid.UUID(remote_case))
    phnom_penh = Browser(kh.url)
    phnom_penh.sign_in("kh-ncb")
    page = phnom_penh.get(f"/cases/{remote_case}/")
    assert "Yohana Bria" in page and "Sihanoukville" in page and "081234567890" not in page

    # The Cambodian NCB acknowledges it; the acknowledgement comes back to Jakarta.
    url, _ = phnom_penh.post(f"/referrals/{remote_id}/answer/", f"/cases/{remote_case}/", {"status": "acknowledged"})
    assert url.endswith(f"/cases/{remote_case}/")
    _wait("the acknowledgement to come back", lambda: _query(
        id_db, "select 1 from referrals_referral where id = ? and status = 'acknowledged'", referral_id), 30)
