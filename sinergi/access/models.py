"""The second factor's secret, encrypted at rest.

django-otp's ``TOTPDevice`` keeps the TOTP key in clear in its table: anyone holding a copy of the database could
compute every staff member's codes. ``Authenticator`` is the same device (django-otp's fields and its own
verification, throttling and ``otpauth://`` URL, reused unchanged) with the key in an ``EncryptedCharField`` under
the field key (``core.keys``): the database holds only ciphertext bound to this column, and ``sinergi keys
rotate field`` re-encrypts it with the other personal fields. Migration 0002 moved existing devices here.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key, key_validator

from sinergi.core.fields import EncryptedCharField


class Authenticator(TimestampMixin, ThrottlingMixin, Device):
    key = EncryptedCharField(max_length=80, validators=[key_validator], default=default_key,
                             help_text="A hex-encoded secret key of up to 40 bytes (stored encrypted).")
    step = models.PositiveSmallIntegerField(default=30)
    t0 = models.BigIntegerField(default=0)
    digits = models.PositiveSmallIntegerField(choices=[(6, 6), (8, 8)], default=6)
    tolerance = models.PositiveSmallIntegerField(default=1)
    drift = models.SmallIntegerField(default=0)
    last_t = models.BigIntegerField(default=-1)

    class Meta(Device.Meta):
        verbose_name = _("aplikasi autentikator")

    # django-otp's TOTP behaviour, unchanged: it reads ``self.key`` (here decrypted on load).
    bin_key = TOTPDevice.bin_key
    verify_token = TOTPDevice.verify_token
    get_throttle_factor = TOTPDevice.get_throttle_factor
    config_url = TOTPDevice.config_url
    _read_str_from_settings = TOTPDevice._read_str_from_settings
