"""The lower apps' registries are filled by the apps that own what is registered (``AppConfig.ready()``)."""

from sinergi.core import jobs
from sinergi.exchange import handlers
from sinergi.referrals import remote


def test_every_periodic_job_is_registered_once_by_its_app():
    names = [name for name, _ in jobs.PERIODIC]
    assert len(names) == len(set(names))
    assert set(names) >= {"audit checkpoint", "peer keys", "exchange outbox", "referral escalation",
                          "notification retries", "stalled imports", "analytics figures"}


def test_the_exchange_handles_what_referrals_registered():
    assert {kind: handlers.HANDLERS[kind] for kind in remote.HANDLERS} == remote.HANDLERS
    remote.register()  # a second registration of the same handlers changes nothing


def test_a_kind_has_one_handler():
    import pytest

    with pytest.raises(ValueError):
        handlers.register("referral.create", lambda peer, body: None)
