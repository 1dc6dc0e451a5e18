"""Walking every encrypted column: count values per key, re-encrypt under the active key, recompute digests,
and encrypt the plaintext left by databases from before field encryption (the apps' data migrations).

Rows are read and written in batches of raw values (no model instances, no signals) so that a million
persons can be re-keyed in minutes; each write is conditional on the value read, so a row changed meanwhile
by the application is left as the application wrote it (already under the active key).
"""

from __future__ import annotations

from collections import Counter
from typing import Callable, Iterator

from django.apps import apps as global_apps
from django.db import connection, transaction

from . import keys, sealing
from .fields import DigestField, EncryptedMixin

BATCH = 1000


def encrypted_columns(purpose: str = "field", apps=None) -> list[tuple[type, object]]:
    """(model, field) for every encrypted field whose key purpose is ``purpose``."""
    found = []
    for model in (apps or global_apps).get_models():
        for f in model._meta.concrete_fields:
            if isinstance(f, EncryptedMixin) and f.key_purpose == purpose:
                found.append((model, f))
    return found


def digest_columns(apps=None) -> list[tuple[type, DigestField, object]]:
    """(model, digest field, its source field) for every keyed digest."""
    found = []
    for model in (apps or global_apps).get_models():
        for f in model._meta.concrete_fields:
            if isinstance(f, DigestField):
                found.append((model, f, model._meta.get_field(f.source)))
    return found


def _rows(model, columns: list[str], conn=None) -> Iterator[list[tuple]]:
    """Batches of (pk, *columns) in key order, read raw."""
    conn = conn or connection
    qn = conn.ops.quote_name
    table, pk = qn(model._meta.db_table), qn(model._meta.pk.column)
    cols = ", ".join(qn(c) for c in columns)
    last = None
    while True:
        with conn.cursor() as cur:
            if last is None:
                cur.execute(f"SELECT {pk}, {cols} FROM {table} ORDER BY {pk} LIMIT %s", [BATCH])
            else:
                cur.execute(f"SELECT {pk}, {cols} FROM {table} WHERE {pk} > %s ORDER BY {pk} LIMIT %s", [last, BATCH])
            batch = cur.fetchall()
        if not batch:
            return
        yield batch
        last = batch[-1][0]


def _update(model, column: str, changes: list[tuple], conn=None) -> int:
    """UPDATE column = new WHERE pk = id AND column = old, for (id, old, new) triples."""
    if not changes:
        return 0
    conn = conn or connection
    qn = conn.ops.quote_name
    sql = (f"UPDATE {qn(model._meta.db_table)} SET {qn(column)} = %s "
           f"WHERE {qn(model._meta.pk.column)} = %s AND {qn(column)} = %s")
    with conn.cursor() as cur:
        cur.executemany(sql, [(new, pk, old) for pk, old, new in changes])
    return len(changes)


def _context(model, field) -> str:
    return f"{model._meta.label}.{field.name}"


def count_sealed(purpose: str) -> dict[str, int]:
    """Key id -> encrypted values under it, over every column of ``purpose`` (``"plaintext"`` for values
    that are not encrypted at all)."""
    counts: Counter = Counter()
    for model, f in encrypted_columns(purpose):
        for batch in _rows(model, [f.column]):
            for _, value in batch:
                if value:
                    counts[sealing.sealed_kid(value) or "plaintext"] += 1
    return dict(counts)


def count_digests() -> dict[str, int]:
    counts: Counter = Counter()
    for model, f, _ in digest_columns():
        for batch in _rows(model, [f.column]):
            for _, value in batch:
                if value:
                    counts[value.partition(":")[0]] += 1
    return dict(counts)


def reencrypt(purpose: str, progress: Callable[[int], None] | None = None) -> int:
    """Re-encrypt every value of ``purpose`` not under the active key (plaintext included); returns how many."""
    active = keys.keyring(purpose).active_kid
    done = 0
    for model, f in encrypted_columns(purpose):
        ctx = _context(model, f)
        for batch in _rows(model, [f.column]):
            changes = []
            for pk, value in batch:
                if not value or sealing.sealed_kid(value) == active:
                    continue
                # Plaintext (from before encryption, or written around the application) is sealed as it is.
                plain = sealing.unseal(value, context=ctx, purpose=purpose) if sealing.is_sealed(value) else value
                changes.append((pk, value, sealing.seal(plain, context=ctx, purpose=purpose)))
            with transaction.atomic():
                done += _update(model, f.column, changes)
            if progress and changes:
                progress(done)
    return done


def redigest(progress: Callable[[int], None] | None = None) -> int:
    """Recompute every digest not under the active index key (from the decrypted source); returns how many."""
    active = keys.keyring("index").active_kid
    done = 0
    for model, f, source in digest_columns():
        src_ctx = _context(model, source)
        for batch in _rows(model, [f.column, source.column]):
            changes = []
            for pk, value, raw in batch:
                if (value and value.partition(":")[0] == active) or (not value and not raw):
                    continue
                plain = sealing.unseal(raw, context=src_ctx, purpose=source.key_purpose) \
                    if sealing.is_sealed(raw) else (raw or "")
                new = sealing.digest(f.kind, plain)
                if new != value:
                    changes.append((pk, value, new))
            with transaction.atomic():
                done += _update(model, f.column, changes)
            if progress and changes:
                progress(done)
    return done


def migrate_encrypt(model_label: str, field_names: list[str], *, reverse: bool = False):
    """A ``RunPython`` function for an app's data migration: encrypt (or, reversed, decrypt) the named
    columns of ``model_label`` and fill their digests, in place. Needs the keys, like the app does."""

    def run(apps, schema_editor):
        model = apps.get_model(model_label)
        conn = schema_editor.connection
        label = model._meta.label
        for name in field_names:
            f = model._meta.get_field(name)
            ctx = f"{label}.{name}"
            purpose = getattr(f, "key_purpose", "field")
            for batch in _rows(model, [f.column], conn):
                changes = []
                for pk, value in batch:
                    if not value:
                        continue
                    if reverse and sealing.is_sealed(value):
                        changes.append((pk, value, sealing.unseal(value, context=ctx, purpose=purpose)))
                    elif not reverse and not sealing.is_sealed(value):
                        changes.append((pk, value, sealing.seal(value, context=ctx, purpose=purpose)))
                _update(model, f.column, changes, conn)
        if reverse:
            return
        for f in model._meta.concrete_fields:
            if not isinstance(f, DigestField) or f.source not in field_names:
                continue
            source = model._meta.get_field(f.source)
            ctx = f"{label}.{source.name}"
            for batch in _rows(model, [f.column, source.column], conn):
                changes = [(pk, d, new) for pk, d, raw in batch if raw and (new := sealing.digest(
                    f.kind, sealing.unseal(raw, context=ctx, purpose=getattr(source, "key_purpose", "field"))))
                    != d]
                _update(model, f.column, changes, conn)

    return run
