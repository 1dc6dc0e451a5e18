"""Model fields that keep personal data encrypted at rest, and the keyed digests that let it be looked up.

An encrypted field behaves like its plain counterpart in Python (forms, validation, masking, serializers see
the plaintext); the database holds ``sealing.seal`` output in a text column. An empty value stays empty, so
"has a phone number" remains a plain question. Encrypted columns cannot be searched: filtering on one with a
non-empty value raises; look values up through the companion ``DigestField`` instead.

Writes that bypass the ORM (the demo generator's COPY) must call ``get_db_prep_save`` and ``DigestField.compute``
as ``demo.tables`` does.
"""

from __future__ import annotations

import json

from django.db import models
from django.utils.functional import cached_property

from . import sealing


class EncryptedMixin:
    key_purpose = "field"

    def __init__(self, *args, key_purpose: str | None = None, **kwargs):
        if key_purpose:
            self.key_purpose = key_purpose
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.key_purpose != type(self).key_purpose:
            kwargs["key_purpose"] = self.key_purpose
        return name, path, args, kwargs

    def get_internal_type(self) -> str:
        # The ciphertext is longer than the plaintext limit (kept for validation and forms): a text column.
        return "TextField"

    @cached_property
    def seal_context(self) -> str:
        return f"{self.model._meta.label}.{self.name}"

    def _to_text(self, value) -> str | None:
        return value if value is None or isinstance(value, str) else str(value)

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return sealing.unseal(value, context=self.seal_context, purpose=self.key_purpose)

    def get_db_prep_save(self, value, connection):
        if hasattr(value, "as_sql"):
            return value
        value = self._to_text(value)
        if value is None or value == "":
            return value
        if sealing.is_sealed(value):
            # Already sealed (a re-encryption writing raw values); never seal twice.
            return value
        return sealing.seal(value, context=self.seal_context, purpose=self.key_purpose)

    def get_db_prep_value(self, value, connection, prepared=False):
        # Only lookups reach here (saves go through get_db_prep_save): comparing ciphertext with plaintext
        # would silently match nothing.
        if value is None or value == "" or sealing.is_sealed(value):
            return value
        raise ValueError(f"{self.seal_context} is encrypted: look it up by its digest, not by its value")

    def get_lookup(self, lookup_name):
        if lookup_name not in ("exact", "isnull", "in"):
            return None
        return super().get_lookup(lookup_name)


class EncryptedCharField(EncryptedMixin, models.CharField):
    """A ``CharField`` (``max_length`` applies to the plaintext) stored encrypted."""


class EncryptedEmailField(EncryptedMixin, models.EmailField):
    """An ``EmailField`` stored encrypted."""


class EncryptedTextField(EncryptedMixin, models.TextField):
    """A ``TextField`` stored encrypted."""


class EncryptedJSONField(EncryptedMixin, models.TextField):
    """A JSON value (dict or list) stored encrypted as text; for secrets such as private keys."""

    def from_db_value(self, value, expression, connection):
        text = super().from_db_value(value, expression, connection)
        return json.loads(text) if text else text

    def _to_text(self, value):
        if value is None or isinstance(value, str):
            return value
        return json.dumps(value, separators=(",", ":"), sort_keys=True)

    def to_python(self, value):
        return value

    def value_to_string(self, obj):
        return ""  # never dumped (dumpdata, serializers): a secret stays encrypted or stays out


class DigestField(models.CharField):
    """The keyed digest (``sealing.digest``) of another field of the same row, kept current on every save.

    Saves with ``update_fields`` must name it with its source (``digest_companions``)."""

    def __init__(self, *args, source: str = "", kind: str = "", **kwargs):
        self.source, self.kind = source, kind
        kwargs.setdefault("max_length", 80)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.update(source=self.source, kind=self.kind)
        for k, v in (("max_length", 80), ("blank", True), ("default", ""), ("editable", False)):
            if kwargs.get(k) == v:
                kwargs.pop(k)
        return name, path, args, kwargs

    def compute(self, value) -> str:
        return sealing.digest(self.kind, value or "")

    def pre_save(self, model_instance, add):
        value = self.compute(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value


def digest_companions(model, field_names) -> list[str]:
    """The digest fields that follow any of ``field_names``: add them to ``update_fields``."""
    names = set(field_names)
    return [f.name for f in model._meta.concrete_fields if isinstance(f, DigestField) and f.source in names]


def lookup_digests(model, source: str, value: str) -> list[str]:
    """Digests of ``value`` as the digest field of ``model`` following ``source`` stores them, under every
    index key (``filter(<digest>__in=...)`` also finds rows written before an index-key rotation)."""
    field = next(f for f in model._meta.concrete_fields if isinstance(f, DigestField) and f.source == source)
    return sealing.digests(field.kind, value)
