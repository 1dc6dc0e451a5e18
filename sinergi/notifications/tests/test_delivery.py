import datetime as dt

import pytest

from sinergi.agencies.tests.factories import UserFactory
from sinergi.core import clock
from sinergi.notifications import services
from sinergi.notifications.models import Delivery, Notification

pytestmark = pytest.mark.django_db

CALLS = []


def flaky(address, title, body, url):
    CALLS.append(address)
    if len(CALLS) < 3:
        raise ConnectionError("gateway down")


def test_notify_is_idempotent_and_delivers_by_email(mailoutbox, django_capture_on_commit_callbacks):
    user = UserFactory(email="a@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(user_ids=[user.pk], title="Rujukan baru", key="k1")
        services.notify(user_ids=[user.pk], title="Rujukan baru", key="k1")
    assert Notification.objects.filter(recipient=user).count() == 1
    assert len(mailoutbox) == 1 and "Rujukan baru" in mailoutbox[0].subject
    assert Delivery.objects.get().status == Delivery.Status.SENT


def test_failed_delivery_is_retried_with_backoff_then_sent(settings):
    settings.SINERGI_NOTIFICATION_DELIVERY = ["sms"]
    settings.SINERGI_NOTIFICATION_CHANNELS = {"sms": "sinergi.notifications.tests.test_delivery.flaky"}
    CALLS.clear()
    user = UserFactory()
    user.sms_address = "+6281234567890"
    from sinergi.notifications.models import Delivery as D

    n = Notification.objects.create(recipient=user, title="t", key="k2")
    d = D.objects.create(notification=n, channel="sms", address="+6281234567890", next_attempt_at=clock.now())
    assert services.delivery_attempt(d.pk) == "retry"
    d.refresh_from_db()
    assert d.attempts == 1 and d.next_attempt_at > clock.now() and "gateway down" in d.last_error
    assert services.deliveries_retry_due() == 0  # not yet due
    later = clock.now() + dt.timedelta(hours=3)
    assert services.deliveries_retry_due(later) == 1
    clock.set_now(later + dt.timedelta(hours=3))
    assert services.deliveries_retry_due() == 1
    d.refresh_from_db()
    assert d.status == D.Status.SENT and d.attempts == 3


def test_a_claimed_delivery_is_not_sent_twice_until_its_lease_ends(settings):
    from sinergi.notifications.models import Delivery as D

    settings.SINERGI_NOTIFICATION_DELIVERY = ["sms"]
    settings.SINERGI_NOTIFICATION_CHANNELS = {"sms": "sinergi.notifications.tests.test_delivery.flaky"}
    CALLS.clear()
    user = UserFactory()
    n = Notification.objects.create(recipient=user, title="t", key="k-lease")
    d = D.objects.create(notification=n, channel="sms", address="+6281234567890", next_attempt_at=clock.now())
    # Another worker claimed it and died before it could write the result.
    D.objects.filter(pk=d.pk).update(next_attempt_at=clock.now() + services.LEASE, attempts=1)
    assert services.delivery_attempt(d.pk) == "skipped" and CALLS == []
    assert services.deliveries_retry_due(clock.now() + services.LEASE + dt.timedelta(seconds=1)) == 1
    assert len(CALLS) == 1


def test_links_in_emails_are_absolute_from_the_configured_site_address(settings, mailoutbox,
                                                                       django_capture_on_commit_callbacks):
    settings.SINERGI_SITE_URL = "https://sinergi.example.go.id/"
    user = UserFactory(email="b@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(user_ids=[user.pk], title="Rujukan baru", url="/cases/1234/", key="k-abs")
    body = mailoutbox[0].body
    assert "https://sinergi.example.go.id/cases/1234/" in body
    assert "\n/cases/" not in body
    # The page inside the application keeps its own path.
    assert Notification.objects.get(key="k-abs").url == "/cases/1234/"
    assert services.absolute_url("https://other.example/x") == "https://other.example/x"
