"""Two-factor sign-in in a real Chromium: enrolment at the first sign-in (QR code and typed key), sign-in with a
code from the authenticator, and with a recovery code that then no longer works; at 360 px and desktop width.

Needs Debian's chromium at /usr/bin/chromium. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import base64
import re
import time

import pytest
from django_otp.oath import TOTP

from sinergi.agencies.enums import Role
from sinergi.agencies.tests.factories import PASSWORD, AgencyFactory, user_with_role

from .test_browser import CHROMIUM, browser, pytestmark, shot  # noqa: F401 - the same browser and skip rule


@pytest.fixture
def countries(transactional_db):
    from sinergi.regions.services import countries_load

    countries_load()


def code_from_key(key: str, steps_ahead: int = 0) -> str:
    totp = TOTP(base64.b32decode(key), 30, 0, 6, 0)
    totp.time = time.time() + steps_ahead * 30
    return f"{totp.token():06d}"


def password_step(browser, live_server, username, *, mobile):
    context = browser.new_context(viewport={"width": 360, "height": 780} if mobile else {"width": 1280, "height": 900},
                                  locale="id-ID")
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    return page


@pytest.mark.parametrize("mobile", [True, False], ids=["360px", "desktop"])
def test_enrol_then_sign_in_with_a_code_and_with_a_recovery_code(countries, live_server, browser, mobile):
    width = "360px" if mobile else "desktop"
    agency = AgencyFactory(name="NCB Interpol Jakarta", code="ncb-jakarta", region_id=None, mfa_required=True)
    user = user_with_role(Role.CASE_MANAGER, agency, username=f"ncb-{width}")

    # First sign-in after the agency required it: the password leads to enrolment, not into the app.
    page = password_step(browser, live_server, user.username, mobile=mobile)
    page.wait_for_url(f"{live_server.url}/login/authenticator/")
    assert page.locator("figure.qr svg").is_visible()
    box = page.locator("figure.qr svg").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= (360 if mobile else 1280)
    shot(page, f"mfa-01-enrol-{width}")
    key = page.locator("#totp-key").inner_text().replace(" ", "")
    page.get_by_label("Kode dari aplikasi").fill("000000" if code_from_key(key) != "000000" else "111111")
    page.get_by_role("button", name="Aktifkan").click()
    assert page.locator(".errorlist").inner_text().startswith("Kode salah")
    shot(page, f"mfa-02-enrol-wrong-code-{width}")
    time.sleep(1.1)  # the authenticator slows down guessing after a wrong code
    page.get_by_label("Kode dari aplikasi").fill(code_from_key(key))
    page.get_by_role("button", name="Aktifkan").click()
    page.get_by_role("heading", name="Kode pemulihan Anda").wait_for()
    codes = [c.strip() for c in page.locator("ol.codes code").all_inner_texts()]
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-7]{4}-[a-z2-7]{4}", c) for c in codes)
    shot(page, f"mfa-03-recovery-codes-{width}")
    page.get_by_role("link", name="Saya sudah menyimpannya, lanjutkan").click()
    page.wait_for_url(f"{live_server.url}/")
    page.context.close()

    # Next sign-in: password, then the code the app shows (the next one: each code works once).
    page = password_step(browser, live_server, user.username, mobile=mobile)
    page.wait_for_url(f"{live_server.url}/login/code/")
    shot(page, f"mfa-04-code-{width}")
    page.get_by_label("Kode").fill(code_from_key(key, 1))
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{live_server.url}/")
    page.get_by_role("link", name=user.username).click()
    page.get_by_role("heading", name="Keamanan akun").wait_for()
    shot(page, f"mfa-05-account-security-{width}")
    page.context.close()

    # The phone is lost: a recovery code signs in once, and is refused the second time.
    page = password_step(browser, live_server, user.username, mobile=mobile)
    page.wait_for_url(f"{live_server.url}/login/code/")
    page.get_by_label("Kode").fill(codes[0])
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"{live_server.url}/")
    assert "sisa 9 kode" in page.locator(".messages").inner_text()
    shot(page, f"mfa-06-signed-in-with-recovery-code-{width}")
    page.context.close()
    page = password_step(browser, live_server, user.username, mobile=mobile)
    page.wait_for_url(f"{live_server.url}/login/code/")
    page.get_by_label("Kode").fill(codes[0])
    page.get_by_role("button", name="Masuk").click()
    assert "sudah dipakai" in page.locator(".errorlist").inner_text()
    assert page.url.startswith(f"{live_server.url}/login/code/")
    shot(page, f"mfa-07-recovery-code-reused-{width}")
    page.context.close()
