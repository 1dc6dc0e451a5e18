"""Fast row writers for the demo generator: PostgreSQL COPY through psycopg, ``bulk_create`` elsewhere.

Rows are dicts by field attname; fields a row leaves out get the model field's default, so a column added
to a model later does not break the generator. Encrypted fields are encrypted here as the ORM would
(``core.fields``), and keyed digests a row leaves out are computed from their source field.
"""

from __future__ import annotations

import io
import json
from typing import Any, Callable, Iterable

from django.db import connection, models

from sinergi.core.fields import DigestField, EncryptedMixin


def _text(value: str) -> str:
    # COPY text format: backslash, tab and line breaks must be escaped.
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        value = value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return value


def _json(value: Any) -> str:
    # Most generated JSON values are short lists of vocabulary names: spell those out without the encoder.
    if type(value) is list and all(type(v) is str and v.isalnum() for v in value):
        return '["' + '", "'.join(value) + '"]' if value else "[]"
    return _text(json.dumps(value, ensure_ascii=False))


def _converter(field: models.Field) -> Callable[[Any], str]:
    if isinstance(field, EncryptedMixin):
        return lambda v: _text(field.get_db_prep_save(v, connection) or "")
    if isinstance(field, models.JSONField):
        return _json
    if isinstance(field, models.BooleanField):
        return lambda v: "t" if v else "f"
    if isinstance(field, (models.DateTimeField, models.DateField)):
        return lambda v: v.isoformat()
    if isinstance(field, (models.UUIDField, models.ForeignKey)) or isinstance(field, models.IntegerField):
        return str
    return lambda v: _text(str(v))


class Table:
    """One table's columns for writing: every concrete field except an auto-increment key."""

    def __init__(self, model: type[models.Model]):
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if not isinstance(f, models.AutoField)]
        self.attnames = [f.attname for f in self.fields]
        self.columns = [f.column for f in self.fields]
        self.defaults = {f.attname: f.get_default() for f in self.fields}
        self.converters = [_converter(f) for f in self.fields]
        self.digests = [(f.attname, f, model._meta.get_field(f.source).attname) for f in self.fields
                        if isinstance(f, DigestField)]
        self.rows: list[dict[str, Any]] = []

    def add(self, row: dict[str, Any]) -> None:
        for attname, field, source in self.digests:
            if attname not in row:
                row[attname] = field.compute(row.get(source))
        self.rows.append(row)

    def flush(self) -> int:
        rows, self.rows = self.rows, []
        if not rows:
            return 0
        if connection.vendor == "postgresql":
            self._copy(rows)
        else:
            self._insert(rows)
        return len(rows)

    def _insert(self, rows: list[dict[str, Any]]) -> None:
        # A plain INSERT rather than bulk_create: bulk_create would overwrite created_at (auto_now_add), and the
        # generated cases carry the date they were reported on, as COPY writes them.
        table = connection.ops.quote_name(self.model._meta.db_table)
        cols = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        sql = f"INSERT INTO {table} ({cols}) VALUES ({', '.join(['%s'] * len(self.columns))})"
        pairs = list(zip(self.attnames, self.fields))
        defaults = self.defaults
        params = [[f.get_db_prep_save(row[name] if name in row else defaults[name], connection) for name, f in pairs]
                  for row in rows]
        with connection.cursor() as cur:
            cur.executemany(sql, params)

    def _copy(self, rows: Iterable[dict[str, Any]]) -> None:
        buf = io.StringIO()
        pairs = list(zip(self.attnames, self.converters))
        defaults = self.defaults
        write = buf.write
        for row in rows:
            parts = []
            for name, conv in pairs:
                v = row[name] if name in row else defaults[name]
                parts.append("\\N" if v is None else conv(v))
            write("\t".join(parts))
            write("\n")
        table = connection.ops.quote_name(self.model._meta.db_table)
        cols = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        with connection.cursor() as cur:
            with cur.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                copy.write(buf.getvalue())


def analyze(models_: Iterable[type[models.Model]]) -> None:
    """Fresh planner statistics after a large load (PostgreSQL only; SQLite plans well without them). VACUUM
    too when not inside a transaction: it marks the pages all-visible, which index-only scans need."""
    if connection.vendor != "postgresql":
        return
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cur:
        for m in models_:
            cur.execute(f"{command} {connection.ops.quote_name(m._meta.db_table)}")
