"""Delivery channels. E-mail uses Django's mailers; others (SMS, chat) plug in through settings:

    SINERGI_NOTIFICATION_CHANNELS = {"sms": "mypackage.sms.send"}

A channel is a callable ``send(address, title, body, url)`` that raises on failure.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


def send_email(address: str, title: str, body: str, url: str) -> None:
    text = body + (f"\n\n{url}" if url else "")
    send_mail(f"[Sinergi] {title}", text, None, [address])


def log_only(address: str, title: str, body: str, url: str) -> None:
    """For demos and tests: record the message in the log instead of sending it."""
    logger.info("notification to %s: %s", address, title)


BUILTIN = {"email": send_email, "log": log_only}


def channel(name: str):
    configured = getattr(settings, "SINERGI_NOTIFICATION_CHANNELS", {}) or {}
    if name in configured:
        return import_string(configured[name])
    return BUILTIN[name]


def enabled() -> list[str]:
    return list(getattr(settings, "SINERGI_NOTIFICATION_DELIVERY", ["email"]))
